package dev.mailops.ptr.reliability;

import dev.mailops.ptr.operator.ShippedProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.testing.FakeComputeServer;
import dev.mailops.ptr.testing.FakeEc2Server;
import dev.mailops.ptr.testing.FreePorts;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provider faults through the real operator: AWS (fake EC2) and GCP (fake Compute) throttling, 5xx, a stalled server
 * and rejected credentials. Each is a clear {@code ProviderSynced=False/ProviderError} with a retry time; the number
 * of calls in a window is bounded by the gate's backoff schedule (set short here: 1s doubling to 4s) and is at least
 * two (it retries); once the fault clears the provider gets the PTR and the SendingIp becomes Ready.
 *
 * <p>And the crash between a provider write and its status patch, simulated in this JVM (the provider already holds
 * the PTR, the SendingIp has no status) and for real (the operator jar killed with SIGKILL while EC2 holds the answer
 * to a ModifyAddressAttribute it has applied): the next operator reads, finds the value and writes nothing.
 */
class ProviderFaultsIT {
  private static final String KEY_ID = "AKIAFAULTS" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
  private static final String SECRET = "faults-secret-" + UUID.randomUUID();
  private static final String PROJECT = "faults-4711";
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
  /** Client-side call timeouts of the providers (AwsPtrProvider.DEFAULT_CALL_TIMEOUT, GcpPtrProvider.CALL_TIMEOUT). */
  private static final Duration AWS_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration GCP_TIMEOUT = Duration.ofSeconds(30);

