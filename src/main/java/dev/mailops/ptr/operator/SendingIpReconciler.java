package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.Durations;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.gate.PerObjectState;
import dev.mailops.ptr.gate.ProviderGate;
import dev.mailops.ptr.status.ClaimOrder;
import dev.mailops.ptr.status.ConditionType;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.status.InvalidSpec;
import dev.mailops.ptr.status.Propagation;
import dev.mailops.ptr.status.ProviderReason;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.status.RecheckSchedule;
import dev.mailops.ptr.status.StatusAggregator;
import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Verification;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import dev.mailops.ptr.verify.authority.AuthoritativeChecker;
import dev.mailops.ptr.verify.authority.AuthoritativeView;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a SendingIp's reverse DNS, lets the provider gate fix it where allowed, and writes the status only when
 * the observation changed. Knows nothing of DNS wire details: that is the Verifier's business.
 *
 * <p>Finalizers are managed here, not by JOSDK's Cleaner (which puts one on every object): only a SendingIp that
 * resets its PTR at a provider on delete carries one, so without the operator every other SendingIp, and the
 * namespaces holding them, can still be deleted. That needs every event, deletes included
 * ({@code triggerReconcilerOnAllEvents}).
 */
@ControllerConfiguration(name = SendingIpReconciler.NAME, triggerReconcilerOnAllEvents = true)
public class SendingIpReconciler implements Reconciler<SendingIp> {
  public static final String NAME = "sendingip";
  /** The name JOSDK's Cleaner used, kept so objects from earlier versions are cleaned up the same way. */
  public static final String FINALIZER = "sendingips.ptr.mailops.dev/finalizer";
  static final String IP_INDEX = "by-ip";
  private static final Logger log = LoggerFactory.getLogger(SendingIpReconciler.class);

  private final Verifier verifier;
  private final ProviderGate providerGate;
  private final InformerClusterView cluster;
  private final StatusAggregator aggregator;
  private final SendingIpEvents events;
  private final OperatorSettings settings;
  private final PerObjectState state;
  private final Clock clock;
  /** The informer cache of SendingIps, once the controller has prepared it (for metrics). */
  private volatile IndexerResourceCache<SendingIp> cache;
  /** Owner discovery: its own threads; reconcile only reads its latest answer. */
  private final OwnerDiscovery owners;
  /** Asks the authoritative servers; null when that check is off. */
  private final AuthoritativeChecker authoritative;

  /**
   * @param cluster the ReverseDnsProvider informer the gate reads, registered with this controller (null without
   *     provider support)
   */
  public SendingIpReconciler(Verifier verifier, ProviderGate providerGate, InformerClusterView cluster,
      StatusAggregator aggregator, SendingIpEvents events, OperatorSettings settings, PerObjectState state,
      Clock clock, OwnerDiscovery owners) {
    this(verifier, providerGate, cluster, aggregator, events, settings, state, clock, owners, null);
  }

