package dev.mailops.ptr.operator;

import dev.mailops.ptr.gate.ProviderGate;
import dev.mailops.ptr.api.Durations;
import dev.mailops.ptr.status.ConditionType;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.status.InvalidSpec;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.status.StatusAggregator;
import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Verification;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a SendingIp's reverse DNS, lets the provider gate fix it where allowed, and writes the status only when
 * the observation changed. Knows nothing of DNS wire details: that is the Verifier's business.
 */
@ControllerConfiguration(name = SendingIpReconciler.NAME)
public class SendingIpReconciler implements Reconciler<SendingIp>, Cleaner<SendingIp> {
  public static final String NAME = "sendingip";
  static final String IP_INDEX = "by-ip";
  private static final Logger log = LoggerFactory.getLogger(SendingIpReconciler.class);

  private final Verifier verifier;
  private final ProviderGate providerGate;
  private final StatusAggregator aggregator;
  private final SendingIpEvents events;
  private final OperatorSettings settings;
  private final Clock clock;
  /** The informer cache of SendingIps, once the controller has prepared it (for metrics). */
  private volatile io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache<SendingIp> cache;
  /** Consecutive temporary DNS failures per UID, for backoff; losing it on restart only resets the backoff. */
  private final Map<String, Integer> failureStreaks = new ConcurrentHashMap<>();
  /** Owner discovery: its own threads; reconcile only reads its latest answer. */
  private final OwnerDiscovery owners;

  public SendingIpReconciler(Verifier verifier, ProviderGate providerGate, StatusAggregator aggregator,
      SendingIpEvents events, OperatorSettings settings, Clock clock) {
    this(verifier, providerGate, aggregator, events, settings, clock,
        new OwnerDiscovery(dev.mailops.ptr.owner.OwnerSettings.disabled(), clock));
  }