  private static KubeApi api;
  private static KubernetesClient client;
  private static PowerDnsServer dns;
  private static RunningOperator operator;
  private static String operatorNs;
  private static String mailNs;
  private static final List<AutoCloseable> closeAfter = new ArrayList<>();
  private static final List<String> providers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = KubeApi.shared();
    client = api.client();
    dns = PowerDnsServer.start();
    dns.createZone("example.com");
    operatorNs = api.newNamespace("ptr-system");
    mailNs = api.newNamespace("faults");
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName("aws-creds")
        .endMetadata().addToStringData("accessKeyId", KEY_ID).addToStringData("secretAccessKey", SECRET).build())
        .create();
    operator = RunningOperator.withProviders(api, settings(Set.of(mailNs)), ShippedProviders.all(Duration.ofMillis(500)));
  }

  private static OperatorSettings settings(Set<String> namespaces) {
    return RunningOperator.testSettings(dns.dnsAddress(), namespaces)
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(INITIAL_BACKOFF, MAX_BACKOFF)
            .withCacheRecheck(Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stop() {
    try {
      if (operator != null) {
        operator.close();
      }
      for (String name : providers) {
        client.resources(ReverseDnsProvider.class).withName(name).delete();
      }
    } finally {
      for (AutoCloseable c : closeAfter) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
      dns.close();
    }
  }

  /** One fault on one cloud, with its own fake server, ReverseDnsProvider and SendingIp. */
  private static final class Case {
    final String name;
    final String cloud;
    final String failure;
    final String expected;
    final Duration callDuration;
    final String ip;
    final String hostname;
    FakeEc2Server ec2;
    FakeComputeServer compute;
    String provider;
    int callsBefore;
    int callsInWindow;

    Case(String name, String cloud, String failure, String expected, Duration callDuration, String ip) {
      this.name = name;
      this.cloud = cloud;
      this.failure = failure;
      this.expected = expected;
      this.callDuration = callDuration;
      this.ip = ip;
      this.hostname = name + ".example.com";
    }

    int calls() {
      return ec2 != null ? ec2.totalCalls() : compute.totalCalls();
    }

    int writes() {
      return ec2 != null ? ec2.calls("ModifyAddressAttribute") : compute.calls("updateAccessConfig");
    }

    void inject() {
      if (ec2 != null) {
        ec2.failNext(100_000, FakeEc2Server.Failure.valueOf(failure));
      } else {
        compute.failNext(100_000, FakeComputeServer.Failure.valueOf(failure));
      }
    }

    void clear() {
      if (ec2 != null) {
        ec2.clearFailures();
      } else {
        compute.clearFailures();
      }
    }

    /** What the cloud holds (or is applying) for this IP, without a trailing dot. */
    Optional<String> held() {
      if (ec2 != null) {
        FakeEc2Server.ElasticIp eip = ec2.elasticIp(ip);
        return Optional.of(eip.pendingValue().orElse(eip.ptrRecord())).map(v -> v.replaceAll("\\.$", ""));
      }
      var config = compute.accessConfig(ip);
      return config.has("publicPtrDomainName")
          ? Optional.of(config.get("publicPtrDomainName").getAsString().replaceAll("\\.$", "")) : Optional.empty();
    }
  }

  @Test
  void everyProviderFaultIsAProviderErrorWithBoundedRetriesAndTheSendingIpConvergesOnceItClears() throws Exception {
    List<Case> cases = List.of(
        new Case("aws-throttled", "aws", "THROTTLE", "throttled", Duration.ZERO, "203.0.113.21"),
        new Case("aws-5xx", "aws", "INTERNAL", "unavailable", Duration.ZERO, "203.0.113.22"),
        new Case("aws-stalled", "aws", "STALL", "unavailable", AWS_TIMEOUT, "203.0.113.23"),
        new Case("aws-authfailure", "aws", "AUTH_FAILURE", "credentials rejected", Duration.ZERO, "203.0.113.24"),
        new Case("aws-unauthorized", "aws", "UNAUTHORIZED", "credentials rejected", Duration.ZERO, "203.0.113.25"),
        new Case("gcp-429", "gcp", "RATE_LIMITED", "throttled", Duration.ZERO, "198.18.0.21"),
        new Case("gcp-503", "gcp", "UNAVAILABLE", "unavailable", Duration.ZERO, "198.18.0.22"),
        new Case("gcp-stalled", "gcp", "STALL", "unavailable", GCP_TIMEOUT, "198.18.0.23"),
        new Case("gcp-401", "gcp", "UNAUTHENTICATED", "credentials rejected", Duration.ZERO, "198.18.0.24"),
        new Case("gcp-403", "gcp", "FORBIDDEN", "credentials rejected", Duration.ZERO, "198.18.0.25"));
    for (Case c : cases) {
      c.provider = c.name + "-" + SUFFIX;
      dns.a(c.hostname, c.ip);
      if (c.cloud.equals("aws")) {
        c.ec2 = ec2(c.ip, "eipalloc-" + c.name, null);
        c.ec2.addForwardRecord(c.hostname, c.ip);
        awsProvider(c.provider, c.ec2, "203.0.113.0/24");
      } else {
        c.compute = compute(c.ip, c.name + "-vm", null);
        gcpProvider(c.provider, c.compute, "198.18.0.0/24");
      }
    }
    // the ReverseDnsProvider controller probes each provider once; next probe only after probeInterval (5 min)
    for (Case c : cases) {
      await().atMost(Duration.ofSeconds(60)).until(() -> providerReady(c.provider).isPresent());
      assertThat(providerReady(c.provider).get().getStatus()).as(c.name).isEqualTo("True");
    }

    Duration window = Duration.ofSeconds(45);
    for (Case c : cases) {
      c.callsBefore = c.calls();
      c.inject();
    }
    Instant start = Instant.now();
    for (Case c : cases) {
      withProvider(mailNs, c.name, c.ip, c.hostname, c.provider);
    }
    for (Case c : cases) {
      await().atMost(Duration.ofSeconds(60)).until(() -> condition(mailNs, c.name, "ProviderSynced")
          .filter(s -> "False".equals(s.getStatus()) && "ProviderError".equals(s.getReason())).isPresent());
      Condition synced = condition(mailNs, c.name, "ProviderSynced").orElseThrow();
      assertThat(synced.getMessage()).as(c.name).contains(c.expected).contains(c.provider)
          .containsPattern("retrying in [0-9.]+s");
      // Ready carries the first False condition's reason: here PtrPresent's NoPtrRecord (DNS has no PTR yet)
      assertThat(condition(mailNs, c.name, "Ready").map(Condition::getStatus)).as(c.name).contains("False");
    }
    Duration left = Duration.between(Instant.now(), start.plus(window));
    assertThat(left).as("the window is still open after every condition appeared").isPositive();
    Thread.sleep(left.toMillis());
    for (Case c : cases) {
      c.callsInWindow = c.calls() - c.callsBefore;
    }
    for (Case c : cases) {
      // every call fails, so one attempt (reconcile that gets past the backoff) is exactly one call
      int bound = maxAttempts(window, c.callDuration);
      System.out.printf("[ProviderFaultsIT] %s: %d calls in %ds (bound %d)%n", c.name, c.callsInWindow,
          window.toSeconds(), bound);
      assertThat(c.callsInWindow).as(c.name + ": calls in " + window.toSeconds() + "s, at most " + bound)
          .isBetween(2, bound);
      assertThat(c.writes()).as(c.name).isZero();
    }

    // the fault clears: the provider gets the PTR, once, and the SendingIp follows DNS to Ready
    cases.forEach(Case::clear);
    for (Case c : cases) {
      await().atMost(Duration.ofSeconds(90)).until(() -> c.held().equals(Optional.of(c.hostname))
          && providerState(mailNs, c.name).map(ProviderState::getPtrValue).equals(Optional.of(c.hostname)));
      dns.ptr(c.ip, c.hostname); // what the cloud publishes once applied
    }
    for (Case c : cases) {
      await().atMost(Duration.ofSeconds(60)).until(() -> condition(mailNs, c.name, "Ready")
          .map(Condition::getStatus).equals(Optional.of("True")));
      assertThat(c.writes()).as(c.name + ": one write once the fault cleared").isEqualTo(1);
    }
  }

  /**
   * Upper bound of provider attempts in {@code window} from the creation of the SendingIp: attempt k+1 starts no
   * sooner than the end of attempt k ({@code callDuration}) plus the k-th backoff (1s, 2s, 4s, 4s, ...), plus one
   * for scheduling slack. A hot loop would exceed it by far.
   */
  private static int maxAttempts(Duration window, Duration callDuration) {
    int attempts = 1;
    Duration at = callDuration;
    Duration delay = INITIAL_BACKOFF;
    while (true) {
      at = at.plus(delay);
      if (at.compareTo(window) > 0) {
        break;
      }
      attempts++;
      at = at.plus(callDuration);
      delay = delay.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay.multipliedBy(2);
    }
    return attempts + 1;
  }

  @Test
  void crashBetweenProviderWriteAndStatusPatchConvergesAfterRestartWithoutASecondWrite() throws Exception {
    String restartNs = api.newNamespace("restart"); // not watched by the shared operator: "it is down"
    String awsHost = "mx-restart-aws.example.com";
    String gcpHost = "mx-restart-gcp.example.com";
    String awsIp = "203.0.113.31";
    String gcpIp = "198.18.0.31";
    // the previous operator's write landed (the cloud holds exactly the desired PTR), its status patch did not
    FakeEc2Server ec2 = ec2(awsIp, "eipalloc-restart", awsHost + ".");
    ec2.addForwardRecord(awsHost, awsIp);
    FakeComputeServer compute = compute(gcpIp, "restart-vm", gcpHost + ".");
    dns.a(awsHost, awsIp);
    dns.a(gcpHost, gcpIp);
    String awsProvider = "restart-aws-" + SUFFIX;
    String gcpProvider = "restart-gcp-" + SUFFIX;
    awsProvider(awsProvider, ec2, "203.0.113.0/24");
    gcpProvider(gcpProvider, compute, "198.18.0.0/24");
    withProvider(restartNs, "aws", awsIp, awsHost, awsProvider);
    withProvider(restartNs, "gcp", gcpIp, gcpHost, gcpProvider);
    assertThat(client.resources(SendingIp.class).inNamespace(restartNs).withName("aws").get().getStatus()).isNull();

    try (RunningOperator restarted = RunningOperator.withProviders(api, settings(Set.of(restartNs)),
        ShippedProviders.all(Duration.ofMillis(500)))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> providerState(restartNs, "aws")
          .map(ProviderState::getPtrValue).equals(Optional.of(awsHost))
          && providerState(restartNs, "gcp").map(ProviderState::getPtrValue).equals(Optional.of(gcpHost)));
      assertThat(ec2.actions()).as("it read the Elastic IP's attribute (not just a probe)")
          .anyMatch(r -> "DescribeAddressesAttribute".equals(r.get("Action"))
              && "eipalloc-restart".equals(r.get("AllocationId.1")));
      assertThat(compute.calls("get")).as("it read").isPositive();
      assertThat(condition(restartNs, "aws", "ProviderSynced").map(Condition::getReason)).contains("UpdatePending");

      dns.ptr(awsIp, awsHost);
      dns.ptr(gcpIp, gcpHost);
      for (String name : List.of("aws", "gcp")) {
        await().atMost(Duration.ofSeconds(60)).until(() -> condition(restartNs, name, "Ready")
            .map(Condition::getStatus).equals(Optional.of("True")));
      }
      assertThat(ec2.calls("ModifyAddressAttribute")).as("no second write at AWS").isZero();
      assertThat(compute.calls("updateAccessConfig")).as("no second write at GCP").isZero();
    }
  }

  /**
   * For real: the operator jar is killed (SIGKILL) while EC2 holds the answer to a ModifyAddressAttribute it has
   * already applied; a second operator process reads the pending value and makes no second, different write.
   */
  @Test
  void operatorProcessKilledWhileItsWriteHangsConvergesInTheNextProcessWithoutASecondWrite() throws Exception {
    Path jar = Path.of("target", "ptr-operator.jar");
    assertThat(jar).exists();
    String jarNs = api.newNamespace("killed");
    String ip = "203.0.113.41";
    String hostname = "mx-killed.example.com";
    FakeEc2Server ec2 = ec2(ip, "eipalloc-killed", null);
    ec2.addForwardRecord(hostname, ip);
    ec2.pendingDescribes(3);
    ec2.failNextOn("ModifyAddressAttribute", FakeEc2Server.Failure.APPLY_THEN_STALL);
    dns.a(hostname, ip);
    String provider = "killed-aws-" + SUFFIX;
    awsProvider(provider, ec2, "203.0.113.0/24");

    Process first = launch(jarNs, "first");
    try {
      withProvider(jarNs, "mx", ip, hostname, provider);
      await().atMost(Duration.ofSeconds(90)).until(() -> ec2.calls("ModifyAddressAttribute") == 1
          && ec2.elasticIp(ip).pendingValue().isPresent());
      assertThat(ec2.elasticIp(ip).pendingValue()).contains(hostname + ".");
      assertThat(providerState(jarNs, "mx")).as("the status patch has not happened").isEmpty();
      first.destroyForcibly(); // kill -9 while the write's answer hangs
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      first.destroyForcibly();
    }
    assertThat(providerState(jarNs, "mx")).isEmpty();

    Process second = launch(jarNs, "second");
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> providerState(jarNs, "mx").map(ProviderState::getPtrValue)
          .equals(Optional.of(hostname)));
      dns.ptr(ip, hostname);
      await().atMost(Duration.ofSeconds(90)).until(() -> condition(jarNs, "mx", "Ready").map(Condition::getStatus)
          .equals(Optional.of("True")));
      assertThat(ec2.actions().stream().filter(r -> "ModifyAddressAttribute".equals(r.get("Action"))).toList())
          .as("exactly the one write of the killed process").hasSize(1)
          .allMatch(r -> (hostname + ".").equals(r.get("DomainName")) || hostname.equals(r.get("DomainName")));
      assertThat(ec2.elasticIp(ip).pendingValue().orElse(ec2.elasticIp(ip).ptrRecord())).isEqualTo(hostname + ".");
    } finally {
      second.destroy();
      if (!second.waitFor(20, TimeUnit.SECONDS)) {
        second.destroyForcibly();
      }
    }
  }

  private static Process launch(String ns, String identity) throws Exception {
    Path log = Files.createDirectories(Path.of("target", "provider-faults-it")).resolve(identity + "-" + ns + ".log");
    ProcessBuilder launch = new ProcessBuilder("java", "-jar", Path.of("target", "ptr-operator.jar").toString(), "run",
        "--dns-server", "127.0.0.1:" + dns.dnsAddress().getPort(), "--namespace", ns, "--health-port",
        String.valueOf(FreePorts.next()), "--operator-namespace", operatorNs, "--recheck-interval", "10s",
        "--identity", identity)
        .redirectErrorStream(true).redirectOutput(log.toFile());
    launch.environment().put("KUBECONFIG", api.kubeconfig().toString());
    return launch.start();
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static FakeEc2Server ec2(String ip, String allocationId, String ptr) throws Exception {
    FakeEc2Server server = new FakeEc2Server(KEY_ID, SECRET);
    closeAfter.add(server);
    server.addElasticIp(ip, allocationId, ptr);
    return server;
  }

  private static FakeComputeServer compute(String ip, String vm, String ptr) throws Exception {
    FakeComputeServer server = new FakeComputeServer(PROJECT);
    closeAfter.add(server);
    server.addInstance("europe-west1-b", vm, ip);
    server.verifyDomain("example.com");
    server.operationPolls(0);
    if (ptr != null) {
      server.accessConfig(ip).addProperty("setPublicPtr", true);
      server.accessConfig(ip).addProperty("publicPtrDomainName", ptr);
    }
    return server;
  }

  private static void withProvider(String ns, String name, String ip, String hostname, String provider) {
    dev.mailops.ptr.testing.SendingIps.createWithProvider(client, ns, name, ip, hostname, provider, null);
  }

  private static void awsProvider(String name, FakeEc2Server server, String cidr) {
    create(name, ReverseDnsProviders.aws(server.endpoint(), operatorNs, List.of(cidr)));
  }

  private static void gcpProvider(String name, FakeComputeServer server, String cidr) {
    create(name, ReverseDnsProviders.gcp(PROJECT, server.endpoint(), List.of(cidr)));
  }

  private static void create(String name, ReverseDnsProviderSpec spec) {
    ReverseDnsProviders.create(client, name, spec);
    providers.add(name);
  }

  private static Optional<Condition> condition(String ns, String name, String type) {
    return dev.mailops.ptr.testing.SendingIps.condition(client, ns, name, type);
  }

  private static Optional<ProviderState> providerState(String ns, String name) {
    return dev.mailops.ptr.testing.SendingIps.providerState(client, ns, name);
  }

  private static Optional<Condition> providerReady(String name) {
    return ReverseDnsProviders.ready(client, name);
  }
}
