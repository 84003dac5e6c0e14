package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.testing.FakeArmServer;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ProviderChecks;
import dev.mailops.ptr.testing.ProviderScenario;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator setting {@code reverseFqdn} on Azure public IPs through a local Resource Manager and Entra ID
 * token endpoint ({@link FakeArmServer}), then DNS (PowerDNS) confirming what Azure publishes: the long-running PUT
 * followed until it ends, a value already held never written again, Azure's refusals explained, tenancy, IPv6,
 * throttling and 5xx with bounded retries, a wrong client secret, reset on delete, and the client secret nowhere a
 * user can see it.
 */
class AzureProviderIT {
  private static final String TENANT = UUID.randomUUID().toString();
  private static final String CLIENT = UUID.randomUUID().toString();
  private static final String SECRET = "az-secret-" + UUID.randomUUID();
  private static final String WRONG_SECRET = "az-wrong-" + UUID.randomUUID();
  private static final String SUBSCRIPTION = UUID.randomUUID().toString();
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String AZ = "azure-" + SUFFIX;
  private static final String CIDR = "198.51.100.0/25";
  private static final String RG = "rg-mail";
  private static ProviderScenario scenario;
  private static PowerDnsServer dns;
  private static FakeArmServer arm;
  private static ProviderChecks checks;
  private static String mailNs;

