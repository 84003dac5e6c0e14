package dev.mailops.ptr.gate;

import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.operator.SendingIpEvents;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.verify.Check;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Outcome;
import dev.mailops.ptr.verify.Verification;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider gate of a SendingIp with {@code spec.providerRef}: decides whether the referenced ReverseDnsProvider
 * may be used, calls it only when DNS does not already say the right thing, and backs off after failures.
 *
 * <p>Order of decisions, each ending the sync: provider missing (ProviderError); IP outside allowedCidrs or
 * namespace not selected (ProviderNotAllowed, no call); no desired hostname (InSync: nothing to set); DNS already
 * shows exactly the desired PTR (InSync, no call); in backoff after a failure (the last failure again, no call);
 * the desired hostname does not resolve to the IP (ForwardRecordMissing, no call; Unknown/UpdatePending when DNS
 * failed temporarily); then {@code read()}, and {@code set()} only when the provider holds something else. Reading
 * first makes a crash between a provider write and the status patch converge without a second write.
 *
 * <p>ReverseDnsProviders come from an informer (a change re-triggers the SendingIps that reference it, through a
 * providerRef index on the SendingIp cache); Namespaces' labels from a GET cached for {@code cacheRecheck}.
 * Backoff and reset attempts are kept in memory per SendingIp UID: a restart only resets them.
 */
public final class DefaultProviderGate implements ProviderGate {
  static final String PROVIDER_INDEX = "by-provider";
  private static final Logger log = LoggerFactory.getLogger(DefaultProviderGate.class);

  private record Backoff(int attempts, Instant until, ProviderSync result) {}

  private record Labels(Map<String, String> labels, Instant readAt) {}

  private final KubernetesClient client;
  /** Null in unit tests without an API server. */
  private final SendingIpEvents events;
  private final ProviderInstances instances;
  private final ProviderSettings settings;
  private final Clock clock;
  private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
  private final Map<String, Integer> resetAttempts = new ConcurrentHashMap<>();
  private final Map<String, Labels> namespaceLabels = new ConcurrentHashMap<>();
  private volatile InformerEventSource<ReverseDnsProvider, SendingIp> providers;
  /** For tests without an API server: where ReverseDnsProviders and namespace labels come from instead. */
  private final Function<String, Optional<ReverseDnsProvider>> providerLookup;
  private final Function<String, Map<String, String>> labelLookup;

  public DefaultProviderGate(KubernetesClient client, ProviderInstances instances, ProviderSettings settings,
      Clock clock, SendingIpEvents events) {
    this(client, instances, settings, clock, events, null, null);
  }

  DefaultProviderGate(KubernetesClient client, ProviderInstances instances, ProviderSettings settings, Clock clock,
      SendingIpEvents events, Function<String, Optional<ReverseDnsProvider>> providerLookup,
      Function<String, Map<String, String>> labelLookup) {
    this.client = client;
    this.events = events;
    this.instances = instances;
    this.settings = settings;
    this.clock = clock;
    this.providerLookup = providerLookup;
    this.labelLookup = labelLookup;
  }