  /** With the authoritative check ({@code authoritative} null: off). */
  public SendingIpReconciler(Verifier verifier, ProviderGate providerGate, InformerClusterView cluster,
      StatusAggregator aggregator, SendingIpEvents events, OperatorSettings settings, PerObjectState state,
      Clock clock, OwnerDiscovery owners, AuthoritativeChecker authoritative) {
    this.authoritative = authoritative;
    this.owners = owners;
    this.verifier = verifier;
    this.providerGate = providerGate;
    this.cluster = cluster;
    this.aggregator = aggregator;
    this.events = events;
    this.settings = settings;
    this.state = state;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, SendingIp>> prepareEventSources(EventSourceContext<SendingIp> context) {
    // Duplicate detection looks up claimants of one IP in the informer cache: no list call per reconcile.
    context.getPrimaryCache().addIndexer(IP_INDEX, resource -> ipIndexKeys(resource, settings.sharding()));
    cache = context.getPrimaryCache();
    List<EventSource<?, SendingIp>> sources = cluster == null ? new ArrayList<>()
        : new ArrayList<>(cluster.eventSources(context));
    if (owners.enabled()) {
      // a changed owner answer reconciles the SendingIps claiming its IP
      sources.add(owners.eventSource(key -> cache.byIndex(IP_INDEX, key)));
    }
    return sources;
  }

  /** The SendingIps this controller knows of, from its informer cache (empty before it started). */
  public Stream<SendingIp> cachedSendingIps() {
    var current = cache;
    return current == null ? Stream.empty() : current.list();
  }

  @Override
  public UpdateControl<SendingIp> reconcile(SendingIp resource, Context<SendingIp> context) throws Exception {
    String uid = resource.getMetadata().getUid();
    boolean hasFinalizer = resource.hasFinalizer(FINALIZER);
    log.debug("{}/{}: reconcile (deleted={}, marked={}, finalizer={})", resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(), context.isPrimaryResourceDeleted(), resource.isMarkedForDeletion(),
        hasFinalizer);
    if (!settings.sharding().owns(resource)) {
      // its IP moved to another shard's bucket (or it was deleted there): that shard checks it, sees every other
      // claim of the new IP, and resets the PTR on delete; this one lets go of it
      providerGate.forget(uid);
      return UpdateControl.noUpdate();
    }
    if (context.isPrimaryResourceDeleted()) {
      // Gone from the informer; a last copy that still carries the finalizer may be stale, and only the API server
      // can tell whether the object is really gone
      Optional<SendingIp> current = hasFinalizer ? Optional.ofNullable(fresh(resource, context))
          .filter(now -> uid.equals(now.getMetadata().getUid()))
          .filter(settings.sharding()::owns) : Optional.empty();
      if (current.isEmpty()) {
        providerGate.forget(uid);
        return UpdateControl.noUpdate();
      }
      // still here: cleaned up or checked as usual
      resource = current.get();
    }
    if (resource.isMarkedForDeletion()) {
      return hasFinalizer ? cleanUp(resource, context) : UpdateControl.noUpdate();
    }
    if (ProviderGate.needsFinalizer(resource) && !hasFinalizer) {
      // before any provider write, so a delete cannot skip the reset of a PTR this operator set
      resource = PrimaryUpdateAndCacheUtils.addFinalizer(context.getClient(), resource, FINALIZER);
    } else if (!ProviderGate.needsFinalizer(resource) && hasFinalizer) {
      // the spec no longer resets on delete, or an earlier version put it on every SendingIp
      resource = PrimaryUpdateAndCacheUtils.removeFinalizer(context.getClient(), resource, FINALIZER);
    }
    return check(resource, context);
  }

  /** The object as the API server has it now (null when gone): an informer's delete event cannot tell. */
  private static SendingIp fresh(SendingIp resource, Context<SendingIp> context) {
    return context.getClient().resources(SendingIp.class).inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName()).get();
  }

  private UpdateControl<SendingIp> cleanUp(SendingIp resource, Context<SendingIp> context) {
    Optional<String> otherClaim = winner(resource, context, false).map(other -> ClaimOrder.describeWinner(other,
        resource));
    Optional<Duration> retry = providerGate.cleanup(resource, otherClaim);
    if (retry.isPresent()) {
      return UpdateControl.<SendingIp>noUpdate().rescheduleAfter(retry.get());
    }
    try {
      PrimaryUpdateAndCacheUtils.removeFinalizer(context.getClient(), resource, FINALIZER);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // a late event about an object whose finalizer an earlier run removed: it is gone, as it should be
    }
    providerGate.forget(resource.getMetadata().getUid());
    return UpdateControl.noUpdate();
  }

