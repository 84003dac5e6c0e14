package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.testing.FakeHetznerServer;
import dev.mailops.ptr.testing.FakeHosterServer;
import dev.mailops.ptr.testing.FakeLinodeServer;
import dev.mailops.ptr.testing.FakeOvhServer;
import dev.mailops.ptr.testing.FakeScalewayServer;
import dev.mailops.ptr.testing.FakeVultrServer;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ProviderScenario;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hosters' provider types (hetzner, ...) through the real operator, each against a local server that speaks its
 * API, with the same scenarios for every type: set once and DNS confirms it (pending first where the provider is
 * asynchronous), already set, forward record missing, not allowed, unsupported, throttled and 5xx with bounded
 * calls, bad credentials, reset on deletion, and credentials never leaked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostingProvidersIT {
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);

  private static ProviderScenario scenario;
  private static PowerDnsServer dns;
  private static String mailNs;
  /** By type; the index in this map numbers the type's IPs: 100.64.{index}.x and 2001:db8:{index}::x. */
  private static final Map<String, FakeHosterServer> hosters = new LinkedHashMap<>();
  private static final List<String> secretValues = new ArrayList<>();

  static List<String> types() {
    return List.of("hetzner", "linode", "vultr", "scaleway", "ovh");
  }

  @BeforeAll
  static void start() throws Exception {
    scenario = ProviderScenario.prepare();
    dns = scenario.dns;
    mailNs = scenario.mailNs;
    hosters.put("hetzner", scenario.closeAfter(new FakeHetznerServer("hcloud-" + UUID.randomUUID())));
    hosters.put("linode", scenario.closeAfter(new FakeLinodeServer("linode-" + UUID.randomUUID())));
    hosters.put("vultr", scenario.closeAfter(new FakeVultrServer("vultr-" + UUID.randomUUID())));
    hosters.put("scaleway", scenario.closeAfter(new FakeScalewayServer("scw-" + UUID.randomUUID())));
    hosters.put("ovh", scenario.closeAfter(new FakeOvhServer("ak-" + UUID.randomUUID(), "as-" + UUID.randomUUID(),
        "ck-" + UUID.randomUUID())));
    for (FakeHosterServer hoster : hosters.values()) {
      String type = hoster.type();
      secretValues.addAll(hoster.secretData().values());
      scenario.secret(type + "-creds", hoster.secretData());
      Map<String, String> wrong = new LinkedHashMap<>();
      hoster.secretData().forEach((k, v) -> wrong.put(k, "wrong-" + v));
      secretValues.addAll(wrong.values());
      scenario.secret(type + "-wrong", wrong);
      List<String> cidrs = List.of(net(type) + ".0/25", "2001:db8:" + index(type) + "::/48");
      scenario.provider(provider(type), hoster.spec(scenario.operatorNs, type + "-creds", cidrs), null);
      scenario.provider(provider(type) + "-wrong", hoster.spec(scenario.operatorNs, type + "-wrong", cidrs), null);
    }
    scenario.startOperator();
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  @Order(1)
  @ParameterizedTest
  @MethodSource("types")
  void setsThePtrOnceAndDnsThenConfirmsIt(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".10";
    String host = "mx-" + type + ".example.com";
    hoster.pendingPolls(2);
    heldAndResolving(type, ip, host);
    create(type, "set", ip, host, provider(type), DeletionPolicy.Retain);

    await().atMost(Duration.ofSeconds(60)).until(() -> hoster.held(ip).equals(Optional.of(host))
        && providerState(type + "-set").map(ProviderState::getPtrValue).equals(Optional.of(host)));
    // the provider holds it; the SendingIp waits for DNS without writing again
    assertThat(condition(type + "-set", "Ready").map(Condition::getStatus)).isNotEqualTo(Optional.of("True"));
    dns.ptr(ip, host);
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-set", "Ready")
        .map(Condition::getStatus).equals(Optional.of("True")));
    assertThat(hoster.writes(ip)).as("one write").isEqualTo(1);
    hoster.pendingPolls(0);
    done(type, "set");
  }

  @Order(2)
  @ParameterizedTest
  @MethodSource("types")
  void anAsynchronousChangeIsPendingUntilTheProviderFinishesIt(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".11";
    String host = "async-" + type + ".example.com";
    hoster.pendingPolls(3);
    heldAndResolving(type, ip, host);
    create(type, "async", ip, host, provider(type), DeletionPolicy.Retain);

    if (!hoster.asynchronous()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> hoster.held(ip).equals(Optional.of(host)));
      assertThat(hoster.writes(ip)).isEqualTo(1);
      done(type, "async");
      return; // applied at once: nothing is pending
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> providerState(type + "-async").filter(s -> host.equals(
        s.getPtrValue()) && "Pending".equals(s.getUpdateStatus())).isPresent());
    assertThat(hoster.held(ip)).isNotEqualTo(Optional.of(host));
    await().atMost(Duration.ofSeconds(60)).until(() -> hoster.held(ip).equals(Optional.of(host))
        && providerState(type + "-async").map(ProviderState::getUpdateStatus).equals(Optional.of("Applied")));
    assertThat(hoster.writes(ip)).as("polled, not written again").isEqualTo(1);
    hoster.pendingPolls(0);
    done(type, "async");
  }

  @Order(3)
  @ParameterizedTest
  @MethodSource("types")
  void aNameTheProviderAlreadyHoldsIsNotWrittenAgain(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".12";
    String host = "held-" + type + ".example.com";
    heldAndResolving(type, ip, host);
    hoster.holdPtr(ip, host);
    create(type, "held", ip, host, provider(type), DeletionPolicy.Retain);

    await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-held", "ProviderSynced")
        .map(Condition::getMessage).filter(m -> m.contains("holds the PTR")).isPresent());
    dns.ptr(ip, host);
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-held", "Ready")
        .map(Condition::getStatus).equals(Optional.of("True")));
    assertThat(hoster.writes(ip)).isZero();
    done(type, "held");
  }

  @Order(4)
  @ParameterizedTest
  @MethodSource("types")
  void aMissingForwardRecordIsReportedAndTheProviderRefusalNamesIt(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".13";
    String host = "fwd-" + type + ".example.com";
    hoster.addIp(ip);
    create(type, "fwd", ip, host, provider(type), DeletionPolicy.Retain);
    // no A record anywhere: the operator does not call the provider
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-fwd", "ProviderSynced")
        .map(Condition::getReason).equals(Optional.of("ForwardRecordMissing")));
    assertThat(hoster.writes(ip)).isZero();

    dns.a(host, ip); // the operator's DNS has it now
    if (hoster.checksForwardRecord()) {
      // ... the provider's own resolver does not yet: its refusal names the forward record
      await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-fwd", "ProviderSynced")
          .map(Condition::getMessage).filter(m -> m.contains("refused") && m.contains(host)).isPresent());
      assertThat(condition(type + "-fwd", "ProviderSynced").orElseThrow().getMessage())
          .containsIgnoringCase("forward record").contains(ip);
      hoster.addForwardRecord(host, ip);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> hoster.held(ip).equals(Optional.of(host)));
    done(type, "fwd");
  }

  @Order(5)
  @ParameterizedTest
  @MethodSource("types")
  void anIpOutsideAllowedCidrsIsNotAllowedWithoutACall(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".200"; // outside .0/25
    String host = "outside-" + type + ".example.com";
    heldAndResolving(type, ip, host);
    create(type, "outside", ip, host, provider(type), DeletionPolicy.Retain);
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-outside", "ProviderSynced")
        .map(Condition::getReason).equals(Optional.of("ProviderNotAllowed")));
    assertThat(hoster.writes(ip)).isZero();
    assertThat(hoster.requests()).noneMatch(r -> r.path().contains(ip) || r.body().contains(ip));
    done(type, "outside");
  }

  @Order(6)
  @ParameterizedTest
  @MethodSource("types")
  void anIpTheAccountDoesNotHoldIsUnsupported(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".14"; // never added
    String host = "foreign-" + type + ".example.com";
    dns.a(host, ip);
    hoster.addForwardRecord(host, ip);
    create(type, "foreign", ip, host, provider(type), DeletionPolicy.Retain);
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-foreign", "ProviderSynced")
        .map(Condition::getReason).equals(Optional.of("Unsupported")));
    assertThat(condition(type + "-foreign", "ProviderSynced").orElseThrow().getMessage()).contains(ip);
    done(type, "foreign");
  }

  @Order(7)
  @ParameterizedTest
  @MethodSource("types")
  void throttlingAndServerErrorsAreRetriedBoundedAndThenConverge(String type) throws Exception {
    FakeHosterServer hoster = hosters.get(type);
    int n = 0;
    for (var fault : Map.of(FakeHosterServer.Failure.THROTTLE, "throttled", FakeHosterServer.Failure.INTERNAL,
        "unavailable").entrySet()) {
      String name = type + "-fault" + n;
      String ip = net(type) + "." + (20 + n++);
      String host = "fault" + n + "-" + type + ".example.com";
      heldAndResolving(type, ip, host);
      Duration window = Duration.ofSeconds(12);
      // the earlier scenarios' SendingIps are gone, so every call now is this SendingIp's
      int before = hoster.totalCalls();
      hoster.failNext(100_000, fault.getKey());
      try {
        Instant start = Instant.now();
        create(type, "fault" + (n - 1), ip, host, provider(type), DeletionPolicy.Retain);
        await().atMost(Duration.ofSeconds(30)).until(() -> condition(name, "ProviderSynced")
            .filter(c -> "ProviderError".equals(c.getReason())).isPresent());
        assertThat(condition(name, "ProviderSynced").orElseThrow().getMessage()).contains(fault.getValue())
            .containsPattern("retrying in [0-9.]+s");
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), start.plus(window)).toMillis()));
        int calls = hoster.totalCalls() - before;
        // every call fails at once, so one attempt is one call: 1s, 2s, 4s, 4s backoff gives at most 5 in 12s (+1)
        assertThat(calls).as(name + ": calls in " + window.toSeconds() + "s").isBetween(2, 6);
      } finally {
        hoster.clearFailures();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> hoster.held(ip).equals(Optional.of(host)));
      assertThat(hoster.writes(ip)).isEqualTo(1);
      done(type, "fault" + (n - 1));
    }
  }

  @Order(8)
  @ParameterizedTest
  @MethodSource("types")
  void rejectedCredentialsAreAProviderErrorAndTheProviderIsNotReady(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".30";
    String host = "creds-" + type + ".example.com";
    heldAndResolving(type, ip, host);
    create(type, "creds", ip, host, provider(type) + "-wrong", DeletionPolicy.Retain);
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(type + "-creds", "ProviderSynced")
        .map(Condition::getMessage).filter(m -> m.contains("credentials rejected")).isPresent());
    await().atMost(Duration.ofSeconds(60)).until(() -> providerReady(provider(type) + "-wrong")
        .map(Condition::getStatus).equals(Optional.of("False")));
    assertThat(providerReady(provider(type)).map(Condition::getStatus)).contains("True");
    assertThat(hoster.writes(ip)).isZero();
    done(type, "creds");
  }

  @Order(9)
  @ParameterizedTest
  @MethodSource("types")
  void deletionWithPolicyResetReturnsThePtrToTheProviderDefault(String type) {
    FakeHosterServer hoster = hosters.get(type);
    String ip = net(type) + ".40";
    String host = "reset-" + type + ".example.com";
    heldAndResolving(type, ip, host);
    create(type, "reset", ip, host, provider(type), DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(60)).until(() -> hoster.held(ip).equals(Optional.of(host)));
    sendingIps().withName(type + "-reset").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> hoster.held(ip).equals(hoster.defaultPtr(ip))
        && sendingIps().withName(type + "-reset").get() == null);
    assertThat(hoster.writes(ip)).isEqualTo(2);
  }

  @Order(10)
  @Test
  void credentialsNeverAppearInLogsEventsStatusOrMetrics() throws Exception {
    for (FakeHosterServer hoster : hosters.values()) {
      assertThat(hoster.totalCalls()).as(hoster.type() + " was called").isPositive();
      assertThat(hoster.secretSeen()).as(hoster.type() + ": a secret that must not travel").isFalse();
    }
    assertThat(scenario.checks.logText()).contains("credentials rejected");
    scenario.assertNowhereUsersSee(secretValues.toArray(String[]::new));
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static int index(String type) {
    return new ArrayList<>(hosters.keySet()).indexOf(type) + 1;
  }

  private static String net(String type) {
    return "100.64." + index(type);
  }

  private static String provider(String type) {
    return type + "-" + SUFFIX;
  }

  /** The account holds the IP and the name resolves to it, for the operator and for the provider. */
  private static void heldAndResolving(String type, String ip, String host) {
    hosters.get(type).addIp(ip);
    dns.a(host, ip);
    hosters.get(type).addForwardRecord(host, ip);
  }

  private static void create(String type, String name, String ip, String host, String provider,
      DeletionPolicy policy) {
    scenario.sendingIp(mailNs, type + "-" + name, ip, host, provider, policy);
  }

  /** Deletes the scenario's SendingIp (deletionPolicy Retain: no provider call) so it calls the provider no more. */
  private static void done(String type, String name) {
    sendingIps().withName(type + "-" + name).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> sendingIps().withName(type + "-" + name).get() == null);
  }

  private static NonNamespaceOperation<SendingIp, KubernetesResourceList<SendingIp>, Resource<SendingIp>>
      sendingIps() {
    return scenario.client.resources(SendingIp.class).inNamespace(mailNs);
  }

  private static Optional<Condition> condition(String name, String type) {
    return scenario.checks.condition(mailNs, name, type);
  }

  private static Optional<ProviderState> providerState(String name) {
    return scenario.checks.providerState(mailNs, name);
  }

  private static Optional<Condition> providerReady(String name) {
    return scenario.checks.providerReady(name);
  }
}
