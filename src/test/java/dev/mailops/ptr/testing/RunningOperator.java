package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.gate.ProviderGate;
import dev.mailops.ptr.operator.PtrOperator;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.verify.DnsSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/** The real operator, in this JVM, against a test API server and test DNS servers, watching given namespaces. */
public final class RunningOperator implements AutoCloseable {
  private final KubernetesClient client;
  private final PtrOperator operator;
  /** Finished reconciles per object, counted here: the operator keeps no per-object count. */
  private final Map<ResourceID, LongAdder> reconciled = new ConcurrentHashMap<>();

  private RunningOperator(KubeApi api, OperatorSettings settings, ProviderGate gate, PtrProviders providers) {
    this(Config.fromKubeconfig(api.kubeconfigYaml()), settings, gate, providers);
  }

  private RunningOperator(Config config, OperatorSettings settings, ProviderGate gate, PtrProviders providers) {
    try {
      client = new KubernetesClientBuilder().withConfig(config).build();
      operator = providers == null ? new PtrOperator(client, settings, gate, Map.of())
          : new PtrOperator(client, settings, providers, Map.of());
      operator.metrics().onReconciliation(id -> reconciled.computeIfAbsent(id, k -> new LongAdder()).increment(),
          reconciled::remove);
      operator.start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Settings suited to tests: short timeouts and intervals, ephemeral health port, no leader election. */
  public static OperatorSettings testSettings(InetSocketAddress dns, Set<String> namespaces) {
    return new OperatorSettings(
        DnsSettings.of(List.of(dns)).withTimeout(Duration.ofMillis(500)).withRetries(1),
        Duration.ofSeconds(5), namespaces, 0, 8, Duration.ofSeconds(2), Duration.ofHours(24), false, "default",
        "test");
  }

  public static RunningOperator start(KubeApi api, OperatorSettings settings) {
    return new RunningOperator(api, settings, ProviderGate.NONE, null);
  }

  /** With a client built from the given config, e.g. one impersonating the operator's ServiceAccount. */
  public static RunningOperator start(Config config, OperatorSettings settings) {
    return new RunningOperator(config, settings, ProviderGate.NONE, null);
  }

  public static RunningOperator start(KubeApi api, OperatorSettings settings, ProviderGate gate) {
    return new RunningOperator(api, settings, gate, null);
  }

  /**
   * With real provider support (the DefaultProviderGate and the ReverseDnsProvider controller); credentials Secrets
   * are read from {@code settings.providers().operatorNamespace()}.
   */
  public static RunningOperator withProviders(KubeApi api, OperatorSettings settings, PtrProviders providers) {
    return new RunningOperator(api, settings, null, providers);
  }

  public static RunningOperator start(KubeApi api, InetSocketAddress dns, String... namespaces) {
    return start(api, testSettings(dns, Set.of(namespaces)));
  }

  public static RunningOperator start(KubeApi api, InetSocketAddress dns, UnaryOperator<OperatorSettings> tweak,
      String... namespaces) {
    return start(api, tweak.apply(testSettings(dns, Set.of(namespaces))));
  }

  /** Finished reconciles of one SendingIp so far (a counter to wait on, instead of a sleep). */
  public long reconciliations(String namespace, String name) {
    LongAdder count = reconciled.get(new ResourceID(name, namespace));
    return count == null ? 0 : count.sum();
  }

  /** The sum of one Prometheus metric's series whose labels contain every given {@code name="value"} pair. */
  public double metric(String name, String... labels) {
    double sum = 0;
    for (String line : scrape().lines().toList()) {
      if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** The Prometheus text exposition of /metrics. */
  public String scrape() {
    return operator.metrics().scrape();
  }

  /** What /readyz says: ready or not, and why (e.g. a standby waiting for its shard's Lease). */
  public String readiness() {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + operator.healthPort() + "/readyz")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Dies as a crashed pod does: its connection to the API server goes first, so its Lease is neither renewed nor
   * released and a standby takes over only when it expires.
   */
  public void kill() {
    client.close();
    try {
      operator.close();
    } catch (RuntimeException e) {
      // without a client some of the shutdown fails, as it would for a killed process
    }
  }

  public int healthPort() {
    return operator.healthPort();
  }

  /** The SendingIps as the operator's informer cache holds them. */
  public List<SendingIp> cachedSendingIps() {
    return operator.cachedSendingIps().toList();
  }

  public dev.mailops.ptr.operator.OwnerDiscovery ownerDiscovery() {
    return operator.ownerDiscovery();
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    try {
      operator.close();
    } finally {
      client.close();
    }
  }
}
