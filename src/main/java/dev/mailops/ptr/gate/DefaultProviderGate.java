package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.status.ClaimOrder;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.status.ProviderReason;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.status.RecheckSchedule;
import dev.mailops.ptr.verify.Check;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Outcome;
import dev.mailops.ptr.verify.Verification;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider gate of a SendingIp with {@code spec.providerRef}: decides whether the referenced ReverseDnsProvider
 * may be used, calls it only when DNS does not already say the right thing, and backs off after failures.
 *
 * <p>Order of decisions, each ending the sync: a losing claim of the IP (ProviderNotAllowed, no call); provider
 * missing (ProviderError); IP outside allowedCidrs or namespace not selected (ProviderNotAllowed, no call); no
 * desired hostname (InSync: nothing to set); DNS already shows exactly the desired PTR (InSync, no call); in
 * backoff after a failure for this generation (the last failure again, no call); the desired hostname does not
 * resolve to the IP (ForwardRecordMissing, no call; UpdatePending when DNS failed temporarily); the provider's
 * last answer for this value applied but not yet in DNS (UpdatePending, no call, later and later re-checks, a
 * fresh read at most every {@code pendingProviderRead}); then {@code read()}, and {@code set()} only when the provider holds
 * something else. Reading first makes a crash between a provider write and the status patch converge without a
 * second write.
 */
public final class DefaultProviderGate implements ProviderGate {
  private static final Logger log = LoggerFactory.getLogger(DefaultProviderGate.class);

  private final ClusterView cluster;
  private final ProviderInstances instances;
  private final ProviderSettings settings;
  private final Clock clock;
  private final GateEvents events;
  private final PerObjectState state;
  private final ResetOnDelete resetOnDelete;

  public DefaultProviderGate(ClusterView cluster, ProviderInstances instances, ProviderSettings settings, Clock clock,
      GateEvents events, PerObjectState state) {
    this.cluster = cluster;
    this.instances = instances;
    this.settings = settings;
    this.clock = clock;
    this.events = events;
    this.state = state;
    this.resetOnDelete = new ResetOnDelete(cluster, instances, settings, events, state);
  }

  @Override
  public ClaimOrder.Standing standing(SendingIp resource) {
    if (!ProviderGate.hasProvider(resource)) {
      return ClaimOrder.Standing.NO_PROVIDER;
    }
    try {
      InetAddress ip = IpAddresses.parse(resource.getSpec().getIp());
      Optional<ReverseDnsProvider> provider = cluster.provider(resource.getSpec().getProviderRef());
      if (provider.isEmpty()) {
        return ClaimOrder.Standing.REFUSED;
      }
      return ProviderPermission.refusal(resource, ip, provider.get(),
          cluster.namespaceLabels(resource.getMetadata().getNamespace())).isPresent()
          ? ClaimOrder.Standing.REFUSED : ClaimOrder.Standing.ALLOWED;
    } catch (IllegalArgumentException | ClusterView.LookupFailedException e) {
      return ClaimOrder.Standing.NO_PROVIDER; // cannot tell now: neither outranks nor yields to the others
    }
  }

