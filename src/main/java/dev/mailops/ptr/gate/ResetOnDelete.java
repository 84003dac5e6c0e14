package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.status.RecheckSchedule;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Names;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * deletionPolicy Reset: before a SendingIp goes, reset its PTR at the provider, but only when nobody else still
 * depends on it. Mail from the IP may depend on the PTR; so a reset happens only when no other live SendingIp
 * claims the IP and the provider still holds this SendingIp's own hostname. Every "no" is an Event saying why.
 */
final class ResetOnDelete {
  private static final Logger log = LoggerFactory.getLogger(ResetOnDelete.class);

  private final ClusterView cluster;
  private final ProviderInstances instances;
  private final ProviderSettings settings;
  private final GateEvents events;
  private final PerObjectState state;

  ResetOnDelete(ClusterView cluster, ProviderInstances instances, ProviderSettings settings, GateEvents events,
      PerObjectState state) {
    this.cluster = cluster;
    this.instances = instances;
    this.settings = settings;
    this.events = events;
    this.state = state;
  }

  Optional<Duration> run(SendingIp resource, Optional<String> otherClaim) {
    if (!ProviderGate.needsFinalizer(resource)) {
      return Optional.empty();
    }
    String ref = resource.getSpec().getProviderRef();
    InetAddress ip;
    try {
      ip = IpAddresses.parse(resource.getSpec().getIp());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String ipText = IpAddresses.format(ip);
    String notReset = "Did not reset the PTR of " + ipText + " at ReverseDnsProvider " + ref + ": ";
    if (otherClaim.isPresent()) {
      return skip(resource, notReset + otherClaim.get() + " still claims this IP; its PTR is left as it is");
    }
    Optional<ReverseDnsProvider> provider = cluster.provider(ref);
    if (provider.isEmpty()) {
      events.record(resource, "Warning", "PtrResetFailed", "ReverseDnsProvider " + ref + " not found: the PTR of "
          + ipText + " was not reset and may still be set");
      return Optional.empty();
    }
    Optional<String> refusal;
    try {
      refusal = ProviderPermission.refusal(resource, ip, provider.get(),
          cluster.namespaceLabels(resource.getMetadata().getNamespace()));
    } catch (ClusterView.LookupFailedException e) {
      return retry(resource, ipText, ref, e.getMessage());
    }
    if (refusal.isPresent()) {
      return skip(resource, notReset + refusal.get());
    }
    Optional<String> own = Optional.ofNullable(resource.getSpec().getHostname()).map(Names::normalise);
    try {
      var ptrProvider = instances.get(provider.get());
      PtrRecord current = ptrProvider.read(ip);
      if (current.value().isEmpty()) {
        return Optional.empty(); // nothing set: nothing to reset
      }
      if (own.isEmpty() || !current.value().get().equalsIgnoreCase(own.get())) {
        return skip(resource, notReset + "it holds " + current.value().get() + ", not "
            + own.map(h -> h + ", the hostname of this SendingIp").orElse("a hostname this SendingIp asked for"));
      }
      ptrProvider.reset(ip);
      String message = "Reset the PTR of " + ipText + " at ReverseDnsProvider " + ref + " (deletionPolicy Reset)";
      log.info("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
      events.record(resource, "Normal", "PtrReset", message);
      return Optional.empty();
    } catch (ProviderException e) {
      if (e.kind() == ProviderException.Kind.UNSUPPORTED) {
        // no retry can help (DigitalOcean has no reset): say so once and let the SendingIp go
        String message = "Cannot reset the PTR of " + ipText + " at ReverseDnsProvider " + ref
            + " (deletionPolicy Reset): " + e.getMessage() + "; the PTR stays as it is";
        log.warn("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
        events.record(resource, "Warning", "PtrResetFailed", message);
        return Optional.empty();
      }
      return retry(resource, ipText, ref, e.getMessage());
    } catch (ProviderConfigException e) {
      return retry(resource, ipText, ref, e.getMessage());
    }
  }

  private Optional<Duration> skip(SendingIp resource, String message) {
    log.info("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
    events.record(resource, "Normal", "PtrNotReset", message);
    return Optional.empty();
  }

  private Optional<Duration> retry(SendingIp resource, String ipText, String ref, String failure) {
    int attempts = state.resetFailed(resource.getMetadata().getUid());
    if (attempts >= settings.resetAttempts()) {
      String message = "Gave up resetting the PTR of " + ipText + " at ReverseDnsProvider " + ref + " after "
          + attempts + " attempts (" + failure + "); the PTR may still be set: reset it by hand";
      log.warn("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
      events.record(resource, "Warning", "PtrResetFailed", message);
      return Optional.empty();
    }
    Duration delay = RecheckSchedule.exponential(settings.resetBackoff(), settings.maxBackoff(), attempts);
    log.warn("{}/{}: resetting the PTR failed (attempt {} of {}), retrying in {}: {}",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), attempts, settings.resetAttempts(),
        DefaultProviderGate.seconds(delay), failure);
    return Optional.of(delay);
  }
}