  public SendingIpReconciler(Verifier verifier, ProviderGate providerGate, StatusAggregator aggregator,
      SendingIpEvents events, OperatorSettings settings, Clock clock, OwnerDiscovery owners) {
    this.owners = owners;
    this.verifier = verifier;
    this.providerGate = providerGate;
    this.aggregator = aggregator;
    this.events = events;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, SendingIp>> prepareEventSources(EventSourceContext<SendingIp> context) {
    // Duplicate detection looks up claimants of one IP in the informer cache: no list call per reconcile.
    context.getPrimaryCache().addIndexer(IP_INDEX, resource -> ipKey(resource).map(List::of).orElse(List.of()));
    cache = context.getPrimaryCache();
    // the provider gate's own sources (ReverseDnsProviders, mapped back to the SendingIps that reference them)
    List<EventSource<?, SendingIp>> sources = new ArrayList<>(providerGate.eventSources(context));
    if (owners.enabled()) {
      sources.add(owners.eventSource()); // a changed owner answer reconciles the SendingIps showing it
    }
    return sources;
  }

  /**
   * Before a SendingIp goes away the gate may reset its PTR (deletionPolicy Reset with a providerRef), with bounded
   * retries. JOSDK puts the finalizer on every SendingIp; for all others this returns at once.
   */
  @Override
  public DeleteControl cleanup(SendingIp resource, Context<SendingIp> context) {
    failureStreaks.remove(resource.getMetadata().getUid());
    owners.forget(resource);
    return providerGate.cleanup(resource)
        .map(delay -> DeleteControl.noFinalizerRemoval().rescheduleAfter(delay.toMillis()))
        .orElseGet(DeleteControl::defaultDelete);
  }

  /** The SendingIps this controller knows of, from its informer cache (empty before it started). */
  public java.util.stream.Stream<SendingIp> cachedSendingIps() {
    var current = cache;
    return current == null ? java.util.stream.Stream.empty() : current.list();
  }

  @Override
  public UpdateControl<SendingIp> reconcile(SendingIp resource, Context<SendingIp> context) throws Exception {
    Instant now = clock.instant();
    SendingIpStatus previous = resource.getStatus();
    long generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(1L);
    Duration interval = recheckInterval(resource);

    VerificationRequest request;
    try {
      request = VerificationRequest.of(resource.getSpec().getIp(), resource.getSpec().getHostname(),
          resource.getSpec().getDomain());
    } catch (IllegalArgumentException e) {
      // Admission validation should have refused it; say so in status rather than fail the reconcile forever.
      return writeIfChanged(resource, InvalidSpec.status(e.getMessage(), generation, previous, now), previous, now,
          interval);
    }

    Optional<String> duplicateOf = firstClaimant(resource, context)
        .filter(winner -> !winner.getMetadata().getUid().equals(resource.getMetadata().getUid()))
        .map(winner -> winner.getMetadata().getNamespace() + "/" + winner.getMetadata().getName());

    Verification verification = verifier.verify(request).get(verificationBudget().toMillis(), TimeUnit.MILLISECONDS);
    ProviderSync provider;
    if (duplicateOf.isEmpty()) {
      provider = providerGate.sync(resource, verification);
    } else if (resource.getSpec().getProviderRef() == null) {
      provider = ProviderSync.noProvider();
    } else {
      // only the first claim may have the provider change the PTR, or two claims would flip it back and forth
      provider = ProviderSync.failed("ProviderNotAllowed", "SendingIp " + duplicateOf.get()
          + " claims this IP first; the provider is not called for this one", null);
    }

    OwnerStatus owner = owners.current(resource, request.ip()); // the latest answer; never waits for a lookup
    SendingIpStatus status = aggregator.aggregate(
        new StatusAggregator.Input(verification, generation, provider, duplicateOf, previous, now, owner));

    Duration next;
    String uid = resource.getMetadata().getUid();
    if (verification.temporaryFailure()) {
      next = RecheckSchedule.backoff(failureStreaks.merge(uid, 1, Integer::sum), interval);
    } else {
      failureStreaks.remove(uid);
      next = RecheckSchedule.nextPhase(uid, interval, now);
    }
    if (duplicateOf.isPresent() && settings.duplicateRecheck().compareTo(next) < 0) {
      next = settings.duplicateRecheck();
    }
    if ("UpdatePending".equals(provider.reason())) {
      next = RecheckSchedule.backoff(1, interval);
    }
    if (provider.retryAfter() != null && provider.retryAfter().compareTo(next) < 0) {
      // provider backoff ends sooner than the next DNS check: look again then (a floor keeps it from spinning)
      next = provider.retryAfter().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : provider.retryAfter();
    }
    return writeIfChanged(resource, status, previous, now, next);
  }

  private UpdateControl<SendingIp> writeIfChanged(SendingIp resource, SendingIpStatus status, SendingIpStatus previous,
      Instant now, Duration next) {
    boolean unchanged = status.sameObservationAs(previous) && !heartbeatDue(previous, now);
    if (unchanged) {
      return UpdateControl.<SendingIp>noUpdate().rescheduleAfter(next);
    }
    status.setLastCheckTime(Conditions.timestamp(now));
    events.onStatusChange(resource, readyOf(previous), readyOf(status));
    log.debug("{}/{}: status changed, Ready={}", resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(), readyOf(status).map(Condition::getStatus).orElse("?"));
    return UpdateControl.patchStatus(statusPatch(resource, status)).rescheduleAfter(next);
  }

  /** A fresh object carrying only what this controller owns, for a server-side apply of the status. */
  private static SendingIp statusPatch(SendingIp resource, SendingIpStatus status) {
    SendingIp patch = new SendingIp();
    patch.getMetadata().setName(resource.getMetadata().getName());
    patch.getMetadata().setNamespace(resource.getMetadata().getNamespace());
    patch.setStatus(status);
    return patch;
  }

  private boolean heartbeatDue(SendingIpStatus previous, Instant now) {
    if (previous == null || previous.getLastCheckTime() == null) {
      return true;
    }
    try {
      return Instant.parse(previous.getLastCheckTime()).plus(settings.statusHeartbeat()).isBefore(now);
    } catch (RuntimeException e) {
      return true;
    }
  }

  private Optional<SendingIp> firstClaimant(SendingIp resource, Context<SendingIp> context) {
    return ipKey(resource).flatMap(key -> context.getPrimaryCache().byIndex(IP_INDEX, key).stream()
        .filter(claimant -> claimant.getMetadata().getDeletionTimestamp() == null)
        .min(CLAIM_ORDER));
  }

  /** Older claim first (creation time), then namespace and name, so every replica picks the same winner. */
  static final Comparator<SendingIp> CLAIM_ORDER = Comparator
      .comparing((SendingIp r) -> Optional.ofNullable(r.getMetadata().getCreationTimestamp()).orElse(""))
      .thenComparing(r -> r.getMetadata().getNamespace())
      .thenComparing(r -> r.getMetadata().getName());

  /** The IP in one canonical form so 2001:db8::1 and 2001:DB8:0::1 are the same claim. */
  static Optional<String> ipKey(SendingIp resource) {
    try {
      return Optional.of(IpAddresses.format(IpAddresses.parse(resource.getSpec().getIp())));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Duration recheckInterval(SendingIp resource) {
    String text = resource.getSpec().getRecheckInterval();
    if (text == null || text.isBlank()) {
      return settings.defaultRecheckInterval();
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      return settings.defaultRecheckInterval();
    }
  }

  /** Longest a verification may take: every attempt of the forward and reverse steps, with margin. */
  private Duration verificationBudget() {
    return settings.dns().timeout().multipliedBy((settings.dns().retries() + 1L) * (settings.dns().maxCnameHops() + 4L));
  }

  private static Optional<Condition> readyOf(SendingIpStatus status) {
    return status == null ? Optional.empty() : status.condition(ConditionType.READY.type());
  }
}