  @Override
  public List<EventSource<?, SendingIp>> eventSources(EventSourceContext<SendingIp> context) {
    context.getPrimaryCache().addIndexer(PROVIDER_INDEX, resource -> {
      String ref = resource.getSpec() == null ? null : resource.getSpec().getProviderRef();
      return ref == null || ref.isBlank() ? List.of() : List.of(ref);
    });
    var config = InformerEventSourceConfiguration.from(ReverseDnsProvider.class, SendingIp.class)
        .withName("reversednsproviders")
        .withWatchAllNamespaces()
        .withSecondaryToPrimaryMapper(provider -> context.getPrimaryCache()
            .byIndex(PROVIDER_INDEX, provider.getMetadata().getName()).stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    providers = new InformerEventSource<>(config, context);
    return List.of(providers);
  }

  private Optional<ReverseDnsProvider> lookup(String name) {
    if (providerLookup != null) {
      return providerLookup.apply(name);
    }
    InformerEventSource<ReverseDnsProvider, SendingIp> source = providers;
    if (source != null) {
      return source.get(new ResourceID(name));
    }
    // not registered with a controller (unit use): read it
    return Optional.ofNullable(client.resources(ReverseDnsProvider.class).withName(name).get());
  }

  @Override
  public ProviderSync sync(SendingIp resource, Verification verification) {
    String ref = resource.getSpec().getProviderRef();
    String uid = resource.getMetadata().getUid();
    if (ref == null || ref.isBlank()) {
      backoffs.remove(uid);
      return ProviderSync.noProvider();
    }
    ProviderState previous = resource.getStatus() == null ? null : resource.getStatus().getProvider();
    if (previous != null && !ref.equals(previous.getName())) {
      previous = null;
    }
    Optional<ReverseDnsProvider> found = lookup(ref);
    if (found.isEmpty()) {
      return ProviderSync.failed("ProviderError",
          "ReverseDnsProvider " + ref + " not found; create it or correct spec.providerRef", previous);
    }
    ReverseDnsProvider provider = found.get();
    InetAddress ip = verification.ip();
    String ipText = IpAddresses.format(ip);
    Optional<String> refusal;
    try {
      refusal = refusal(resource, provider, ip);
    } catch (KubernetesClientException e) {
      // a temporary API problem is no refusal: say so and look again soon, without a provider call
      return ProviderSync.failed("ProviderError", "Could not read the labels of namespace "
          + resource.getMetadata().getNamespace() + " (HTTP " + e.getCode() + ") to match the namespaceSelector of "
          + "ReverseDnsProvider " + ref + "; retrying", previous).withRetryAfter(settings.initialBackoff()).asTemporary();
    }
    if (refusal.isPresent()) {
      backoffs.remove(uid);
      return ProviderSync.failed("ProviderNotAllowed", refusal.get(), null);
    }
    Optional<String> desired = verification.desiredHostname();
    if (desired.isEmpty()) {
      return ProviderSync.inSync(null,
          "No spec.hostname: there is nothing to set, the PTR at ReverseDnsProvider " + ref + " is left as it is");
    }
    String hostname = desired.get();
    if (dnsShows(verification, hostname)) {
      backoffs.remove(uid);
      return ProviderSync.inSync(state(ref, hostname, "Applied", previous, null),
          "DNS shows the PTR " + ipText + " -> " + hostname + ", as ReverseDnsProvider " + ref + " should hold it");
    }
    Instant now = clock.instant();
    Backoff backoff = backoffs.get(uid);
    if (backoff != null && backoff.until().isAfter(now)) {
      return backoff.result().withRetryAfter(Duration.between(now, backoff.until()));
    }
    Outcome forward = verification.desiredHostnameForward();
    if (forward == Outcome.UNKNOWN) {
      return ProviderSync.pending(previous, "Could not check that " + hostname + " resolves to " + ipText
          + " (temporary DNS failure); the PTR is set at ReverseDnsProvider " + ref + " once it does");
    }
    if (forward != Outcome.PASS) {
      String type = ip instanceof Inet4Address ? "A" : "AAAA";
      return ProviderSync.failed("ForwardRecordMissing", "Create the forward record " + hostname + ". " + type + " "
          + ipText + " first: the PTR is set at ReverseDnsProvider " + ref
          + " only once its name resolves back to the IP", previous);
    }
    PtrProvider ptrProvider;
    try {
      ptrProvider = instances.get(provider);
    } catch (ProviderConfigException e) {
      return backOff(uid, backoff, "ProviderError", e.getMessage(), previous, now);
    }
    try {
      PtrRecord current = ptrProvider.read(ip);
      if (current.value().filter(hostname::equalsIgnoreCase).isPresent()) {
        backoffs.remove(uid);
        return ProviderSync.pending(state(ref, hostname, current.pending() ? "Pending" : "Applied", previous, now),
            "ReverseDnsProvider " + ref + " holds the PTR " + ipText + " -> " + hostname
                + "; waiting for DNS to show it");
      }
      PtrRecord after = ptrProvider.set(ip, hostname);
      backoffs.remove(uid);
      String message = "Set the PTR of " + ipText + " to " + hostname + " at ReverseDnsProvider " + ref
          + (current.value().map(v -> " (was " + v + ")").orElse(""));
      log.info("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
      event(resource, "Normal", "PtrSet", message);
      return ProviderSync.pending(new ProviderState(ref, hostname, after.pending() ? "Pending" : "Applied",
          Conditions.timestamp(now)), message + "; waiting for DNS to show it");
    } catch (ProviderException e) {
      return switch (e.kind()) {
        case UNSUPPORTED -> backOff(uid, backoff, "Unsupported",
            "ReverseDnsProvider " + ref + " cannot set the PTR of " + ipText + ": " + e.getMessage(), previous, now);
        case AUTHENTICATION -> backOff(uid, backoff, "ProviderError", "ReverseDnsProvider " + ref
            + ": credentials rejected: " + e.getMessage(), previous, now);
        case REJECTED -> backOff(uid, backoff, "ProviderError", "ReverseDnsProvider " + ref
            + " refused the change: " + e.getMessage(), previous, now);
        case THROTTLED -> backOff(uid, backoff, "ProviderError", "ReverseDnsProvider " + ref
            + " throttled the request (rate limited): " + e.getMessage(), previous, now, true);
        case UNAVAILABLE -> backOff(uid, backoff, "ProviderError", "ReverseDnsProvider " + ref
            + " is unavailable: " + e.getMessage(), previous, now, true);
      };
    }
  }

  private ProviderSync backOff(String uid, Backoff last, String reason, String message, ProviderState previous,
      Instant now) {
    return backOff(uid, last, reason, message, previous, now, false);
  }

  /** {@code temporary}: the failure clears by itself (throttled, unavailable), so status says Reconciling. */
  private ProviderSync backOff(String uid, Backoff last, String reason, String message, ProviderState previous,
      Instant now, boolean temporary) {
    int attempts = last == null ? 1 : last.attempts() + 1;
    Duration delay = ProviderSettings.exponential(settings.initialBackoff(), settings.maxBackoff(), attempts);
    ProviderState state = previous == null ? null
        : new ProviderState(previous.getName(), previous.getPtrValue(), "Failed", previous.getLastUpdateTime());
    ProviderSync result = ProviderSync.failed(reason, message + "; retrying in " + seconds(delay), state)
        .withRetryAfter(delay);
    if (temporary) {
      result = result.asTemporary();
    }
    backoffs.put(uid, new Backoff(attempts, now.plus(delay), result));
    log.warn("provider call for SendingIp uid {} failed (attempt {}): {}", uid, attempts, result.message());
    return result;
  }

  /** "20s", or "0.2s" below a second. */
  static String seconds(Duration delay) {
    return delay.toMillis() % 1000 == 0 ? delay.toSeconds() + "s" : String.format(java.util.Locale.ROOT, "%.1fs",
        delay.toMillis() / 1000.0);
  }

  /** DNS already shows exactly one PTR, the desired one. */
  private static boolean dnsShows(Verification verification, String hostname) {
    return verification.verdict(Check.PTR_MATCHES_HOSTNAME).outcome() == Outcome.PASS
        && verification.ptrNames().size() == 1 && verification.ptrNames().get(0).equalsIgnoreCase(hostname);
  }

  private static ProviderState state(String ref, String hostname, String updateStatus, ProviderState previous,
      Instant now) {
    String time = previous != null && hostname.equalsIgnoreCase(previous.getPtrValue())
        && previous.getLastUpdateTime() != null ? previous.getLastUpdateTime()
        : now == null ? null : Conditions.timestamp(now);
    return new ProviderState(ref, hostname, updateStatus, time);
  }

  /**
   * Why this SendingIp may not use the provider, if it may not: the rule that refuses it.
   *
   * @throws KubernetesClientException when the namespace's labels cannot be read
   */
  private Optional<String> refusal(SendingIp resource, ReverseDnsProvider provider, InetAddress ip) {
    String name = provider.getMetadata().getName();
    List<String> cidrs = provider.getSpec() == null ? List.of() : provider.getSpec().getAllowedCidrs();
    if (!ProviderRules.inAnyCidr(ip, cidrs)) {
      return Optional.of(IpAddresses.format(ip) + " is outside the allowedCidrs " + cidrs + " of ReverseDnsProvider "
          + name + "; no provider call is made");
    }
    var selector = provider.getSpec().getNamespaceSelector();
    String namespace = resource.getMetadata().getNamespace();
    Map<String, String> labels = labels(namespace);
    return ProviderRules.unmet(selector, labels).map(unmet -> "Namespace " + namespace
        + " is not selected by the namespaceSelector of ReverseDnsProvider " + name + " (" + unmet
        + " not met); no provider call is made");
  }

  private Map<String, String> labels(String namespace) {
    if (labelLookup != null) {
      return labelLookup.apply(namespace);
    }
    Instant now = clock.instant();
    Labels cached = namespaceLabels.get(namespace);
    if (cached != null && cached.readAt().plus(settings.cacheRecheck()).isAfter(now)) {
      return cached.labels();
    }
    Namespace ns = client.namespaces().withName(namespace).get();
    Map<String, String> labels = ns == null || ns.getMetadata().getLabels() == null ? Map.of()
        : Map.copyOf(ns.getMetadata().getLabels());
    namespaceLabels.put(namespace, new Labels(labels, now));
    return labels;
  }

  @Override
  public Optional<Duration> cleanup(SendingIp resource) {
    String uid = resource.getMetadata().getUid();
    backoffs.remove(uid);
    String ref = resource.getSpec().getProviderRef();
    if (resource.getSpec().getDeletionPolicy() != DeletionPolicy.Reset || ref == null || ref.isBlank()) {
      resetAttempts.remove(uid);
      return Optional.empty();
    }
    InetAddress ip;
    try {
      ip = IpAddresses.parse(resource.getSpec().getIp());
    } catch (IllegalArgumentException e) {
      resetAttempts.remove(uid);
      return Optional.empty();
    }
    String ipText = IpAddresses.format(ip);
    Optional<ReverseDnsProvider> provider = lookup(ref);
    if (provider.isEmpty()) {
      resetAttempts.remove(uid);
      event(resource, "Warning", "PtrResetFailed", "ReverseDnsProvider " + ref + " not found: the PTR of " + ipText
          + " was not reset and may still be set");
      return Optional.empty();
    }
    Optional<String> refusal;
    try {
      refusal = refusal(resource, provider.get(), ip);
    } catch (KubernetesClientException e) {
      return retryReset(resource, uid, ipText, ref,
          "could not read the labels of namespace " + resource.getMetadata().getNamespace());
    }
    if (refusal.isPresent()) {
      resetAttempts.remove(uid);
      log.info("{}/{}: not resetting the PTR: {}", resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(), refusal.get());
      return Optional.empty();
    }
    try {
      instances.get(provider.get()).reset(ip);
      resetAttempts.remove(uid);
      String message = "Reset the PTR of " + ipText + " at ReverseDnsProvider " + ref + " (deletionPolicy Reset)";
      log.info("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
      event(resource, "Normal", "PtrReset", message);
      return Optional.empty();
    } catch (ProviderConfigException | ProviderException e) {
      return retryReset(resource, uid, ipText, ref, e.getMessage());
    }
  }

  private Optional<Duration> retryReset(SendingIp resource, String uid, String ipText, String ref, String failure) {
    int attempts = resetAttempts.merge(uid, 1, Integer::sum);
    if (attempts >= settings.resetAttempts()) {
      resetAttempts.remove(uid);
      String message = "Gave up resetting the PTR of " + ipText + " at ReverseDnsProvider " + ref + " after "
          + attempts + " attempts (" + failure + "); the PTR may still be set: reset it by hand";
      log.warn("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
      event(resource, "Warning", "PtrResetFailed", message);
      return Optional.empty();
    }
    Duration delay = ProviderSettings.exponential(settings.resetBackoff(), settings.maxBackoff(), attempts);
    log.warn("{}/{}: resetting the PTR failed (attempt {} of {}), retrying in {}: {}",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), attempts, settings.resetAttempts(),
        seconds(delay), failure);
    return Optional.of(delay);
  }

  private void event(SendingIp resource, String type, String reason, String message) {
    if (events != null) {
      events.record(resource, type, reason, message);
    }
  }

}
