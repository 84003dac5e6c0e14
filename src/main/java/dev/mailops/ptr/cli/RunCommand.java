package dev.mailops.ptr.cli;

import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.operator.PtrOperator;
import dev.mailops.ptr.operator.Sharding;
import dev.mailops.ptr.operator.ShippedProviders;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the operator until the process is stopped. Every flag has an environment variable for Deployments. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs the operator.")
final class RunCommand implements Callable<Integer> {

  @Mixin
  DnsOptions dns;

  @Mixin
  OwnerOptions owner;

  @Mixin
  AuthoritativeOptions authoritative;

  @Option(names = "--recheck-interval", defaultValue = "${env:PTR_RECHECK_INTERVAL:-1h}",
      description = "Default re-check interval of a SendingIp (default: ${DEFAULT-VALUE}).")
  String recheckInterval;

  @Option(names = "--namespace", split = ",", description = "Namespace to watch (repeatable); default all. Env PTR_NAMESPACES.")
  List<String> namespaces;

  @Option(names = "--health-port", defaultValue = "${env:PTR_HEALTH_PORT:-8081}",
      description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Option(names = "--reconcile-threads", defaultValue = "${env:PTR_RECONCILE_THREADS:-64}",
      description = "Reconciliations run at once; each waits on DNS at most the query budget (default: ${DEFAULT-VALUE}).")
  int reconcileThreads;

  @Option(names = "--leader-election", defaultValue = "${env:PTR_LEADER_ELECTION:-false}", fallbackValue = "true",
      arity = "0..1", description = "Take a Lease so that only one replica reconciles (default: ${DEFAULT-VALUE}).")
  boolean leaderElection;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE:-ptr-system}",
      description = "Namespace of the leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseNamespace;

  @Option(names = "--identity", defaultValue = "${env:POD_NAME:-}",
      description = "Leader-election identity (default: POD_NAME, else the host name).")
  String identity;

  @Option(names = "--duplicate-recheck", defaultValue = "${env:PTR_DUPLICATE_RECHECK:-1m}",
      description = "How soon a SendingIp that lost an IP claim looks again (default: ${DEFAULT-VALUE}).")
  String duplicateRecheck;

  @Option(names = "--status-heartbeat", defaultValue = "${env:PTR_STATUS_HEARTBEAT:-24h}",
      description = "How often lastCheckTime is written when nothing else changed (default: ${DEFAULT-VALUE}).")
  String statusHeartbeat;

  @Option(names = "--operator-namespace", defaultValue = "${env:POD_NAMESPACE:-ptr-system}",
      description = "The operator's own namespace: the only one ReverseDnsProvider credentials Secrets are read from "
          + "(default: ${DEFAULT-VALUE}).")
  String operatorNamespace;

  @Option(names = "--provider-probe-interval", defaultValue = "${env:PTR_PROVIDER_PROBE_INTERVAL:-5m}",
      description = "How often each ReverseDnsProvider is probed again (default: ${DEFAULT-VALUE}).")
  String providerProbeInterval;

  @Option(names = "--total-shards", defaultValue = "${env:PTR_TOTAL_SHARDS:-1}",
      description = "How many shards share the SendingIps, by IP (1 to 64); more than 1 takes a Lease per shard "
          + "(default: ${DEFAULT-VALUE}).")
  int totalShards;

  @Option(names = "--shard", defaultValue = "${env:PTR_SHARD:-}",
      description = "Which shard this replica runs, 0 to --total-shards - 1 (default: the pod index PTR_POD_INDEX "
          + "modulo --total-shards, as the chart's StatefulSet sets it; else 0).")
  String shard;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OperatorSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    KubernetesClient client = ClusterConfig.connect();
    CountDownLatch stopped = new CountDownLatch(1);
    try (PtrOperator operator = new PtrOperator(client, settings,
        ShippedProviders.all(settings.providers().dnsTimeout()), Map.of())) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        operator.close();
        stopped.countDown();
      }, "shutdown"));
      operator.start();
      stopped.await();
    } finally {
      client.close();
    }
    return 0;
  }

  OperatorSettings settings() {
    Duration interval = Flags.positiveDuration("--recheck-interval", recheckInterval);
    if (interval.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new IllegalArgumentException("--recheck-interval must be at least 10s, not '" + recheckInterval + "'");
    }
    Set<String> watched = new LinkedHashSet<>();
    if (namespaces != null) {
      watched.addAll(namespaces);
    } else if (System.getenv("PTR_NAMESPACES") != null && !System.getenv("PTR_NAMESPACES").isBlank()) {
      Arrays.stream(System.getenv("PTR_NAMESPACES").split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .forEach(watched::add);
    }
    String who = identity == null || identity.isBlank() ? hostName() : identity;
    return new OperatorSettings(dns.settings(), interval, watched, healthPort, reconcileThreads,
        Flags.positiveDuration("--duplicate-recheck", duplicateRecheck),
        Flags.positiveDuration("--status-heartbeat", statusHeartbeat), leaderElection, leaseNamespace, who)
        .withProviders(ProviderSettings.defaults(operatorNamespace)
            .withProbeInterval(Flags.positiveDuration("--provider-probe-interval", providerProbeInterval)))
        .withOwner(owner.settings())
        .withAuthoritative(authoritative.settings(dns.settings()).orElse(null))
        .withSharding(sharding());
  }

  /** --shard, else the StatefulSet pod's index (each shard's replicas are the pods k, k + T, k + 2T, ...). */
  Sharding sharding() {
    if (totalShards < 1 || totalShards > Sharding.BUCKETS) {
      throw new IllegalArgumentException("--total-shards must be between 1 and " + Sharding.BUCKETS + ", not "
          + totalShards);
    }
    if (shard != null && !shard.isBlank()) {
      return new Sharding(number("--shard", shard), totalShards);
    }
    String podIndex = System.getenv("PTR_POD_INDEX");
    if (podIndex != null && !podIndex.isBlank()) {
      return new Sharding(number("PTR_POD_INDEX", podIndex) % totalShards, totalShards);
    }
    return new Sharding(0, totalShards);
  }

  private static int number(String flag, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, not '" + text + "'");
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "ptr-operator";
    }
  }
}
