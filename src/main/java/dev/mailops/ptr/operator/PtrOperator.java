package dev.mailops.ptr.operator;

import dev.mailops.ptr.gate.DefaultProviderGate;
import dev.mailops.ptr.gate.PerObjectState;
import dev.mailops.ptr.status.StatusAggregator;
import dev.mailops.ptr.gate.ProviderGate;
import dev.mailops.ptr.gate.ProviderInstances;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.verify.Verifier;
import dev.mailops.ptr.verify.authority.AuthoritativeChecker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the controllers, leader election and the health endpoints into one running operator. */
public final class PtrOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PtrOperator.class);

  private final Operator operator;
  private final Verifier verifier;
  /** Null when the authoritative check is off. */
  private final AuthoritativeChecker authoritative;
  private final HealthServer health;
  private final SendingIpEvents events;
  private final OperatorMetrics metrics;
  private final KubernetesClient client;
  private final OperatorSettings settings;
  private volatile boolean closing;
  private final ProviderInstances providerInstances;
  private final OwnerDiscovery owners;
  private final SendingIpReconciler reconciler;
  private static final Duration MAX_RETRY_INTERVAL = Duration.ofMinutes(5);
  /**
   * SendingIps per LIST response. One response for all of them would stay reachable after the informer has read
   * it: the JDK's HTTP client keeps the exchange that opened a connection as long as the connection lives, and at
   * start that is often the LIST (as much heap again as the cache itself). 500 is client-go's page size.
   */
  public static final int LIST_PAGE_SIZE = 500;
  private final SimpleInboundEventSource<SendingIp> rerun = new SimpleInboundEventSource<>("rerun-after-api-outage");
  private final ScheduledExecutorService outageWatch;
  private volatile boolean wasHealthy;
  private volatile CompletableFuture<?> election;
  /** Why this replica does not reconcile yet (standby, another shard count still running); null once it does. */
  private volatile String waitingFor;

  /** Without provider support beyond the given gate (ProviderGate.NONE: verification only). */
  public PtrOperator(KubernetesClient client, OperatorSettings settings, ProviderGate providerGate,
      Map<String, Supplier<String>> extraEndpoints) throws IOException {
    this(client, settings, providerGate, null, extraEndpoints);
  }

  /**
   * With provider support: SendingIps with providerRef get the {@link DefaultProviderGate}, and a second controller
   * keeps ReverseDnsProvider status (type, Ready). {@code providers} says which provider types this build can use.
   */
  public PtrOperator(KubernetesClient client, OperatorSettings settings, PtrProviders providers,
      Map<String, Supplier<String>> extraEndpoints) throws IOException {
    this(client, settings, null, providers, extraEndpoints);
  }

  private PtrOperator(KubernetesClient client, OperatorSettings settings, ProviderGate gate,
      PtrProviders providers, Map<String, Supplier<String>> extraEndpoints) throws IOException {
    this.client = client;
    this.settings = settings;
    this.metrics = new OperatorMetrics();
    ProviderInstances instances = providers == null ? null : new ProviderInstances(client, settings.providers(),
        providers.observed(metrics::providerCall), Clock.systemUTC());
    this.providerInstances = instances;
    this.verifier = new Verifier(settings.dns(), Verifier.defaultExecutor(), metrics);
    this.operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withMetrics(metrics.josdkMetrics())
          .withConcurrentReconciliationThreads(settings.reconcileThreads())
          .withCloseClientOnStop(false)
          .withResourceCloner(new CacheSharingCloner(client.getKubernetesSerialization()))
          // An API server outage at start must not kill the process: it waits and recovers.
          .withStopOnInformerErrorDuringStartup(false);
      // Leader election is this class's (see start()): JOSDK's would start reconciling as soon as the shard's Lease
      // is held, before the replicas of another shard count have stopped.
    });
    Clock clock = Clock.systemUTC();
    this.events = new SendingIpEvents(client, clock, "ptr-operator");
    metrics.countQueuedEventsFrom(events::queued);
    PerObjectState state = new PerObjectState();
    InformerClusterView cluster = instances == null ? null
        : new InformerClusterView(client, settings.providers().cacheRecheck(), clock, settings.sharding()::owns);
    ProviderGate providerGate = instances == null ? gate
        : new DefaultProviderGate(cluster, instances, settings.providers(), clock, events, state);
    this.owners = new OwnerDiscovery(settings.owner(), clock);
    this.authoritative = settings.authoritative() == null ? null
        : new AuthoritativeChecker(settings.dns(), settings.authoritative(), clock);
    this.reconciler = new SendingIpReconciler(verifier, providerGate, cluster, new StatusAggregator(), events,
        settings, state, clock, owners, authoritative);
    // a standby's informers have not started: it holds (and counts) no SendingIps until it leads
    metrics.countSendingIpsFrom(this::cachedSendingIps);
    var config = ControllerConfigurationOverrider.override(
        operator.getConfigurationService().getConfigurationFor(reconciler));
    config.withRetry(retry(settings));
    config.withRateLimiter(new NoRateLimit());
    config.withInformerListLimit((long) LIST_PAGE_SIZE);
    if (settings.sharding().sharded()) {
      // Every replica sees every SendingIp; it reconciles those it owns, and an update that moves one out of its
      // share (a new IP), so that it lets go of it
      Sharding sharding = settings.sharding();
      config.withOnAddFilter(sharding::owns);
      config.withOnUpdateFilter((now, before) -> sharding.owns(now) || sharding.owns(before));
    }
    if (!settings.namespaces().isEmpty()) {
      config.settingNamespaces(settings.namespaces());
    }
    // The informer cache holds every SendingIp: most of the heap at 10,000 objects (docs/benchmarks.md); it is
    // trimmed in each watched namespace's informer
    RegisteredController<SendingIp> registered = operator.register(reconciler,
        TrimmedInformerCaches.onEveryInformer(config.build(), settings.sharding()));
    // Controller is JOSDK's implementation of RegisteredController; its event source manager takes an extra source
    ((Controller<SendingIp>) registered).getEventSourceManager().registerEventSource(rerun);
    this.outageWatch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "api-outage-watch");
      t.setDaemon(true);
      return t;
    });
    // one shard probes the providers and writes their status; more would only repeat the calls and the writes
    if (instances != null && settings.sharding().shard() == 0) {
      // cluster-scoped: watches all ReverseDnsProviders whatever namespaces the SendingIp controller watches
      operator.register(new ReverseDnsProviderReconciler(instances, settings.providers(), clock));
    }
    Map<String, Supplier<String>> endpoints = new java.util.LinkedHashMap<>(extraEndpoints);
    endpoints.putIfAbsent("/metrics", metrics::scrape);
    this.health = new HealthServer(settings.healthPort(),
        () -> new HealthServer.Probe(true, "alive"),
        this::readiness,
        endpoints);
  }

  /**
   * Failed reconciles (the API server is down, a status patch fails) are retried without end: 2s doubling to the
   * default re-check interval, at most 5 min. JOSDK's default gives up after five attempts and then waits for
   * maxReconciliationInterval (10 h), so an outage of a few minutes stopped re-checks for hours.
   */
  static GenericRetry retry(OperatorSettings settings) {
    Duration cap = settings.defaultRecheckInterval().compareTo(MAX_RETRY_INTERVAL) < 0
        ? settings.defaultRecheckInterval() : MAX_RETRY_INTERVAL;
    return new GenericRetry().setInitialInterval(Duration.ofSeconds(2)).setIntervalMultiplier(2)
        .setMaxInterval(cap.toMillis()).withoutMaxAttempts();
  }

  /**
   * When the API server comes back (every event source healthy again after one was not), the SendingIps whose last
   * reconcile failed run at once instead of at their next retry, up to 5 min later: none goes unchecked for longer
   * than its interval after an outage.
   */
  private void rerunFailedWhenTheApiServerReturns() {
    boolean healthy = operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    if (healthy && !wasHealthy) {
      var failed = metrics.failingResources();
      if (!failed.isEmpty()) {
        log.info("watching the API server again: re-running {} SendingIps whose reconcile failed", failed.size());
        failed.forEach(rerun::propagateEvent);
      }
    }
    wasHealthy = healthy;
  }

  public void start() {
    if (!settings.leaderElection()) {
      startReconciling();
      log.info("ptr-operator started; health on port {}", health.port());
      return;
    }
    String leaseName = settings.sharding().leaseName();
    waitingFor = "standby: waiting for the Lease " + leaseName;
    Duration lease = settings.leaseDuration();
    // renew well before the lease runs out, and retry often enough to take over promptly
    LeaderElector elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName(leaseName)
        .withLock(new LeaseLock(settings.leaseNamespace(), leaseName, settings.identity()))
        .withLeaseDuration(lease)
        .withRenewDeadline(lease.multipliedBy(2).dividedBy(3))
        .withRetryPeriod(lease.dividedBy(5))
        .withReleaseOnCancel(false) // close() releases it, after reconciling has stopped
        .withLeaderCallbacks(leaderCallbacks(settings))
        .build()).build();
    election = elector.start();
    log.info("ptr-operator started ({}); health on port {}", settings.sharding(), health.port());
  }

  private synchronized void startReconciling() {
    if (closing || operator.getRuntimeInfo().isStarted()) {
      return;
    }
    operator.start();
    outageWatch.scheduleWithFixedDelay(this::rerunFailedWhenTheApiServerReturns, 1, 1, TimeUnit.SECONDS);
    waitingFor = null;
  }

  /**
   * Holding this shard's Lease, waits until no replica of another shard count holds one of its Leases, then
   * reconciles. Both sides take their own Lease before they look at the others', so two shard counts never both
   * pass: during a resharding no SendingIp has two owners, and no provider gets the same write twice.
   */
  private void reconcileOnceAlone() {
    Duration poll = settings.leaseDuration().dividedBy(5);
    try {
      while (!closing) {
        List<String> others = ShardLeases.heldByOtherShardCounts(client, settings.leaseNamespace(),
            settings.sharding(), Instant.now());
        if (others.isEmpty()) {
          startReconciling();
          log.info("{} leads {}: reconciling", settings.identity(), settings.sharding());
          return;
        }
        String waiting = "waiting for the replicas of another shard count to stop (Leases " + others + ")";
        if (!waiting.equals(waitingFor)) {
          log.info("{} leads {}, {}", settings.identity(), settings.sharding(), waiting);
        }
        waitingFor = waiting;
        Thread.sleep(poll.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("could not start reconciling", e);
      if (settings.exitOnLostLease()) {
        System.exit(1);
      }
    }
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  /** Owner discovery (off unless settings.owner() enables it). */
  public OwnerDiscovery ownerDiscovery() {
    return owners;
  }

  public int healthPort() {
    return health.port();
  }

  /**
   * The SendingIps this replica checks, as its informer cache holds them (trimmed: see CachedSendingIp); none before
   * it leads, and none of another shard's.
   */
  public Stream<SendingIp> cachedSendingIps() {
    return operator.getRuntimeInfo().isStarted()
        ? reconciler.cachedSendingIps().filter(settings.sharding()::owns) : Stream.empty();
  }

  /**
   * Hands the Lease over at once instead of making the standby wait out its duration, as client-go does on
   * release: empty holder, one-second duration, and only if this instance still holds it.
   */
  private void releaseLease() {
    if (!settings.leaderElection()) {
      return;
    }
    try {
      var lease = client.leases().inNamespace(settings.leaseNamespace()).withName(settings.sharding().leaseName())
          .get();
      if (lease != null && lease.getSpec() != null && settings.identity().equals(lease.getSpec().getHolderIdentity())) {
        lease.getSpec().setHolderIdentity("");
        lease.getSpec().setLeaseDurationSeconds(1);
        client.resource(lease).update(); // carries the resourceVersion: fails if a new leader took it meanwhile
        log.info("released the leader Lease");
      }
    } catch (RuntimeException e) {
      // the standby takes over when the Lease expires anyway
      log.warn("could not release the leader Lease: {}", e.getMessage());
    }
  }

  /**
   * Losing the Lease while running ends the process, so two replicas never reconcile at once (Kubernetes restarts
   * the pod). Giving it up because this operator is closing must not: System.exit inside a shutdown hook would
   * block the JVM until the pod is killed.
   */
  private LeaderCallbacks leaderCallbacks(OperatorSettings settings) {
    return new LeaderCallbacks(
        // not on the elector's thread: it must go on renewing the Lease meanwhile
        () -> new Thread(this::reconcileOnceAlone, "shard-start").start(),
        () -> {
          if (closing) {
            log.info("released the leader Lease on shutdown");
          } else if (settings.exitOnLostLease()) {
            log.error("lost the leader Lease; exiting so that only the new leader reconciles");
            new Thread(() -> System.exit(1), "lost-lease-exit").start();
          } else {
            log.warn("lost the leader Lease");
          }
        },
        leader -> log.info("leader is {}", leader));
  }

  private HealthServer.Probe readiness() {
    String waiting = waitingFor;
    if (waiting != null) {
      // ready: a standby is part of a healthy rollout, and a rollout must not stall on it
      return new HealthServer.Probe(true, waiting);
    }
    var runtime = operator.getRuntimeInfo();
    if (!runtime.isStarted()) {
      return new HealthServer.Probe(false, "starting");
    }
    if (!runtime.allEventSourcesAreHealthy()) {
      return new HealthServer.Probe(false, "not watching the API server: " + runtime.unhealthyEventSources().keySet());
    }
    return new HealthServer.Probe(true, "ready");
  }

  @Override
  public void close() {
    closing = true;
    try {
      outageWatch.shutdownNow();
      synchronized (this) {
        if (operator.getRuntimeInfo().isStarted()) {
          operator.stop();
        }
      }
      if (election != null) {
        election.cancel(true);
      }
      releaseLease();
    } finally {
      health.close();
      events.close();
      verifier.close();
      if (authoritative != null) {
        authoritative.close();
      }
      owners.close();
      if (providerInstances != null) {
        providerInstances.close();
      }
    }
  }
}