  @Override
  public ProviderSync sync(SendingIp resource, Verification verification, Optional<String> firstClaim) {
    String ref = resource.getSpec().getProviderRef();
    String uid = resource.getMetadata().getUid();
    long generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(1L);
    if (!ProviderGate.hasProvider(resource)) {
      state.providerSettled(uid);
      return ProviderSync.noProvider();
    }
    if (firstClaim.isPresent()) {
      state.providerSettled(uid);
      return ProviderSync.failed(ProviderReason.PROVIDER_NOT_ALLOWED, capitalise(firstClaim.get())
          + " claims this IP first; the provider is not called for this one", null);
    }
    ProviderState previous = resource.getStatus() == null ? null : resource.getStatus().getProvider();
    if (previous != null && !ref.equals(previous.getName())) {
      previous = null;
    }
    Optional<ReverseDnsProvider> found = cluster.provider(ref);
    if (found.isEmpty()) {
      return ProviderSync.failed(ProviderReason.PROVIDER_ERROR,
          "ReverseDnsProvider " + ref + " not found; create it or correct spec.providerRef", previous);
    }
    InetAddress ip = verification.ip();
    String ipText = IpAddresses.format(ip);
    Optional<String> refusal;
    try {
      refusal = ProviderPermission.refusal(resource, ip, found.get(),
          cluster.namespaceLabels(resource.getMetadata().getNamespace()));
    } catch (ClusterView.LookupFailedException e) {
      // a temporary API problem is no refusal: say so and look again soon, without a provider call
      return ProviderSync.failed(ProviderReason.PROVIDER_ERROR, e.getMessage() + " to match the namespaceSelector of "
          + "ReverseDnsProvider " + ref + "; retrying", previous).withRetryAfter(settings.initialBackoff())
          .asTemporary();
    }
    if (refusal.isPresent()) {
      state.providerSettled(uid);
      return ProviderSync.failed(ProviderReason.PROVIDER_NOT_ALLOWED, refusal.get(), null);
    }
    Optional<String> desired = verification.desiredHostname();
    if (desired.isEmpty()) {
      state.providerSettled(uid);
      return ProviderSync.inSync(null,
          "No spec.hostname: there is nothing to set, the PTR at ReverseDnsProvider " + ref + " is left as it is");
    }
    String hostname = desired.get();
    if (dnsShows(verification, hostname)) {
      state.providerSettled(uid);
      return ProviderSync.inSync(state(ref, hostname, "Applied", previous, null),
          "DNS shows the PTR " + ipText + " -> " + hostname + ", as ReverseDnsProvider " + ref + " should hold it");
    }
    Instant now = clock.instant();
    Optional<PerObjectState.ProviderBackoff> backoff = state.backoff(uid)
        .filter(b -> b.generation() == generation); // a spec edit ends the old spec's backoff at once
    if (backoff.isPresent() && backoff.get().until().isAfter(now)) {
      return backoff.get().result().withRetryAfter(Duration.between(now, backoff.get().until()));
    }
    Outcome forward = verification.desiredHostnameForward();
    if (forward == Outcome.UNKNOWN) {
      // no retry time of its own: the temporary DNS failure's backoff decides when to look again
      return ProviderSync.pending(previous, "Could not check that " + hostname + " resolves to " + ipText
          + " (temporary DNS failure); the PTR is set at ReverseDnsProvider " + ref + " once it does", null);
    }
    if (forward != Outcome.PASS) {
      String type = ip instanceof Inet4Address ? "A" : "AAAA";
      return ProviderSync.failed(ProviderReason.FORWARD_RECORD_MISSING, "Create the forward record " + hostname + ". "
          + type + " " + ipText + " first: the PTR is set at ReverseDnsProvider " + ref
          + " only once its name resolves back to the IP", previous);
    }
    String waiting = "ReverseDnsProvider " + ref + " holds the PTR " + ipText + " -> " + hostname
        + "; waiting for DNS to show it";
    Optional<PerObjectState.Pending> pending = state.pending(uid)
        .filter(p -> p.generation() == generation && p.hostname().equalsIgnoreCase(hostname));
    if (pending.isPresent() && !pending.get().atProvider()
        && now.isBefore(pending.get().providerReadAt().plus(settings.pendingProviderRead()))) {
      // the provider has applied it; resolvers may hand out the old PTR for its TTL: look again later and later,
      // without asking the provider
      PerObjectState.Pending next = new PerObjectState.Pending(generation, hostname, pending.get().rechecks() + 1,
          pending.get().providerReadAt(), false);
      state.pending(uid, next);
      return ProviderSync.pending(state(ref, hostname, previous == null ? "Pending" : previous.getUpdateStatus(),
          previous, now), waiting, pendingRecheck(next));
    }
    PtrProvider ptrProvider;
    try {
      ptrProvider = instances.get(found.get());
    } catch (ProviderConfigException e) {
      return backOff(uid, generation, backoff, ProviderReason.PROVIDER_ERROR, e.getMessage(), previous, now);
    }
    try {
      PtrRecord current = ptrProvider.read(ip);
      int rechecks = pending.map(p -> p.rechecks() + 1).orElse(1);
      PerObjectState.Pending next = new PerObjectState.Pending(generation, hostname, rechecks, now, current.pending());
      if (current.value().filter(hostname::equalsIgnoreCase).isPresent()) {
        state.backoff(uid, null);
        state.pending(uid, next);
        return ProviderSync.pending(state(ref, hostname, current.pending() ? "Pending" : "Applied", previous, now),
            waiting, pendingRecheck(next));
      }
      PtrRecord after = ptrProvider.set(ip, hostname);
      next = new PerObjectState.Pending(generation, hostname, 1, now, after.pending());
      state.backoff(uid, null);
      state.pending(uid, next);
      String message = "Set the PTR of " + ipText + " to " + hostname + " at ReverseDnsProvider " + ref
          + (current.value().map(v -> " (was " + v + ")").orElse(""))
          + (after.sideEffect() == null ? "" : "; " + after.sideEffect());
      log.info("{}/{}: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
      events.record(resource, "Normal", "PtrSet", message);
      return ProviderSync.pending(new ProviderState(ref, hostname, after.pending() ? "Pending" : "Applied",
          Conditions.timestamp(now)), message + "; waiting for DNS to show it", pendingRecheck(next));
    } catch (ProviderException e) {
      String prefix = "ReverseDnsProvider " + ref;
      return switch (e.kind()) {
        case UNSUPPORTED -> backOff(uid, generation, backoff, ProviderReason.UNSUPPORTED,
            prefix + " cannot set the PTR of " + ipText + ": " + e.getMessage(), previous, now);
        case AUTHENTICATION -> backOff(uid, generation, backoff, ProviderReason.PROVIDER_ERROR,
            prefix + ": credentials rejected: " + e.getMessage(), previous, now);
        case REJECTED -> backOff(uid, generation, backoff, ProviderReason.PROVIDER_ERROR,
            prefix + " refused the change: " + e.getMessage(), previous, now);
        case THROTTLED -> backOff(uid, generation, backoff, ProviderReason.PROVIDER_ERROR,
            prefix + " throttled the request (rate limited): " + e.getMessage(), previous, now, true);
        case UNAVAILABLE -> backOff(uid, generation, backoff, ProviderReason.PROVIDER_ERROR,
            prefix + " is unavailable: " + e.getMessage(), previous, now, true);
      };
    }
  }

  @Override
  public Optional<Duration> cleanup(SendingIp resource, Optional<String> otherClaim) {
    return resetOnDelete.run(resource, otherClaim);
  }

  @Override
  public void forget(String uid) {
    state.forget(uid);
  }

  /**
   * 10s, 20s, 40s, ... while pending, up to {@code pendingProviderRead} (the re-check interval caps it too). While
   * the provider itself is still applying the value, each of these looks reads it; once applied, none does.
   */
  private Duration pendingRecheck(PerObjectState.Pending pending) {
    return RecheckSchedule.exponential(settings.pendingRecheck(), settings.pendingProviderRead(), pending.rechecks());
  }

  private ProviderSync backOff(String uid, long generation, Optional<PerObjectState.ProviderBackoff> last,
      ProviderReason reason, String message, ProviderState previous, Instant now) {
    return backOff(uid, generation, last, reason, message, previous, now, false);
  }

  /** {@code temporary}: the failure clears by itself (throttled, unavailable), so status says Reconciling. */
  private ProviderSync backOff(String uid, long generation, Optional<PerObjectState.ProviderBackoff> last,
      ProviderReason reason, String message, ProviderState previous, Instant now, boolean temporary) {
    int attempts = last.map(b -> b.attempts() + 1).orElse(1);
    Duration delay = RecheckSchedule.exponential(settings.initialBackoff(), settings.maxBackoff(), attempts);
    ProviderState failedState = previous == null ? null
        : new ProviderState(previous.getName(), previous.getPtrValue(), "Failed", previous.getLastUpdateTime());
    ProviderSync result = ProviderSync.failed(reason, message + "; retrying in " + seconds(delay), failedState)
        .withRetryAfter(delay);
    if (temporary) {
      result = result.asTemporary();
    }
    state.backoff(uid, new PerObjectState.ProviderBackoff(generation, attempts, now.plus(delay), result));
    state.pending(uid, null);
    log.warn("provider call for SendingIp uid {} failed (attempt {}): {}", uid, attempts, result.message());
    return result;
  }

  /** "20s", or "0.2s" below a second. */
  static String seconds(Duration delay) {
    return delay.toMillis() % 1000 == 0 ? delay.toSeconds() + "s" : String.format(Locale.ROOT, "%.1fs",
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

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
