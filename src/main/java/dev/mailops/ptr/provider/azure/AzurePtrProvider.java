package dev.mailops.ptr.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.Polls;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.provider.http.JsonApi;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sets {@code properties.dnsSettings.reverseFqdn} of Azure public IP addresses through the Resource Manager REST API
 * (api-version {@value #API_VERSION}), over the JDK HTTP client.
 *
 * <p>The public IP is found by listing {@code Microsoft.Network/publicIPAddresses} of the subscription (or of each
 * configured resource group, following {@code nextLink}). A change is a PUT of the whole resource as read, with only
 * {@code reverseFqdn} changed: a long-running operation, followed through {@code Azure-AsyncOperation} (or
 * {@code Location}) a bounded number of times; one still running is answered as pending and asked again by later
 * reads. No client-side retries: the operator backs off by the exception's kind.
 */
public final class AzurePtrProvider implements PtrProvider {
  public static final String API_VERSION = "2024-05-01";
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final String PERMISSIONS = "Microsoft.Network/publicIPAddresses/read and"
      + " Microsoft.Network/publicIPAddresses/write";

  private record PublicIp(String id, String name, JsonNode resource) {
    Optional<String> reverseFqdn() {
      return dnsName("reverseFqdn");
    }

    Optional<String> fqdn() {
      return dnsName("fqdn");
    }

    private Optional<String> dnsName(String field) {
      return Optional.ofNullable(JsonApi.hostname(JsonApi.text(resource.path("properties").path("dnsSettings"),
          field)));
    }
  }

  /** A change Azure is still applying: where to ask, and how. */
  private record Pending(URI poll, boolean asyncOperation, String value) {}

  private enum OperationStatus { IN_PROGRESS, SUCCEEDED, FAILED }

  private final AzureSettings settings;
  private final JsonApi arm;
  private final EntraTokens tokens;
  private final Polls polls;
  private final Map<InetAddress, Pending> pending = new ConcurrentHashMap<>();

  public AzurePtrProvider(AzureSettings settings) {
    this(settings, Polls.DEFAULT);
  }

  /** For tests: how long between and how many polls of an operation before it is reported pending. */
  AzurePtrProvider(AzureSettings settings, Polls polls) {
    this.settings = settings;
    List<String> secrets = settings.credentials() instanceof AzureSettings.ServicePrincipal sp
        ? List.of(sp.clientSecret()) : List.of();
    this.tokens = new EntraTokens(settings, new JsonApi("Microsoft Entra ID", settings.authorityHost(), CALL_TIMEOUT,
        JsonApi.NO_CREDENTIALS, EntraTokens::errorText, secrets), Clock.systemUTC());
    this.arm = new JsonApi("Azure", settings.endpoint(), CALL_TIMEOUT,
        (request, method, uri, body) -> request.header("Authorization", "Bearer " + tokens.token()),
        body -> null, secrets); // classify reads Resource Manager's error codes itself
    this.polls = polls;
  }

  @Override
  public String type() {
    return AzureProviderFactory.TYPE;
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    requireIpv4(ip);
    Pending change = pending.get(ip);
    if (change != null) {
      JsonApi.Response answer = poll(ip, change);
      OperationStatus status = status(change, answer);
      if (status == OperationStatus.IN_PROGRESS) {
        return PtrRecord.pending(change.value());
      }
      pending.remove(ip);
      if (status == OperationStatus.FAILED) {
        throw failed(ip, change.value(), answer);
      }
    }
    return PtrRecord.applied(find(ip).reverseFqdn().orElse(null));
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    requireIpv4(ip);
    String name = Optional.ofNullable(JsonApi.hostname(hostname)).orElseThrow(() -> new ProviderException(
        Kind.REJECTED, "empty hostname"));
    return put(ip, find(ip), name);
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    requireIpv4(ip);
    PublicIp pip = find(ip);
    if (pip.reverseFqdn().isEmpty()) {
      return PtrRecord.none();
    }
    return put(ip, pip, null);
  }

  /** The first page of public IPs in the subscription (or first resource group): token, reachability, read. */
  @Override
  public void probe() throws ProviderException {
    URI first = scopes().get(0);
    JsonApi.Response answer = arm("GET", first, null);
    if (!answer.ok()) {
      throw classify("publicIPAddresses list", null, null, answer, null);
    }
  }

  private PtrRecord put(InetAddress ip, PublicIp pip, String name) throws ProviderException {
    ObjectNode body = pip.resource().deepCopy();
    ObjectNode properties = body.with("properties");
    ObjectNode dns = properties.with("dnsSettings");
    // a trailing dot, as Azure's own examples write it; an empty string clears the PTR
    dns.put("reverseFqdn", name == null ? "" : name + ".");
    URI uri = URI.create(settings.endpoint() + pip.id() + "?api-version=" + API_VERSION);
    String what = "publicIPAddresses PUT of " + pip.name();
    JsonApi.Response answer = arm("PUT", uri, body);
    if (!answer.ok()) {
      throw classify(what, ip, name, answer, pip);
    }
    Optional<Pending> change = pollTarget(answer, name);
    if (change.isEmpty()) {
      return PtrRecord.applied(name);
    }
    Duration wait = retryAfter(answer);
    for (int poll = 0; poll < polls.max(); poll++) {
      polls.pause(wait, "an Azure operation");
      JsonApi.Response status = poll(ip, change.get());
      switch (status(change.get(), status)) {
        case SUCCEEDED -> {
          pending.remove(ip);
          return PtrRecord.applied(name);
        }
        case FAILED -> {
          pending.remove(ip);
          throw failed(ip, name, status);
        }
        case IN_PROGRESS -> wait = retryAfter(status);
      }
    }
    pending.put(ip, change.get());
    return PtrRecord.pending(name);
  }

  /** Where to follow the PUT: Azure-AsyncOperation first, else Location; empty when it finished synchronously. */
  private Optional<Pending> pollTarget(JsonApi.Response answer, String value) throws ProviderException {
    Optional<String> async = answer.header("Azure-AsyncOperation");
    Optional<String> location = answer.header("Location");
    if (async.isEmpty() && location.isEmpty()) {
      return Optional.empty();
    }
    URI uri = arm.follow(async.orElseGet(location::get), "an operation URL");
    return Optional.of(new Pending(uri, async.isPresent(), value));
  }

  private JsonApi.Response poll(InetAddress ip, Pending change) throws ProviderException {
    JsonApi.Response answer = arm("GET", change.poll(), null);
    if (answer.status() == 429 || answer.status() >= 500 || answer.status() == 401 || answer.status() == 403) {
      throw classify("operation status", ip, change.value(), answer, null);
    }
    return answer;
  }

  /**
   * Azure-AsyncOperation answers {@code {"status": "InProgress" | "Succeeded" | "Failed" | "Canceled"}}; a Location
   * URL answers 202 while running and 200/204 when done.
   */
  private static OperationStatus status(Pending change, JsonApi.Response answer) {
    if (change.asyncOperation()) {
      String status = Optional.ofNullable(JsonApi.text(answer.body(), "status"))
          .orElse(answer.ok() ? "InProgress" : "Failed");
      return switch (status) {
        case "Succeeded" -> OperationStatus.SUCCEEDED;
        case "Failed", "Canceled" -> OperationStatus.FAILED;
        default -> answer.ok() ? OperationStatus.IN_PROGRESS : OperationStatus.FAILED;
      };
    }
    if (answer.status() == 202) {
      return OperationStatus.IN_PROGRESS;
    }
    return answer.ok() ? OperationStatus.SUCCEEDED : OperationStatus.FAILED;
  }

  private ProviderException failed(InetAddress ip, String name, JsonApi.Response answer) {
    return classify("the operation setting reverseFqdn", ip, name, answer, null);
  }

  private PublicIp find(InetAddress ip) throws ProviderException {
    String text = IpAddresses.format(ip);
    for (URI page : scopes()) {
      for (int pages = 0; page != null && pages < 1000; pages++) {
        JsonApi.Response answer = arm("GET", page, null);
        if (!answer.ok()) {
          throw classify("publicIPAddresses list", ip, null, answer, null);
        }
        for (JsonNode resource : answer.body().path("value")) {
          if (JsonApi.sameIp(resource.path("properties").path("ipAddress").asText(""), ip)) {
            return new PublicIp(resource.path("id").asText(), resource.path("name").asText(), resource);
          }
        }
        page = nextLink(answer.body());
      }
    }
    throw new ProviderException(Kind.UNSUPPORTED, text + " is not a public IP address in Azure subscription "
        + settings.subscriptionId() + (settings.resourceGroups().isEmpty() ? ""
            : " (resource groups " + String.join(", ", settings.resourceGroups()) + ")")
        + ": Azure sets reverse DNS on Microsoft.Network/publicIPAddresses resources only; check the subscription and"
        + " resource groups, or ask the owner of the IP to set its PTR");
  }

  private URI nextLink(JsonNode list) throws ProviderException {
    String next = JsonApi.text(list, "nextLink");
    return next == null || next.isBlank() ? null : arm.follow(next, "a nextLink");
  }

  private List<URI> scopes() {
    String base = settings.endpoint() + "/subscriptions/" + encode(settings.subscriptionId());
    String list = "/providers/Microsoft.Network/publicIPAddresses?api-version=" + API_VERSION;
    if (settings.resourceGroups().isEmpty()) {
      return List.of(URI.create(base + list));
    }
    List<URI> scopes = new ArrayList<>();
    for (String group : settings.resourceGroups()) {
      scopes.add(URI.create(base + "/resourceGroups/" + encode(group) + list));
    }
    return scopes;
  }

  /** One authenticated Resource Manager call; a 401 also drops the cached token. */
  private JsonApi.Response arm(String method, URI uri, Object body) throws ProviderException {
    JsonApi.Response answer = arm.call(method, uri, body);
    if (answer.status() == 401) {
      tokens.invalidate();
    }
    return answer;
  }

  private ProviderException classify(String what, InetAddress ip, String name, JsonApi.Response answer,
      PublicIp pip) {
    JsonNode error = answer.body().path("error");
    String code = Optional.ofNullable(JsonApi.text(error, "code")).orElse("HTTP " + answer.status());
    String message = Optional.ofNullable(JsonApi.text(error, "message")).orElse("");
    String said = code + (message.isEmpty() ? "" : ": " + message);
    String prefix = where(what, ip) + " failed: ";
    String ipText = ip == null ? "the IP" : IpAddresses.format(ip);
    if ("ReverseFqdnDoesNotBelongToSubscription".equals(code)) {
      String own = pip == null ? "" : pip.fqdn().map(f -> ", or a CNAME to the public IP's own name " + f)
          .orElse("");
      return new ProviderException(Kind.REJECTED, arm.redact(prefix + "Azure accepts the reverse FQDN " + name + " only once it"
          + " resolves to " + ipText + " (an A record " + name + " -> " + ipText + own + "): create the forward record"
          + " in public DNS and the operator retries. Azure said: " + said));
    }
    if ("DomainNameLabelMissing".equals(code)) {
      String rg = pip == null ? "RG" : resourceGroup(pip.id());
      String pipName = pip == null ? "NAME" : pip.name();
      return new ProviderException(Kind.REJECTED, arm.redact(prefix + "Azure needs a DNS name label on public IP " + pipName
          + " before it takes a reverse FQDN, and the operator does not choose one for you: set it with `az network"
          + " public-ip update -g " + rg + " -n " + pipName + " --dns-name LABEL`. Azure said: " + said));
    }
    Kind kind = JsonApi.kindOf(answer.status());
    String advice = switch (kind) {
      case THROTTLED -> answer.header("Retry-After").map(s -> " (Retry-After " + s + "s)").orElse("");
      case AUTHENTICATION -> ". Check the credentials (Secret or workload identity) and that the identity has "
          + PERMISSIONS + " on subscription " + settings.subscriptionId();
      default -> "";
    };
    return new ProviderException(kind, arm.redact(prefix + said + advice));
  }

  private String where(String what, InetAddress ip) {
    return "Azure " + what + " in subscription " + settings.subscriptionId()
        + (ip == null ? "" : " for " + IpAddresses.format(ip));
  }

  private static String resourceGroup(String id) {
    String[] parts = id.split("/");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equalsIgnoreCase("resourceGroups")) {
        return parts[i + 1];
      }
    }
    return "RG";
  }

  private static void requireIpv4(InetAddress ip) throws ProviderException {
    if (!(ip instanceof Inet4Address)) {
      throw new ProviderException(Kind.UNSUPPORTED, "Azure sets a reverse FQDN only on IPv4 public IP addresses; "
          + IpAddresses.format(ip) + " is IPv6: publish its PTR in a zone you control, or ask the owner of the IP");
    }
  }

  /** How long the operation asks to wait before the next poll (Retry-After), else one poll interval. */
  private Duration retryAfter(JsonApi.Response answer) {
    return answer.retryAfterDelay().orElse(polls.interval());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return "AzurePtrProvider[subscription=" + settings.subscriptionId() + ", endpoint=" + settings.endpoint()
        + ", credentials=" + settings.credentials() + "]";
  }
}
