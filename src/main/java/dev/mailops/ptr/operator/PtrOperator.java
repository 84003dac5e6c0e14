package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.Verifier;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the controllers, leader election and the health endpoints into one running operator. */
public final class PtrOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PtrOperator.class);

  private final Operator operator;
  private final Verifier verifier;
  private final HealthServer health;
  private final ReadyEvents events;

  public PtrOperator(KubernetesClient client, OperatorSettings settings, ProviderGate providerGate,
      Map<String, Supplier<String>> extraEndpoints) throws IOException {
    this.verifier = new Verifier(settings.dns());
    this.operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withConcurrentReconciliationThreads(settings.reconcileThreads())
          .withCloseClientOnStop(false)
          // An API server outage at start must not kill the process: it waits and recovers.
          .withStopOnInformerErrorDuringStartup(false);
      if (settings.leaderElection()) {
        overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            OperatorSettings.LEASE_NAME, settings.leaseNamespace(), settings.identity()));
      }
    });
    Clock clock = Clock.systemUTC();
    this.events = new ReadyEvents(client, clock, "ptr-operator");
    var reconciler = new SendingIpReconciler(verifier, providerGate, new StatusAggregator(), events, settings, clock);
    operator.register(reconciler, config -> {
      // The informer cache holds every SendingIp; their managedFields (server-side apply bookkeeping, which
      // nothing here reads) were a large share of the heap at 10,000 objects (docs/benchmarks.md).
      config.withItemStore(new TransformingItemStore<>(PtrOperator::withoutManagedFields));
      if (!settings.namespaces().isEmpty()) {
        config.settingNamespaces(settings.namespaces());
      }
    });
    this.health = new HealthServer(settings.healthPort(),
        () -> new HealthServer.Probe(true, "alive"),
        this::readiness,
        extraEndpoints);
  }

  private static SendingIp withoutManagedFields(SendingIp resource) {
    resource.getMetadata().setManagedFields(null);
    return resource;
  }

  public void start() {
    operator.start();
    log.info("ptr-operator started; health on port {}", health.port());
  }

  public int healthPort() {
    return health.port();
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
    try {
      operator.stop();
    } finally {
      health.close();
      events.close();
      verifier.close();
    }
  }
}
