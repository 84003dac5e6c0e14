package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.testing.FakeDigitalOceanServer;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ProviderChecks;
import dev.mailops.ptr.testing.ProviderScenario;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator setting the PTR of DigitalOcean Droplets by renaming them, through a local DigitalOcean API
 * ({@link FakeDigitalOceanServer}, with 400 other Droplets so every lookup pages), then DNS (PowerDNS) confirming
 * it: the rename action followed until it completes, a name already in place never renamed again, reserved IPs and
 * foreign IPs unsupported, tenancy, throttling and 5xx with bounded retries, a wrong token, a reset that cannot be
 * done reported at once, and the token nowhere a user can see it.
 */
class DigitalOceanProviderIT {
  private static final String TOKEN = "dop_v1_" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_TOKEN = "dop_v1_wrong" + UUID.randomUUID().toString().replace("-", "");
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String DO = "do-" + SUFFIX;
  private static final String CIDR = "192.0.2.0/25";
  private static ProviderScenario scenario;
  private static PowerDnsServer dns;
  private static FakeDigitalOceanServer digitalocean;
  private static ProviderChecks checks;
  private static String mailNs;

  @BeforeAll
  static void start() {
    scenario = ProviderScenario.prepare();
    dns = scenario.dns;
    checks = scenario.checks;
    mailNs = scenario.mailNs;
    digitalocean = server();
    for (int i = 0; i < 400; i++) { // the account's other Droplets: two full pages of 200 before any of the tests'
      digitalocean.addDroplet("worker-" + i, "198.18." + (i / 250) + "." + (i % 250 + 1), null);
    }
    scenario.secret("do-token", Map.of("token", TOKEN));
    scenario.secret("do-wrong", Map.of("token", WRONG_TOKEN));
    provider(DO, digitalocean, "do-token", List.of(CIDR, "2001:db8:d0::/48"), "mail");
    scenario.startOperator();
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  @Test
  void theDropletIsRenamedPendingUntilTheActionCompletesAndDnsThenConfirmsIt() {
    long droplet = digitalocean.addDroplet("web-1", "192.0.2.10", "2001:db8:d0::10");
    digitalocean.actionPolls(8); // longer than one reconcile follows it (5 polls): reported pending first
    dns.a("mx1.example.com", "192.0.2.10");
    create(mailNs, "mx1", "192.0.2.10", "mx1.example.com", DO, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerState(mailNs, "mx1")
        .map(ProviderState::getUpdateStatus).equals(Optional.of("Pending")));
    assertThat(checks.statusReason(mailNs, "mx1", "ProviderSynced")).contains("Unknown/UpdatePending");
    await().atMost(Duration.ofSeconds(60)).until(() -> "mx1.example.com".equals(digitalocean.dropletName(droplet))
        && checks.providerState(mailNs, "mx1").map(ProviderState::getUpdateStatus).equals(Optional.of("Applied")));

    dns.ptr("192.0.2.10", "mx1.example.com"); // what DigitalOcean publishes for the renamed Droplet
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "mx1", "Ready")
        .map(s -> s.startsWith("True")).orElse(false));
    assertThat(digitalocean.renames(droplet)).as("one rename").isEqualTo(1);
    assertThat(checks.events(mailNs, "mx1", "PtrSet")).singleElement().asString()
        .contains("renamed Droplet " + droplet + " from web-1 to mx1.example.com").contains("console");
  }

  @Test
  void theDropletsIpv6GetsItsPtrTheSameWay() {
    long droplet = digitalocean.addDroplet("web-6", "192.0.2.16", "2001:db8:d0::16");
    digitalocean.actionPolls(1);
    dns.aaaa("mx6.example.com", "2001:db8:d0::16");
    create(mailNs, "mx6", "2001:db8:d0::16", "mx6.example.com", DO, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> "mx6.example.com".equals(digitalocean.dropletName(droplet)));
  }

  @Test
  void aDropletAlreadyNamedAfterTheHostnameIsNotRenamedAgain() {
    long droplet = digitalocean.addDroplet("mx2.example.com", "192.0.2.11", null);
    dns.a("mx2.example.com", "192.0.2.11"); // DNS has no PTR yet, so the operator asks DigitalOcean
    create(mailNs, "mx2", "192.0.2.11", "mx2.example.com", DO, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerState(mailNs, "mx2")
        .map(ProviderState::getPtrValue).equals(Optional.of("mx2.example.com")));
    long seen = scenario.reconciliations(mailNs, "mx2");
    await().atMost(Duration.ofSeconds(60)).until(() -> scenario.reconciliations(mailNs, "mx2") >= seen + 2);
    assertThat(digitalocean.renames(droplet)).isZero();
    assertThat(checks.condition(mailNs, "mx2", "ProviderSynced").orElseThrow().getMessage())
        .contains("holds the PTR");
  }

  @Test
  void aReservedIpIsUnsupportedNamingItsDroplet() {
    long droplet = digitalocean.addDroplet("web-r", "192.0.2.20", null);
    digitalocean.addReservedIp("192.0.2.21", droplet);
    dns.a("mx-reserved.example.com", "192.0.2.21");
    create(mailNs, "reserved", "192.0.2.21", "mx-reserved.example.com", DO, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "reserved", "ProviderSynced")
        .equals(Optional.of("False/Unsupported")));
    assertThat(checks.condition(mailNs, "reserved", "ProviderSynced").orElseThrow().getMessage())
        .contains("reserved IP").contains("web-r").contains(String.valueOf(droplet));
    assertThat(digitalocean.renames(droplet)).isZero();
  }

  @Test
  void anIpOfNoDropletIsUnsupported() {
    dns.a("mx-foreign.example.com", "192.0.2.99");
    create(mailNs, "foreign", "192.0.2.99", "mx-foreign.example.com", DO, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "foreign", "ProviderSynced")
        .equals(Optional.of("False/Unsupported")));
    assertThat(checks.condition(mailNs, "foreign", "ProviderSynced").orElseThrow().getMessage())
        .contains("not a public IP of any Droplet");
  }

  @Test
  void theOperatorsOwnForwardCheckStopsBeforeAnyRename() {
    long droplet = digitalocean.addDroplet("web-noa", "192.0.2.30", null);
    create(mailNs, "noa", "192.0.2.30", "noa.example.com", DO, null); // no A record at all
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "noa", "ProviderSynced")
        .equals(Optional.of("False/ForwardRecordMissing")));
    assertThat(digitalocean.renames(droplet)).isZero();
  }

  @Test
  void anErroredRenameIsAProviderError() {
    long droplet = digitalocean.addDroplet("web-err", "192.0.2.31", null);
    digitalocean.actionPolls(1);
    digitalocean.nextActionErrors();
    dns.a("err.example.com", "192.0.2.31");
    create(mailNs, "err", "192.0.2.31", "err.example.com", DO, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "err", "ProviderSynced")
        .equals(Optional.of("False/ProviderError")));
    assertThat(checks.condition(mailNs, "err", "ProviderSynced").orElseThrow().getMessage()).contains("errored");
    // the next attempt (after backoff) renames it
    await().atMost(Duration.ofSeconds(60)).until(() -> "err.example.com".equals(digitalocean.dropletName(droplet)));
  }

  @Test
  void ipsOutsideAllowedCidrsAndUnselectedNamespacesAreRefusedWithoutAnyCall() {
    FakeDigitalOceanServer fenced = server();
    String name = "do-fenced-" + SUFFIX;
    provider(name, fenced, "do-token", List.of("192.0.2.128/25"), "mail");
    fenced.addDroplet("in", "192.0.2.130", null);
    fenced.addDroplet("out", "192.0.2.40", null);
    scenario.assertRefusedWithoutCalls(name, fenced::totalCalls, "192.0.2.40", "192.0.2.130");
  }

  @Test
  void rateLimitsAnd5xxAreRetriedWithBoundedCallsAndConvergeOnceTheyClear() throws Exception {
    record Fault(String name, FakeDigitalOceanServer.Failure failure, String expected, String ip,
        FakeDigitalOceanServer server, long droplet) {}
    List<Fault> faults = new ArrayList<>();
    for (Object[] f : new Object[][] {{"do-429", FakeDigitalOceanServer.Failure.RATE_LIMITED, "throttled", "192.0.2.50"},
        {"do-500", FakeDigitalOceanServer.Failure.INTERNAL, "unavailable", "192.0.2.51"},
        {"do-403", FakeDigitalOceanServer.Failure.FORBIDDEN, "credentials rejected", "192.0.2.52"}}) {
      FakeDigitalOceanServer server = server();
      long droplet = server.addDroplet("web-" + f[0], (String) f[3], null);
      faults.add(new Fault((String) f[0], (FakeDigitalOceanServer.Failure) f[1], (String) f[2], (String) f[3], server,
          droplet));
    }
    for (Fault f : faults) {
      dns.a(f.name() + ".example.com", f.ip());
      provider(f.name() + "-" + SUFFIX, f.server(), "do-token", List.of(CIDR), null);
    }
    scenario.assertBoundedRetries(faults.stream().map(f -> new ProviderScenario.Fault(f.name(), f.ip(),
        f.name() + "-" + SUFFIX, f.expected(), f.server()::totalCalls, () -> f.server().failNext(100_000,
        f.failure()), f.server()::clearFailures)).toList(), Duration.ofSeconds(20));
    assertThat(checks.condition(mailNs, "do-429", "ProviderSynced").orElseThrow().getMessage())
        .contains("ratelimit-remaining 0");
    assertThat(checks.condition(mailNs, "do-403", "ProviderSynced").orElseThrow().getMessage())
        .contains("droplet read and update scopes");
    for (Fault f : faults) {
      assertThat(f.server().renames(f.droplet())).as(f.name() + ": no rename during the fault").isZero();
    }

    for (Fault f : faults) {
      await().atMost(Duration.ofSeconds(90)).until(() -> (f.name() + ".example.com")
          .equals(f.server().dropletName(f.droplet())));
      assertThat(f.server().renames(f.droplet())).as(f.name() + ": one rename once the fault cleared").isEqualTo(1);
    }
  }

  @Test
  void aWrongTokenFailsTheProbeAndTheSyncWithoutShowingTheToken() {
    FakeDigitalOceanServer server = server();
    String name = "do-wrong-" + SUFFIX;
    provider(name, server, "do-wrong", List.of("192.0.2.60/32"), null);
    long droplet = server.addDroplet("web-wrong", "192.0.2.60", null);
    dns.a("wrong.example.com", "192.0.2.60");
    create(mailNs, "wrong", "192.0.2.60", "wrong.example.com", name, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerReady(name)
        .map(c -> c.getStatus() + "/" + c.getReason()).equals(Optional.of("False/ProbeFailed")));
    assertThat(checks.providerReady(name).orElseThrow().getMessage()).contains("AUTHENTICATION")
        .contains("unauthorized");
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "wrong", "ProviderSynced")
        .equals(Optional.of("False/ProviderError")));
    assertThat(checks.condition(mailNs, "wrong", "ProviderSynced").orElseThrow().getMessage())
        .contains("credentials rejected");
    assertThat(server.renames(droplet)).isZero();
  }

  @Test
  void deletionPolicyResetIsReportedAsImpossibleAtOnceAndTheSendingIpGoes() {
    long droplet = digitalocean.addDroplet("web-reset", "192.0.2.70", null);
    digitalocean.actionPolls(1);
    dns.a("reset.example.com", "192.0.2.70");
    create(mailNs, "reset", "192.0.2.70", "reset.example.com", DO, DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(60)).until(() -> "reset.example.com".equals(digitalocean.dropletName(droplet)));
    int actionsBefore = digitalocean.calls("rename");

    scenario.client.resources(SendingIp.class).inNamespace(mailNs).withName("reset").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> !checks.events(mailNs, "reset", "PtrResetFailed").isEmpty()
        && scenario.client.resources(SendingIp.class).inNamespace(mailNs).withName("reset").get() == null);
    assertThat(checks.events(mailNs, "reset", "PtrResetFailed")).singleElement().asString()
        .contains("Cannot reset").contains("Droplet's name");
    assertThat(digitalocean.dropletName(droplet)).isEqualTo("reset.example.com");
    assertThat(digitalocean.calls("rename")).isEqualTo(actionsBefore);
  }

  @Test
  void kubectlShowsTheDigitalOceanProviderReadyOnceItsProbePasses() {
    scenario.assertKubectlShowsReady(DO, "digitalocean");
  }

  @Test
  void theTokenNeverAppearsInLogsEventsOrStatus() throws Exception {
    long droplet = digitalocean.addDroplet("web-secret", "192.0.2.80", null);
    digitalocean.actionPolls(1);
    dns.a("secret.example.com", "192.0.2.80");
    create(mailNs, "secret", "192.0.2.80", "secret.example.com", DO, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> digitalocean.renames(droplet) > 0
        && !checks.events(mailNs, "secret", "PtrSet").isEmpty());
    assertThat(digitalocean.tokenSeenElsewhere()).as("the token only travels in the Authorization header").isFalse();
    scenario.assertNowhereUsersSee(TOKEN, WRONG_TOKEN);
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static FakeDigitalOceanServer server() {
    try {
      return scenario.closeAfter(new FakeDigitalOceanServer(TOKEN));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void provider(String name, FakeDigitalOceanServer server, String secret, List<String> cidrs,
      String team) {
    scenario.provider(name, ReverseDnsProviders.digitalocean(server.endpoint(), scenario.operatorNs, secret, cidrs),
        team);
  }

  private static void create(String ns, String name, String ip, String hostname, String provider,
      DeletionPolicy policy) {
    scenario.sendingIp(ns, name, ip, hostname, provider, policy);
  }
}
