package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.owner.IpRange;
import dev.mailops.ptr.owner.Owner;
import dev.mailops.ptr.owner.OwnerResolver;
import dev.mailops.ptr.owner.OwnerSettings;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.status.OwnerStatuses;
import dev.mailops.ptr.verify.IpAddresses;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner answers for the compliance checks, which never wait for a registry: an answer at hand (special-use or cloud
 * range, a range or failure remembered) is taken in the check itself; RDAP queries run on threads of their own, the
 * reconciler shows the latest answer meanwhile (or none), and a finished query triggers a reconcile of the
 * SendingIps with that IP only when the answer changed. After a restart the answer already in status.owner is taken
 * back, so known owners are not looked up again until they are older than the cache time.
 */
public final class OwnerDiscovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OwnerDiscovery.class);
  /** Lookups at once: RDAP servers rate-limit, and nothing here is urgent. */
  private static final int THREADS = 2;
  /** How often the cloud range directory is looked at for changed files (a ConfigMap update shows within it). */
  private static final Duration CLOUD_RANGES_CHECK = Duration.ofMinutes(1);

  private final OwnerResolver resolver;
  private final OwnerSettings settings;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final SimpleInboundEventSource<SendingIp> changes = new SimpleInboundEventSource<>("owner-discovery");
  /** The latest answer per IP (canonical text). */
  private final Map<String, Answer> latest = new ConcurrentHashMap<>();
  /** The SendingIps that claim an IP (the informer cache's IP index), to reconcile them when its answer changes. */
  private volatile Function<String, ? extends Collection<SendingIp>> claimsOf = key -> List.of();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicInteger lookups = new AtomicInteger();
  private final AtomicInteger reused = new AtomicInteger();

  public OwnerDiscovery(OwnerSettings settings, Clock clock) {
    this(settings, clock, CLOUD_RANGES_CHECK);
  }

  /** With another interval between looks at the cloud range directory (tests). */
  OwnerDiscovery(OwnerSettings settings, Clock clock, Duration cloudRangesCheck) {
    this.settings = settings;
    this.clock = clock;
    this.resolver = settings.enabled() ? new OwnerResolver(settings, clock) : null;
    AtomicInteger threadNumber = new AtomicInteger();
    this.executor = settings.enabled() ? new ScheduledThreadPoolExecutor(THREADS, r -> {
      Thread t = new Thread(r, "owner-lookup-" + threadNumber.incrementAndGet());
      t.setDaemon(true);
      return t;
    }) : null;
    if (settings.enabled() && settings.cloudRanges() != null) {
      // here, not in the checks: reading the published files takes a while and checks must not wait for it
      executor.scheduleWithFixedDelay(this::refreshCloudRanges, cloudRangesCheck.toMillis(),
          cloudRangesCheck.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void refreshCloudRanges() {
    try {
      resolver.refreshCloudRanges();
    } catch (RuntimeException e) {
      log.warn("cloud ranges: refresh failed: {}", e.toString()); // tried again at the next check
    }
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Reconciles SendingIps whose owner answer changed, found by {@code claimsOf} (canonical IP text to the SendingIps
   * claiming it): the informer cache's index, so no map of its own per IP has to follow creations and deletions.
   */
  public SimpleInboundEventSource<SendingIp> eventSource(Function<String, ? extends Collection<SendingIp>> claimsOf) {
    this.claimsOf = claimsOf;
    return changes;
  }

  /** Lookups started since the operator began (queries or local answers); restarts that reuse status start none. */
  public int lookupsStarted() {
    return lookups.get();
  }

  /** Answers taken back from status.owner (written before a restart) instead of being looked up. */
  public int answersReusedFromStatus() {
    return reused.get();
  }

  /**
   * The answer to show for this SendingIp now (null while none is known). When there is none or it is older than
   * the cache time, an answer at hand replaces it at once; otherwise a query is started in the background. Never
   * waits for a registry.
   */
  public OwnerStatus current(SendingIp resource, InetAddress ip) {
    if (!settings.enabled()) {
      return null;
    }
    String key = IpAddresses.format(ip);
    Answer known = latest.get(key);
    if (known == null) {
      known = fromPreviousStatus(resource, ip).map(this::answer).orElse(null);
      if (known != null) {
        reused.incrementAndGet();
        latest.putIfAbsent(key.intern(), known); // the JVM's copy of the IP: the cached spec and IP index hold it
        resolver.remember(ownerOf(known.status()), checkedAt(known.status()));
      }
    }
    if (known == null || known.staleAfterMillis() <= clock.millis()) {
      // an answer at hand (special-use or cloud range, a range already looked up) is shown in this check: waiting
      // for the background would make the first status lack it and cost every such SendingIp a second write
      Optional<Owner> atHand = resolver.answerAtHand(ip);
      if (atHand.isEmpty()) {
        lookUp(key, ip);
      } else {
        lookups.incrementAndGet();
        known = answer(fresh(atHand.get()));
        latest.put(key.intern(), known); // the JVM's copy of the IP: the cached spec and IP index hold it
      }
    }
    return known == null ? null : known.status();
  }

  /** status.owner written before (by this or an earlier process), if it is about this IP. */
  private Optional<OwnerStatus> fromPreviousStatus(SendingIp resource, InetAddress ip) {
    OwnerStatus previous = resource.getStatus() == null ? null : resource.getStatus().getOwner();
    if (previous == null || previous.getNetwork() == null || previous.getCheckedAt() == null) {
      return Optional.empty();
    }
    try {
      return IpRange.parse(previous.getNetwork()).contains(ip) ? Optional.of(previous) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * An answer with the time it goes stale, computed once: every reconcile asks whether it is stale, and parsing
   * checkedAt each time was most of the cost of a reconcile here. In epoch milliseconds, not an Instant: 24 bytes
   * per IP beside the status instead of 48.
   */
  private record Answer(OwnerStatus status, long staleAfterMillis) {}

  private Answer answer(OwnerStatus status) {
    Instant checkedAt = checkedAt(status);
    Duration holds = status.known() ? settings.cacheTtl() : settings.failureRetry();
    long staleAfter;
    try {
      staleAfter = checkedAt.plus(holds).toEpochMilli();
    } catch (java.time.DateTimeException | ArithmeticException e) {
      staleAfter = Long.MIN_VALUE; // a checkedAt near the end of time (edited status): look it up again
    }
    return new Answer(status, staleAfter);
  }

  private void lookUp(String key, InetAddress ip) {
    if (!inFlight.add(key)) {
      return;
    }
    lookups.incrementAndGet();
    try {
      executor.execute(() -> {
        try {
          Owner owner = resolver.resolve(ip);
          OwnerStatus answer = fresh(owner);
          Answer before = latest.put(key.intern(), answer(answer));
          if (before == null || !before.status().sameAnswerAs(answer)) {
            log.debug("owner of {}: {}", key, owner.known() ? owner.name() : owner.reason());
            claimsOf.apply(key).forEach(claim -> changes.propagateEvent(ResourceID.fromResource(claim)));
          }
        } catch (RuntimeException e) {
          log.warn("owner lookup of {} failed: {}", key, e.toString());
        } finally {
          inFlight.remove(key);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      inFlight.remove(key); // closing
    }
  }

  /**
   * An answer as status shows it, its strings the JVM's one copy (as the informer cache's, CachedSendingIp): they are
   * the same for every IP of a network, and built anew for each answer (a heap dump at N = 100,000 held 100,001
   * copies of one special-use range's reason, about 190 bytes per SendingIp).
   */
  private OwnerStatus fresh(Owner owner) {
    OwnerStatus status = statusOf(owner, clock.instant());
    CachedSendingIp.shareStrings(status);
    return status;
  }

  /** status.owner from an owner discovery answer obtained at {@code checkedAt}. */
  public static OwnerStatus statusOf(Owner owner, Instant checkedAt) {
    return OwnerStatuses.of(owner, checkedAt);
  }

  private static Owner ownerOf(OwnerStatus s) {
    Owner.Kind kind;
    try {
      kind = Owner.Kind.of(s.getKind());
    } catch (IllegalArgumentException e) {
      kind = Owner.Kind.UNKNOWN;
    }
    return new Owner(s.getName(), kind, s.getContact(), s.getRdap(), s.getProviderType(), s.getNetwork(),
        s.getReason());
  }

  private static Instant checkedAt(OwnerStatus s) {
    try {
      return Conditions.instant(s.getCheckedAt());
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (resolver != null) {
      resolver.close();
    }
  }
}