  @BeforeAll
  static void start() {
    scenario = ProviderScenario.prepare();
    dns = scenario.dns;
    checks = scenario.checks;
    mailNs = scenario.mailNs;
    arm = server();
    secret("azure-creds", SECRET);
    secret("azure-wrong", WRONG_SECRET);
    provider(AZ, arm, "azure-creds", List.of(CIDR, "2001:db8:50::/48"), "mail");
    scenario.startOperator();
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  @Test
  void reverseFqdnIsSetThroughTheLongRunningPutPendingUntilItEndsAndDnsThenConfirmsIt() {
    arm.addPublicIp(RG, "pip-mx1", "198.51.100.10", "mx1-label");
    arm.operationPolls(8); // longer than one reconcile follows it (5 polls): the change is reported pending first
    dns.a("mx1.example.com", "198.51.100.10");
    arm.addForwardRecord("mx1.example.com", "198.51.100.10");
    create(mailNs, "mx1", "198.51.100.10", "mx1.example.com", AZ, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerState(mailNs, "mx1")
        .map(ProviderState::getUpdateStatus).equals(Optional.of("Pending")));
    assertThat(checks.statusReason(mailNs, "mx1", "ProviderSynced")).contains("Unknown/UpdatePending");
    // a later read asks the operation again; once it succeeded, Azure holds the name (written with a trailing dot)
    await().atMost(Duration.ofSeconds(60)).until(() -> "mx1.example.com.".equals(arm.reverseFqdn(RG, "pip-mx1"))
        && checks.providerState(mailNs, "mx1").map(ProviderState::getUpdateStatus).equals(Optional.of("Applied")));
    assertThat(arm.publicIp(RG, "pip-mx1").path("properties").path("idleTimeoutInMinutes").asInt())
        .as("the PUT sent back the resource as read").isEqualTo(4);

    dns.ptr("198.51.100.10", "mx1.example.com"); // what Azure publishes once applied
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "mx1", "Ready")
        .map(s -> s.startsWith("True")).orElse(false));
    assertThat(arm.puts("pip-mx1")).as("one write").isEqualTo(1);
    assertThat(checks.events(mailNs, "mx1", "PtrSet")).singleElement().asString().contains("mx1.example.com");
  }

  @Test
  void aReverseFqdnAzureAlreadyHoldsIsNotWrittenAgain() {
    arm.addPublicIp(RG, "pip-mx2", "198.51.100.11", "mx2-label").with("properties").with("dnsSettings")
        .put("reverseFqdn", "mx2.example.com.");
    dns.a("mx2.example.com", "198.51.100.11"); // DNS has no PTR yet, so the operator asks Azure
    create(mailNs, "mx2", "198.51.100.11", "mx2.example.com", AZ, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerState(mailNs, "mx2")
        .map(ProviderState::getPtrValue).equals(Optional.of("mx2.example.com")));
    long seen = scenario.reconciliations(mailNs, "mx2");
    await().atMost(Duration.ofSeconds(60)).until(() -> scenario.reconciliations(mailNs, "mx2") >= seen + 2);
    assertThat(arm.puts("pip-mx2")).isZero();
    assertThat(checks.condition(mailNs, "mx2", "ProviderSynced").orElseThrow().getMessage())
        .contains("holds the PTR");
  }

  @Test
  void azureRefusingANameThatDoesNotResolveToTheIpIsAnActionableProviderError() {
    arm.addPublicIp(RG, "pip-mx3", "198.51.100.12", "mx3-label");
    dns.a("mx3.example.com", "198.51.100.12"); // our DNS has it, Azure's view of public DNS does not (yet)
    create(mailNs, "mx3", "198.51.100.12", "mx3.example.com", AZ, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "mx3", "ProviderSynced")
        .equals(Optional.of("False/ProviderError")));
    assertThat(checks.condition(mailNs, "mx3", "ProviderSynced").orElseThrow().getMessage())
        .contains("refused the change").contains("ReverseFqdnDoesNotBelongToSubscription")
        .contains("A record mx3.example.com -> 198.51.100.12").contains("mx3-label.westeurope.cloudapp.azure.com")
        .containsPattern("retrying in [0-9.]+s");

    arm.addForwardRecord("mx3.example.com", "198.51.100.12"); // the user fixes public DNS: the retry succeeds
    await().atMost(Duration.ofSeconds(60)).until(() -> "mx3.example.com.".equals(arm.reverseFqdn(RG, "pip-mx3")));
  }

  @Test
  void aPublicIpWithoutDomainNameLabelIsExplainedAndNoLabelIsInvented() {
    arm.addPublicIp(RG, "pip-nolabel", "198.51.100.13", null);
    dns.a("mx4.example.com", "198.51.100.13");
    arm.addForwardRecord("mx4.example.com", "198.51.100.13");
    create(mailNs, "mx4", "198.51.100.13", "mx4.example.com", AZ, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "mx4", "ProviderSynced")
        .equals(Optional.of("False/ProviderError")));
    assertThat(checks.condition(mailNs, "mx4", "ProviderSynced").orElseThrow().getMessage())
        .contains("DomainNameLabelMissing").contains("az network public-ip update -g " + RG + " -n pip-nolabel");
    assertThat(arm.publicIp(RG, "pip-nolabel").path("properties").has("dnsSettings")).isFalse();
  }

  @Test
  void theOperatorsOwnForwardCheckStopsBeforeAnyWrite() {
    arm.addPublicIp(RG, "pip-noa", "198.51.100.14", "noa-label");
    create(mailNs, "noa", "198.51.100.14", "noa.example.com", AZ, null); // no A record at all
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "noa", "ProviderSynced")
        .equals(Optional.of("False/ForwardRecordMissing")));
    assertThat(arm.puts("pip-noa")).isZero();
  }

  @Test
  void ipsOutsideAllowedCidrsAndUnselectedNamespacesAreRefusedWithoutAnyCall() throws Exception {
    FakeArmServer fenced = server();
    String name = "azure-fenced-" + SUFFIX;
    provider(name, fenced, "azure-creds", List.of("198.51.100.128/25"), "mail");
    fenced.addPublicIp(RG, "pip-in", "198.51.100.130", "in-label");
    fenced.addPublicIp(RG, "pip-out", "198.51.100.20", "out-label");
    scenario.assertRefusedWithoutCalls(name, fenced::totalCalls, "198.51.100.20", "198.51.100.130");
  }

  @Test
  void ipv6IsUnsupportedWithoutACall() {
    dns.aaaa("mx6.example.com", "2001:db8:50::10");
    create(mailNs, "mx6", "2001:db8:50::10", "mx6.example.com", AZ, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "mx6", "ProviderSynced")
        .equals(Optional.of("False/Unsupported")));
    assertThat(checks.condition(mailNs, "mx6", "ProviderSynced").orElseThrow().getMessage()).contains("IPv4")
        .contains("2001:db8:50::10");
    assertThat(arm.requests()).noneMatch(r -> r.body().contains("2001:db8:50::10"));
  }

  @Test
  void throttlingAnd5xxAreRetriedWithBoundedCallsAndConvergeOnceTheyClear() throws Exception {
    record Fault(String name, FakeArmServer.Failure failure, String expected, String ip, FakeArmServer server) {}
    List<Fault> faults = List.of(
        new Fault("az-429", FakeArmServer.Failure.THROTTLED, "throttled", "198.51.100.30", server()),
        new Fault("az-500", FakeArmServer.Failure.INTERNAL, "unavailable", "198.51.100.31", server()),
        new Fault("az-403", FakeArmServer.Failure.FORBIDDEN, "credentials rejected", "198.51.100.32", server()));
    for (Fault f : faults) {
      f.server().addPublicIp(RG, "pip-" + f.name(), f.ip(), f.name() + "-label");
      f.server().addForwardRecord(f.name() + ".example.com", f.ip());
      dns.a(f.name() + ".example.com", f.ip());
      provider(f.name() + "-" + SUFFIX, f.server(), "azure-creds", List.of(CIDR), null);
    }
    scenario.assertBoundedRetries(faults.stream().map(f -> new ProviderScenario.Fault(f.name(), f.ip(),
        f.name() + "-" + SUFFIX, f.expected(), f.server()::armCalls, () -> f.server().failNext(100_000, f.failure()),
        f.server()::clearFailures)).toList(), Duration.ofSeconds(20));
    assertThat(checks.condition(mailNs, "az-429", "ProviderSynced").orElseThrow().getMessage())
        .contains("Retry-After 17s");
    assertThat(checks.condition(mailNs, "az-403", "ProviderSynced").orElseThrow().getMessage())
        .contains("Microsoft.Network/publicIPAddresses/write");
    for (Fault f : faults) {
      assertThat(f.server().puts("pip-" + f.name())).as(f.name() + ": no write during the fault").isZero();
    }

    for (Fault f : faults) {
      await().atMost(Duration.ofSeconds(90)).until(() -> (f.name() + ".example.com.")
          .equals(f.server().reverseFqdn(RG, "pip-" + f.name())));
      assertThat(f.server().puts("pip-" + f.name())).as(f.name() + ": one write once the fault cleared").isEqualTo(1);
    }
  }

  @Test
  void aWrongClientSecretFailsTheProbeAndTheSyncWithoutShowingTheSecret() {
    FakeArmServer server = server();
    String name = "azure-wrong-" + SUFFIX;
    provider(name, server, "azure-wrong", List.of("198.51.100.40/32"), null);
    server.addPublicIp(RG, "pip-wrong", "198.51.100.40", "wrong-label");
    dns.a("wrong.example.com", "198.51.100.40");
    create(mailNs, "wrong", "198.51.100.40", "wrong.example.com", name, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerReady(name)
        .map(c -> c.getStatus() + "/" + c.getReason()).equals(Optional.of("False/ProbeFailed")));
    assertThat(checks.providerReady(name).orElseThrow().getMessage()).contains("AUTHENTICATION")
        .contains("AADSTS7000215").doesNotContain(WRONG_SECRET);
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, "wrong", "ProviderSynced")
        .equals(Optional.of("False/ProviderError")));
    assertThat(checks.condition(mailNs, "wrong", "ProviderSynced").orElseThrow().getMessage())
        .contains("credentials rejected").contains("invalid_client");
    assertThat(server.calls("list")).as("no Resource Manager call without a token").isZero();
  }

  @Test
  void deletionPolicyResetClearsTheReverseFqdn() {
    arm.addPublicIp(RG, "pip-reset", "198.51.100.50", "reset-label");
    arm.operationPolls(1);
    dns.a("reset.example.com", "198.51.100.50");
    arm.addForwardRecord("reset.example.com", "198.51.100.50");
    create(mailNs, "reset", "198.51.100.50", "reset.example.com", AZ, DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(60)).until(() -> "reset.example.com.".equals(arm.reverseFqdn(RG, "pip-reset")));

    scenario.client.resources(SendingIp.class).inNamespace(mailNs).withName("reset").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> arm.reverseFqdn(RG, "pip-reset") == null
        && scenario.client.resources(SendingIp.class).inNamespace(mailNs).withName("reset").get() == null);
    assertThat(arm.publicIp(RG, "pip-reset").path("properties").path("dnsSettings").path("domainNameLabel").asText())
        .as("only the reverse FQDN went").isEqualTo("reset-label");
    assertThat(checks.events(mailNs, "reset", "PtrReset")).hasSize(1);
  }

  @Test
  void kubectlShowsTheAzureProviderReadyOnceItsProbePasses() {
    scenario.assertKubectlShowsReady(AZ, "azure");
  }

  @Test
  void theClientSecretNeverAppearsInLogsEventsOrStatus() throws Exception {
    arm.addPublicIp(RG, "pip-secret", "198.51.100.60", "secret-label");
    dns.a("secret.example.com", "198.51.100.60");
    arm.addForwardRecord("secret.example.com", "198.51.100.60");
    create(mailNs, "secret", "198.51.100.60", "secret.example.com", AZ, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> arm.puts("pip-secret") > 0
        && !checks.events(mailNs, "secret", "PtrSet").isEmpty());
    assertThat(arm.secretSeen()).as("the secret only ever goes to the token endpoint").isFalse();
    scenario.assertNowhereUsersSee(SECRET, WRONG_SECRET);
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static FakeArmServer server() {
    try {
      return scenario.closeAfter(new FakeArmServer(TENANT, CLIENT, SECRET, SUBSCRIPTION));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void secret(String name, String clientSecret) {
    scenario.secret(name, Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", clientSecret));
  }

  private static void provider(String name, FakeArmServer server, String secret, List<String> cidrs, String team) {
    scenario.provider(name, ReverseDnsProviders.azure(SUBSCRIPTION, server.endpoint(), scenario.operatorNs, secret,
        cidrs), team);
  }

  private static void create(String ns, String name, String ip, String hostname, String provider,
      DeletionPolicy policy) {
    scenario.sendingIp(ns, name, ip, hostname, provider, policy);
  }
}
