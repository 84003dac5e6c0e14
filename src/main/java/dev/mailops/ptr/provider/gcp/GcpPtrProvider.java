package dev.mailops.ptr.provider.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.AggregatedListInstancesRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesScopedList;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.UpdateAccessConfigInstanceRequest;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.Polls;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Names;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sets the public PTR of a VM instance's external IP (IPv4 {@code natIP} or IPv6 {@code externalIpv6}) through
 * Compute Engine's {@code instances.updateAccessConfig}, over HTTP/JSON.
 *
 * <p>The IP is found with {@code instances.aggregatedList} (scanned, not filtered: Compute's filter syntax for
 * repeated nested fields is not something to rely on), and the map from IP to instance, zone, network interface and
 * access config is cached for a minute, misses included, with one scan at a time. A change is an operation: it is polled with {@code zoneOperations.get} a
 * bounded number of times; one still running then is answered as pending, and remembered so that {@link #read}
 * reports it pending until it is done. Client-side retries are off: the operator backs off by the exception's kind.
 */
public final class GcpPtrProvider implements PtrProvider {

  static final Duration CACHE_TTL = Duration.ofSeconds(60);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final String COMPUTE_SCOPE = "https://www.googleapis.com/auth/compute";

  /** Where an external IP lives. */
  record Location(String zone, String instance, String networkInterface, boolean ipv6) {}

  private record Pending(String zone, String operation, String value) {}

  private final GcpSettings settings;
  private final Polls polls;
  private final Map<InetAddress, Pending> pending = new ConcurrentHashMap<>();
  private InstancesClient instances;
  private ZoneOperationsClient operations;
  private String account = "the service account the operator runs as (Workload Identity)";
  private Map<InetAddress, Location> locations = Map.of();
  private long locationsLoadedAt;
  /** Held while the project is scanned: one scan at a time. */
  private final Object reload = new Object();

  public GcpPtrProvider(GcpSettings settings) {
    this(settings, Polls.DEFAULT);
  }

  /** For tests: how often and how many times an operation is polled before it is reported pending. */
  GcpPtrProvider(GcpSettings settings, Polls polls) {
    this.settings = settings;
    this.polls = polls;
  }

  @Override
  public String type() {
    return "gcp";
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    Pending change = pending.get(ip);
    if (change != null) {
      Operation op = call("zoneOperations.get", ip,
          () -> operations().get(settings.project(), change.zone(), change.operation()));
      if (op.getStatus() != Operation.Status.DONE) {
        return PtrRecord.pending(change.value());
      }
      pending.remove(ip);
    }
    Location location = locate(ip);
    AccessConfig config = accessConfig(ip, location);
    if (config == null) {
      invalidate();
      location = locate(ip);
      config = accessConfig(ip, location);
      if (config == null) {
        throw notFound(ip);
      }
    }
    return config.getSetPublicPtr() && !config.getPublicPtrDomainName().isEmpty()
        ? PtrRecord.applied(Names.canonical(config.getPublicPtrDomainName()))
        : PtrRecord.none();
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    String name = Names.canonical(hostname);
    return update(ip, name, true);
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    return update(ip, null, false);
  }

  /** One page of at most one instance: proves credentials, reachability and compute.instances.list. */
  @Override
  public void probe() throws ProviderException {
    call("instances.aggregatedList", null, () -> instances().aggregatedListCallable().call(
        AggregatedListInstancesRequest.newBuilder().setProject(settings.project()).setMaxResults(1)
            .setReturnPartialSuccess(true).build()));
  }

  @Override
  public synchronized void close() {
    if (instances != null) {
      instances.close();
    }
    if (operations != null) {
      operations.close();
    }
  }

  private PtrRecord update(InetAddress ip, String name, boolean setPtr) throws ProviderException {
    Location location = locate(ip);
    AccessConfig current = accessConfig(ip, location);
    if (current == null) {
      invalidate();
      location = locate(ip);
      current = accessConfig(ip, location);
      if (current == null) {
        throw notFound(ip);
      }
    }
    AccessConfig.Builder body = AccessConfig.newBuilder().setName(current.getName()).setType(current.getType())
        .setSetPublicPtr(setPtr);
    if (location.ipv6()) {
      body.setExternalIpv6(current.getExternalIpv6());
      if (current.hasExternalIpv6PrefixLength()) {
        body.setExternalIpv6PrefixLength(current.getExternalIpv6PrefixLength());
      }
    } else {
      body.setNatIP(current.getNatIP());
    }
    if (current.hasNetworkTier()) {
      body.setNetworkTier(current.getNetworkTier());
    }
    if (setPtr) {
      body.setPublicPtrDomainName(name + ".");
    }
    Location where = location;
    UpdateAccessConfigInstanceRequest request = UpdateAccessConfigInstanceRequest.newBuilder()
        .setProject(settings.project()).setZone(where.zone()).setInstance(where.instance())
        .setNetworkInterface(where.networkInterface()).setAccessConfigResource(body.build())
        .setRequestId(UUID.randomUUID().toString()).build();
    Operation op = call("instances.updateAccessConfig", ip, () -> instances().updateAccessConfigCallable()
        .call(request), name);
    for (int poll = 0; op.getStatus() != Operation.Status.DONE && poll < polls.max(); poll++) {
      polls.pause("a GCP operation");
      String operation = op.getName();
      op = call("zoneOperations.get", ip, () -> operations().get(settings.project(), where.zone(), operation));
    }
    if (op.getStatus() != Operation.Status.DONE) {
      pending.put(ip, new Pending(where.zone(), op.getName(), name));
      return PtrRecord.pending(name);
    }
    pending.remove(ip);
    if (op.hasError() && op.getError().getErrorsCount() > 0) {
      var error = op.getError().getErrors(0);
      String message = error.getMessage();
      if (domainNotVerified(message)) {
        throw notVerified(ip, name, message, null);
      }
      throw new ProviderException(Kind.REJECTED, "GCP operation " + op.getName() + " to set the PTR of "
          + IpAddresses.format(ip) + " failed: " + error.getCode() + ": " + message);
    }
    return setPtr ? PtrRecord.applied(name) : PtrRecord.none();
  }

  private AccessConfig accessConfig(InetAddress ip, Location location) throws ProviderException {
    Instance instance;
    try {
      instance = call("instances.get", ip,
          () -> instances().get(settings.project(), location.zone(), location.instance()));
    } catch (ProviderException e) {
      if (e.getCause() instanceof ApiException api && api.getStatusCode().getCode() == StatusCode.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
    for (NetworkInterface nic : instance.getNetworkInterfacesList()) {
      if (!nic.getName().equals(location.networkInterface())) {
        continue;
      }
      for (AccessConfig config : location.ipv6() ? nic.getIpv6AccessConfigsList() : nic.getAccessConfigsList()) {
        if (ip.equals(parse(location.ipv6() ? config.getExternalIpv6() : config.getNatIP()))) {
          return config;
        }
      }
    }
    return null;
  }

  private synchronized void invalidate() {
    locationsLoadedAt = 0;
    locations = Map.of();
  }

  /**
   * Where the IP lives, from a scan of the project at most {@link #CACHE_TTL} old: within that time a miss is
   * answered from the scan too, and only one scan runs at a time, so a start-up burst or a SendingIp whose IP is
   * not in the project costs at most one {@code aggregatedList} per minute, not one per check.
   */
  private Location locate(InetAddress ip) throws ProviderException {
    Map<InetAddress, Location> known = freshLocations();
    if (known == null) {
      synchronized (reload) {
        known = freshLocations(); // another thread may have scanned while this one waited
        if (known == null) {
          known = loadLocations(ip);
        }
      }
    }
    Location location = known.get(ip);
    if (location == null) {
      throw notFound(ip);
    }
    return location;
  }

  /** The last scan while it is fresh, else null. */
  private synchronized Map<InetAddress, Location> freshLocations() {
    boolean fresh = locationsLoadedAt != 0 && System.nanoTime() - locationsLoadedAt < CACHE_TTL.toNanos();
    return fresh ? locations : null;
  }

  private Map<InetAddress, Location> loadLocations(InetAddress ip) throws ProviderException {
    Map<InetAddress, Location> found = new HashMap<>();
    Iterable<Map.Entry<String, InstancesScopedList>> pages = call("instances.aggregatedList", ip,
        () -> instances().aggregatedList(AggregatedListInstancesRequest.newBuilder().setProject(settings.project())
            .setReturnPartialSuccess(true).build()).iterateAll());
    try {
      for (Map.Entry<String, InstancesScopedList> scope : pages) {
        for (Instance instance : scope.getValue().getInstancesList()) {
          String zone = lastSegment(instance.getZone());
          if (zone.isEmpty()) {
            zone = lastSegment(scope.getKey());
          }
          for (NetworkInterface nic : instance.getNetworkInterfacesList()) {
            for (AccessConfig config : nic.getAccessConfigsList()) {
              InetAddress address = parse(config.getNatIP());
              if (address != null) {
                found.putIfAbsent(address, new Location(zone, instance.getName(), nic.getName(), false));
              }
            }
            for (AccessConfig config : nic.getIpv6AccessConfigsList()) {
              InetAddress address = parse(config.getExternalIpv6());
              if (address != null) {
                found.putIfAbsent(address, new Location(zone, instance.getName(), nic.getName(), true));
              }
            }
          }
        }
      }
    } catch (ApiException e) {
      // later pages are fetched while iterating
      throw classify("instances.aggregatedList", ip, e, null);
    } catch (RuntimeException e) {
      throw unavailable("instances.aggregatedList", e);
    }
    synchronized (this) {
      locations = Map.copyOf(found);
      locationsLoadedAt = System.nanoTime();
    }
    return found;
  }

  private ProviderException notFound(InetAddress ip) {
    return new ProviderException(Kind.UNSUPPORTED, IpAddresses.format(ip) + " is not the external IP of any VM"
        + " instance in GCP project " + settings.project() + ": Compute Engine sets a public PTR only on an"
        + " instance's access config (not on load balancer or unattached addresses); check the project, or ask the"
        + " owner of the IP to set its PTR");
  }

  private ProviderException notVerified(InetAddress ip, String name, String gcpMessage, Throwable cause) {
    String domain = name == null ? "the domain" : name;
    return new ProviderException(Kind.REJECTED, "GCP refused the PTR " + IpAddresses.format(ip) + " -> " + domain
        + " because the domain is not verified for the caller. Verify the domain (or a parent of it) in Google"
        + " Search Console (https://search.google.com/search-console) and add " + account + " as an owner of that"
        + " property; the operator retries later. GCP said: " + gcpMessage, cause);
  }

  private static boolean domainNotVerified(String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    return m.contains("verify ownership") || m.contains("ptr domain") && m.contains("verif")
        || m.contains("not verified") || m.contains("webmasters/verification");
  }

  /** Carries a ProviderException out of client set-up, which runs inside calls. */
  private static final class Failed extends RuntimeException {
    final ProviderException failure;

    Failed(ProviderException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  interface ApiCall<T> {
    T call();
  }

  private <T> T call(String method, InetAddress ip, ApiCall<T> call) throws ProviderException {
    return call(method, ip, call, null);
  }

  private <T> T call(String method, InetAddress ip, ApiCall<T> call, String name) throws ProviderException {
    try {
      return call.call();
    } catch (ApiException e) {
      throw classify(method, ip, e, name);
    } catch (Failed e) {
      throw e.failure;
    } catch (RuntimeException e) {
      throw unavailable(method, e);
    }
  }

  private ProviderException unavailable(String method, RuntimeException e) {
    return new ProviderException(Kind.UNAVAILABLE, "GCP Compute " + method + " in project " + settings.project()
        + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
  }

  private ProviderException classify(String method, InetAddress ip, ApiException e, String name) {
    StatusCode.Code code = e.getStatusCode().getCode();
    Object transport = e.getStatusCode().getTransportCode();
    int http = transport instanceof Integer i ? i : -1;
    ErrorBody body = errorBody(e);
    String message = body.message() != null ? body.message() : e.getMessage();
    String reason = body.reason();
    String prefix = "GCP Compute " + method + " in project " + settings.project()
        + (ip != null ? " for " + IpAddresses.format(ip) : "") + " failed: "
        + (http > 0 ? "HTTP " + http : code.name()) + (reason != null ? " " + reason : "") + ": ";
    if (domainNotVerified(message)) {
      return notVerified(ip, name, message, e);
    }
    Kind kind;
    String advice = "";
    if (http == 429 || code == StatusCode.Code.RESOURCE_EXHAUSTED
        || reason != null && Set.of("rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded").contains(reason)) {
      kind = Kind.THROTTLED;
    } else if (http >= 500 || code == StatusCode.Code.UNAVAILABLE || code == StatusCode.Code.INTERNAL
        || code == StatusCode.Code.DEADLINE_EXCEEDED || code == StatusCode.Code.UNKNOWN && http < 0) {
      kind = Kind.UNAVAILABLE;
    } else if (http == 401 || http == 403 || code == StatusCode.Code.UNAUTHENTICATED
        || code == StatusCode.Code.PERMISSION_DENIED) {
      kind = Kind.AUTHENTICATION;
      advice = ". Check the credentials Secret (or Workload Identity) and that " + account + " has"
          + " compute.instances.get, compute.instances.list, compute.instances.updateAccessConfig and"
          + " compute.zoneOperations.get in project " + settings.project();
    } else {
      kind = Kind.REJECTED;
    }
    return new ProviderException(kind, prefix + message + advice, e);
  }

  /** The {@code error.message} and first {@code error.errors[].reason} of Compute's JSON error body. */
  private record ErrorBody(String message, String reason) {}

  private static ErrorBody errorBody(ApiException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof com.google.api.client.http.HttpResponseException h && h.getContent() != null) {
        try {
          JsonObject error = JsonParser.parseString(h.getContent()).getAsJsonObject().getAsJsonObject("error");
          String message = error.has("message") ? error.get("message").getAsString() : null;
          String reason = null;
          JsonArray errors = error.getAsJsonArray("errors");
          if (errors != null && !errors.isEmpty() && errors.get(0).getAsJsonObject().has("reason")) {
            reason = errors.get(0).getAsJsonObject().get("reason").getAsString();
          }
          return new ErrorBody(message, reason);
        } catch (RuntimeException notJson) {
          return new ErrorBody(null, null);
        }
      }
    }
    return new ErrorBody(null, e.getReason() == null || e.getReason().isEmpty() ? null : e.getReason());
  }

  private synchronized InstancesClient instances() throws Failed {
    open();
    return instances;
  }

  private synchronized ZoneOperationsClient operations() throws Failed {
    open();
    return operations;
  }

  /** Builds the clients on first use, so that a bad Secret is reported as an AUTHENTICATION failure of a call. */
  private void open() {
    if (instances != null) {
      return;
    }
    CredentialsProvider credentials = credentials();
    try {
      InstancesSettings.Builder is = InstancesSettings.newBuilder().setCredentialsProvider(credentials);
      ZoneOperationsSettings.Builder os = ZoneOperationsSettings.newBuilder().setCredentialsProvider(credentials);
      settings.endpoint().ifPresent(uri -> {
        String endpoint = uri.toString().replaceAll("/+$", "");
        is.setEndpoint(endpoint);
        os.setEndpoint(endpoint);
      });
      is.applyToAllUnaryMethods(b -> {
        b.setRetryableCodes(Set.of()).setRetrySettings(noRetries(b.getRetrySettings()));
        return null;
      });
      os.applyToAllUnaryMethods(b -> {
        b.setRetryableCodes(Set.of()).setRetrySettings(noRetries(b.getRetrySettings()));
        return null;
      });
      instances = InstancesClient.create(is.build());
      operations = ZoneOperationsClient.create(os.build());
    } catch (IOException e) {
      close();
      instances = null;
      operations = null;
      throw new Failed(new ProviderException(Kind.AUTHENTICATION, "no usable Google"
          + " credentials for project " + settings.project() + " (" + e.getClass().getSimpleName() + "): give the"
          + " ReverseDnsProvider a credentialsSecretRef with credentials.json, or the operator a Workload Identity"
          + " service account"));
    }
  }

  private static RetrySettings noRetries(RetrySettings base) {
    RetrySettings.Builder b = base == null ? RetrySettings.newBuilder() : base.toBuilder();
    return b.setMaxAttempts(1).setTotalTimeoutDuration(CALL_TIMEOUT).setInitialRpcTimeoutDuration(CALL_TIMEOUT)
        .setMaxRpcTimeoutDuration(CALL_TIMEOUT).setRpcTimeoutMultiplier(1.0).build();
  }

  @SuppressWarnings("deprecation")
  private CredentialsProvider credentials() {
    if (settings.credentialsJson().isPresent()) {
      GoogleCredentials credentials;
      try {
        credentials = GoogleCredentials.fromStream(
            new ByteArrayInputStream(settings.credentialsJson().get().getBytes(StandardCharsets.UTF_8)));
      } catch (IOException | RuntimeException e) {
        // neither the message nor the cause: a JSON parser's message can quote the key file
        throw new Failed(new ProviderException(Kind.AUTHENTICATION, "credentials.json in the"
            + " credentials Secret of the GCP provider for project " + settings.project() + " is not a usable"
            + " Google credentials file (" + e.getClass().getSimpleName() + "); expected a service account key"));
      }
      if (credentials instanceof ServiceAccountCredentials sa && sa.getClientEmail() != null) {
        account = "the service account " + sa.getClientEmail();
      }
      return FixedCredentialsProvider.create(credentials.createScoped(List.of(COMPUTE_SCOPE)));
    }
    if (settings.endpoint().isPresent()) {
      return NoCredentialsProvider.create();
    }
    return InstancesSettings.defaultCredentialsProviderBuilder().build();
  }

  private static InetAddress parse(String ip) {
    return IpAddresses.tryParse(ip).orElse(null);
  }

  private static String lastSegment(String url) {
    if (url == null) {
      return "";
    }
    int slash = url.lastIndexOf('/');
    return slash < 0 ? url : url.substring(slash + 1);
  }

  @Override
  public String toString() {
    return "GcpPtrProvider[" + settings + "]";
  }

  Optional<Location> cachedLocation(InetAddress ip) {
    synchronized (this) {
      return Optional.ofNullable(locations.get(ip));
    }
  }
}
