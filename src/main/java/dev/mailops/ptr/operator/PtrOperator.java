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
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
  private static final Duration MAX_RETRY_INTERVAL = Duration.ofMinutes(5);
  private final SimpleInboundEventSource<SendingIp> rerun = new SimpleInboundEventSource<>("rerun-after-api-outage");
  private final ScheduledExecutorService outageWatch;
  private volatile boolean wasHealthy;

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
          // An API server outage at start must not kill the process: it waits and recovers.
          .withStopOnInformerErrorDuringStartup(false);
      if (settings.leaderElection()) {
        Duration lease = settings.leaseDuration();
        // renew well before the lease runs out, and retry often enough to take over promptly
        overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME,
            settings.leaseNamespace(), lease, lease.multipliedBy(2).dividedBy(3), lease.dividedBy(5),
            settings.identity(), leaderCallbacks(settings), false));
      }
    });
    Clock clock = Clock.systemUTC();
    this.events = new SendingIpEvents(client, clock, "ptr-operator");
    PerObjectState state = new PerObjectState();
    InformerClusterView cluster = instances == null ? null
        : new InformerClusterView(client, settings.providers().cacheRecheck(), clock);
    ProviderGate providerGate = instances == null ? gate
        : new DefaultProviderGate(cluster, instances, settings.providers(), clock, events, state);
    this.owners = new OwnerDiscovery(settings.owner(), clock);
    this.authoritative = settings.authoritative() == null ? null
        : new AuthoritativeChecker(settings.dns(), settings.authoritative(), clock);
    var reconciler = new SendingIpReconciler(verifier, providerGate, cluster, new StatusAggregator(), events,
        settings, state, clock, owners, authoritative);
    metrics.countSendingIpsFrom(reconciler::cachedSendingIps);
    RegisteredController<SendingIp> registered = operator.register(reconciler, config -> {
      config.withRetry(retry(settings));
      // The informer cache holds every SendingIp: most of the heap at 10,000 objects (docs/benchmarks.md).
      config.withItemStore(new TransformingItemStore<>(CachedSendingIp::trim));
      if (!settings.namespaces().isEmpty()) {
        config.settingNamespaces(settings.namespaces());
      }
    });
    // Controller is JOSDK's implementation of RegisteredController; its event source manager takes an extra source
    ((Controller<SendingIp>) registered).getEventSourceManager().registerEventSource(rerun);
    this.outageWatch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "api-outage-watch");
      t.setDaemon(true);
      return t;
    });
    if (instances != null) {
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
    operator.start();
    outageWatch.scheduleWithFixedDelay(this::rerunFailedWhenTheApiServerReturns, 1, 1, TimeUnit.SECONDS);
    log.info("ptr-operator started; health on port {}", health.port());
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
   * Hands the Lease over at once instead of making the standby wait out its duration, as client-go does on
   * release: empty holder, one-second duration, and only if this instance still holds it.
   */
  private void releaseLease() {
    if (!settings.leaderElection()) {
      return;
    }
    try {
      var lease = client.leases().inNamespace(settings.leaseNamespace()).withName(OperatorSettings.LEASE_NAME).get();
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
        () -> log.info("{} leads: reconciling", settings.identity()),
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
      operator.stop();
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
