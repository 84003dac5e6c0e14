package dev.mailops.ptr.operator;

import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.verify.Verifier;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
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
  private final ProviderInstances providerInstances;

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
    this(client, settings, null, new ProviderInstances(client, settings.providers(), providers, Clock.systemUTC()),
        extraEndpoints);
  }

  private PtrOperator(KubernetesClient client, OperatorSettings settings, ProviderGate gate,
      ProviderInstances instances, Map<String, Supplier<String>> extraEndpoints) throws IOException {
    this.providerInstances = instances;
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
    ProviderGate providerGate = instances == null ? gate
        : new DefaultProviderGate(client, instances, settings.providers(), clock);
    var reconciler = new SendingIpReconciler(verifier, providerGate, new StatusAggregator(),
        new ReadyEvents(client, clock, "ptr-operator"), settings, clock);
    operator.register(reconciler, config -> {
      if (!settings.namespaces().isEmpty()) {
        config.settingNamespaces(settings.namespaces());
      }
    });
    if (instances != null) {
      // cluster-scoped: watches all ReverseDnsProviders whatever namespaces the SendingIp controller watches
      operator.register(new ReverseDnsProviderReconciler(instances, settings.providers(), clock));
    }
    this.health = new HealthServer(settings.healthPort(),
        () -> new HealthServer.Probe(true, "alive"),
        this::readiness,
        extraEndpoints);
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
      verifier.close();
      if (providerInstances != null) {
        providerInstances.close();
      }
    }
  }
}