  private UpdateControl<SendingIp> check(SendingIp resource, Context<SendingIp> context) throws Exception {
    Instant now = clock.instant();
    SendingIpStatus previous = CachedSendingIp.statusOf(resource); // messages as written, not as cached
    long generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(1L);
    Duration interval = recheckInterval(resource);
    String uid = resource.getMetadata().getUid();

    VerificationRequest request;
    try {
      request = VerificationRequest.of(resource.getSpec().getIp(), resource.getSpec().getHostname(),
          resource.getSpec().getDomain());
    } catch (IllegalArgumentException e) {
      // Admission validation should have refused it; say so in status rather than fail the reconcile forever.
      return writeIfChanged(resource, InvalidSpec.status(e.getMessage(), generation, previous, now), previous, now,
          interval);
    }

    Optional<String> duplicateOf = winner(resource, context, true)
        .filter(winner -> !winner.getMetadata().getUid().equals(uid))
        .map(winner -> ClaimOrder.describeWinner(winner, resource));

    Verification verification = verifier.verify(request).get(verificationBudget().toMillis(), TimeUnit.MILLISECONDS);
    ProviderSync provider = providerGate.sync(resource, verification, duplicateOf);
    OwnerStatus owner = owners.current(resource, request.ip()); // the latest answer; never waits for a lookup
    StatusAggregator.Authoritative authoritativeView = StatusAggregator.Authoritative.OFF;
    if (authoritative != null) {
      boolean pending = ProviderReason.UPDATE_PENDING.equals(provider.code());
      if (state.authoritativeDue(uid, now, interval, pending)) {
        AuthoritativeView view = authoritative.check(request.ip(),
            request.hostname().or(() -> verification.ptrNames().stream().findFirst()));
        state.authoritativeChecked(uid, now);
        authoritativeView = StatusAggregator.Authoritative.of(view);
        provider = Propagation.settle(provider, view, previous, now);
      } else {
        authoritativeView = StatusAggregator.Authoritative.KEEP_LAST;
      }
    }
    SendingIpStatus status = aggregator.aggregate(new StatusAggregator.Input(verification, generation, provider,
        duplicateOf, previous, now, owner, authoritativeView));

    int dnsFailures = 0;
    if (verification.temporaryFailure()) {
      dnsFailures = state.dnsFailed(uid);
    } else {
      state.dnsAnswered(uid);
    }
    Duration next = RecheckSchedule.next(uid, interval, now, dnsFailures, provider.retryAfter(),
        duplicateOf.isPresent() ? settings.duplicateRecheck() : null);
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
    events.onAuthoritativeChange(resource, conditionOf(previous, ConditionType.AUTHORITATIVE_CONSISTENT),
        conditionOf(status, ConditionType.AUTHORITATIVE_CONSISTENT));
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
      return Conditions.instant(previous.getLastCheckTime()).plus(settings.statusHeartbeat()).isBefore(now);
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * The winning claim of this SendingIp's IP among the live SendingIps in the cache; with {@code includingSelf}
   * false, among the others only (who would still claim the IP once this one is gone).
   */
  private Optional<SendingIp> winner(SendingIp resource, Context<SendingIp> context, boolean includingSelf) {
    String uid = resource.getMetadata().getUid();
    return ipKey(resource).flatMap(key -> ClaimOrder.winner(context.getPrimaryCache().byIndex(IP_INDEX, key).stream()
        .filter(claimant -> !claimant.isMarkedForDeletion())
        .filter(claimant -> includingSelf || !claimant.getMetadata().getUid().equals(uid))
        .toList(), providerGate::standing));
  }

  /**
   * The keys of the IP index: the canonical IP of a SendingIp this replica checks. Another shard's are left out:
   * every claim of an IP is in the shard that checks it, and an index entry per placeholder would cost a replica
   * as much for the SendingIps it does not check as for those it does.
   */
  static List<String> ipIndexKeys(SendingIp resource, Sharding sharding) {
    return sharding.owns(resource) ? ipKey(resource).map(List::of).orElse(List.of()) : List.of();
  }

  /** The IP in one canonical form so 2001:db8::1 and 2001:DB8:0::1 are the same claim. */
  static Optional<String> ipKey(SendingIp resource) {
    try {
      // the JVM's copy, the one the cached object's spec holds when written canonically (CachedSendingIp): the index
      // keeps its first key for as long as the IP is claimed
      return Optional.of(IpAddresses.format(IpAddresses.parse(resource.getSpec().getIp())).intern());
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
    return conditionOf(status, ConditionType.READY);
  }

  private static Optional<Condition> conditionOf(SendingIpStatus status, ConditionType type) {
    return status == null ? Optional.empty() : status.condition(type.type());
  }
}
