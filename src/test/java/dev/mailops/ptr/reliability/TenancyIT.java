package dev.mailops.ptr.reliability;

import dev.mailops.ptr.operator.ShippedProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.FakeEc2Server;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tenancy through the real operator: two teams, two AWS ReverseDnsProviders over one (fake) EC2 account, each
 * provider limited to one team's namespaces and one half of the /24. Every cross combination of namespace x IP range
 * x providerRef is tried; only the two that both rules allow reach EC2. A provider whose credentials Secret lives
 * outside the operator's namespace is refused before any call.
 */
class TenancyIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final String KEY_ID = "AKIATENANCY" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
  private static final String SECRET = "tenancy-secret-" + UUID.randomUUID();
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String PA = "p-a-" + SUFFIX;
  private static final String PB = "p-b-" + SUFFIX;
  private static final String PX = "p-foreign-secret-" + SUFFIX;
  private static final String CIDR_A = "203.0.113.0/25";
  private static final String CIDR_B = "203.0.113.128/25";

  private static KubeApi api;
  private static KubernetesClient client;
  private static PowerDnsServer dns;
  private static FakeEc2Server ec2;
  /** Behind the provider whose Secret is in the wrong namespace: must never be called. */
  private static FakeEc2Server foreignEc2;
  private static RunningOperator operator;
  private static String operatorNs;
  private static String nsA;
  private static String nsB;

  /** One of the eight combinations: where the SendingIp lives, its IP (range A or B), which provider it names. */
  record Combo(String team, String range, String provider, String ip, String allocationId, String hostname,
      String refusedBy) {
    String namespace() {
      return team.equals("a") ? nsA : nsB;
    }

    String name() {
      return "ns" + team + "-ip" + range.toLowerCase() + "-" + (provider.equals(PA) ? "pa" : "pb");
    }
  }

  private static final List<Combo> COMBOS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = KubeApi.shared();
    client = api.client();
    dns = closed.add(PowerDnsServer.start());
    dns.createZone("example.com");
    ec2 = closed.add(new FakeEc2Server(KEY_ID, SECRET));
    foreignEc2 = closed.add(new FakeEc2Server(KEY_ID, SECRET));
    operatorNs = api.newNamespace("ptr-system");
    nsA = api.newNamespace("team-a", Map.of("team", "a"));
    nsB = api.newNamespace("team-b", Map.of("team", "b"));
    for (String ns : List.of(operatorNs, nsA)) { // the same credentials in the operator's namespace and a team's
      client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("aws-creds")
          .endMetadata().addToStringData("accessKeyId", KEY_ID).addToStringData("secretAccessKey", SECRET).build())
          .create();
    }
    awsProvider(PA, CIDR_A, "a", ec2, operatorNs);
    awsProvider(PB, CIDR_B, "b", ec2, operatorNs);
    awsProvider(PX, "203.0.113.0/24", null, foreignEc2, nsA);

    int[] nextA = {10};
    int[] nextB = {140};
    for (String team : List.of("a", "b")) {
      for (String range : List.of("A", "B")) {
        for (String provider : List.of(PA, PB)) {
          String ip = "203.0.113." + (range.equals("A") ? nextA[0]++ : nextB[0]++);
          String providerRange = provider.equals(PA) ? "A" : "B";
          String providerTeam = provider.equals(PA) ? "a" : "b";
          String refusedBy = !range.equals(providerRange) ? "allowedCidrs"
              : !team.equals(providerTeam) ? "namespaceSelector" : null;
          String hostname = "mx-" + team + "-" + range.toLowerCase() + "-" + (provider.equals(PA) ? "pa" : "pb")
              + ".example.com";
          COMBOS.add(new Combo(team, range, provider, ip, "eipalloc-" + ip.replace('.', '-'), hostname, refusedBy));
        }
      }
    }
    for (Combo combo : COMBOS) {
      ec2.addElasticIp(combo.ip(), combo.allocationId());
      dns.a(combo.hostname(), combo.ip());
      ec2.addForwardRecord(combo.hostname(), combo.ip());
    }

    OperatorSettings settings = RunningOperator.testSettings(dns.dnsAddress(), Set.of(nsA, nsB))
        .withProviders(ProviderSettings.defaults(operatorNs)
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
            .withCacheRecheck(Duration.ofSeconds(2)));
    operator = closed.add(RunningOperator.withProviders(api, settings, ShippedProviders.all(Duration.ofMillis(500))));
  }

  @Test
  void onlyCombinationsAllowedByBothCidrsAndNamespaceSelectorReachTheProvider() throws Exception {
    assertThat(COMBOS).hasSize(8);
    assertThat(COMBOS.stream().filter(c -> c.refusedBy() == null)).hasSize(2);
    for (Combo combo : COMBOS) {
      SendingIp sip = dev.mailops.ptr.testing.SendingIps.sendingIp(combo.namespace(), combo.name(), combo.ip(),
          combo.hostname(), null);
      sip.getSpec().setProviderRef(combo.provider());
      client.resource(sip).create();
    }

    for (Combo combo : COMBOS) {
      if (combo.refusedBy() == null) {
        await(combo.name() + " set at EC2").atMost(Duration.ofSeconds(90))
            .until(() -> modifyCalls(combo.allocationId()) >= 1);
      } else {
        await(combo.name() + " refused").atMost(Duration.ofSeconds(90))
            .until(() -> condition(combo, "ProviderSynced").map(Condition::getReason)
                .equals(Optional.of("ProviderNotAllowed")));
      }
    }
    // two more finished reconciles (re-checks) of every SendingIp, each a chance for a wrong or second write
    Map<Combo, Long> before = new java.util.HashMap<>();
    COMBOS.forEach(c -> before.put(c, operator.reconciliations(c.namespace(), c.name())));
    await("two more re-checks of every SendingIp").atMost(Duration.ofSeconds(90)).until(() -> COMBOS.stream()
        .allMatch(c -> operator.reconciliations(c.namespace(), c.name()) >= before.get(c) + 2));

    for (Combo combo : COMBOS) {
      if (combo.refusedBy() == null) {
        assertThat(modifyCalls(combo.allocationId())).as(combo.name()).isEqualTo(1);
        assertThat(ec2.lastRequest("ModifyAddressAttribute")).isPresent();
        assertThat(ec2.actions().stream().filter(r -> combo.allocationId().equals(r.get("AllocationId"))
            && "ModifyAddressAttribute".equals(r.get("Action"))).map(r -> r.get("DomainName")))
            .allMatch(d -> d.replaceAll("\\.$", "").equals(combo.hostname()));
        Condition synced = condition(combo, "ProviderSynced").orElseThrow();
        assertThat(synced.getReason()).as(combo.name()).isNotEqualTo("ProviderNotAllowed");
      } else {
        Condition synced = condition(combo, "ProviderSynced").orElseThrow();
        assertThat(synced.getStatus()).as(combo.name()).isEqualTo("False");
        assertThat(synced.getReason()).as(combo.name()).isEqualTo("ProviderNotAllowed");
        assertThat(synced.getMessage()).as(combo.name()).contains(combo.refusedBy()).contains(combo.provider())
            .contains("no provider call is made");
        if (combo.refusedBy().equals("namespaceSelector")) {
          assertThat(synced.getMessage()).as(combo.name()).contains(combo.namespace());
        } else {
          assertThat(synced.getMessage()).as(combo.name()).contains(combo.ip());
        }
        Condition ready = condition(combo, "Ready").orElseThrow();
        assertThat(ready.getStatus() + "/" + ready.getReason()).as(combo.name())
            .isEqualTo("False/ProviderNotAllowed");
        // not a single EC2 call about this IP: neither lookup, read nor write
        assertThat(ec2.actions()).as(combo.name()).noneMatch(r -> r.containsValue(combo.ip())
            || r.containsValue(combo.allocationId()));
      }
    }
    assertThat(ec2.actions().stream().filter(r -> "ModifyAddressAttribute".equals(r.get("Action"))))
        .as("exactly the two allowed writes").hasSize(2);
  }

  @Test
  void aCredentialsSecretOutsideTheOperatorNamespaceIsRefusedWithoutAnyCall() throws Exception {
    String ip = "203.0.113.60";
    String hostname = "mx-foreign.example.com";
    foreignEc2.addElasticIp(ip, "eipalloc-foreign");
    foreignEc2.addForwardRecord(hostname, ip);
    dns.a(hostname, ip);
    SendingIp sip = dev.mailops.ptr.testing.SendingIps.sendingIp(nsA, "foreign-secret", ip, hostname, null);
    sip.getSpec().setProviderRef(PX);
    client.resource(sip).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> providerReady(PX)
        .map(c -> c.getStatus() + "/" + c.getReason()).equals(Optional.of("False/SecretOutsideOperatorNamespace")));
    assertThat(providerReady(PX).orElseThrow().getMessage()).contains(nsA + "/aws-creds").contains(operatorNs);

    await().atMost(Duration.ofSeconds(60)).until(() -> condition(nsA, "foreign-secret", "ProviderSynced")
        .map(c -> c.getStatus() + "/" + c.getReason()).equals(Optional.of("False/ProviderError")));
    Condition synced = condition(nsA, "foreign-secret", "ProviderSynced").orElseThrow();
    assertThat(synced.getMessage()).contains(nsA + "/aws-creds").contains("must live in namespace " + operatorNs);
    assertThat(condition(nsA, "foreign-secret", "Ready").map(Condition::getStatus)).contains("False");

    long seen = operator.reconciliations(nsA, "foreign-secret");
    await("three more reconciles of foreign-secret").atMost(Duration.ofSeconds(90))
        .until(() -> operator.reconciliations(nsA, "foreign-secret") >= seen + 3);
    assertThat(foreignEc2.totalCalls()).as("no call reaches the provider behind a foreign Secret").isZero();
    assertThat(foreignEc2.actions()).isEmpty();
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static long modifyCalls(String allocationId) {
    return ec2.actions().stream().filter(r -> "ModifyAddressAttribute".equals(r.get("Action"))
        && allocationId.equals(r.get("AllocationId"))).count();
  }

  private static Optional<Condition> condition(Combo combo, String type) {
    return condition(combo.namespace(), combo.name(), type);
  }

  private static Optional<Condition> condition(String ns, String name, String type) {
    return dev.mailops.ptr.testing.SendingIps.condition(client, ns, name, type);
  }

  private static Optional<Condition> providerReady(String name) {
    return ReverseDnsProviders.ready(client, name);
  }

  private static void awsProvider(String name, String cidr, String team, FakeEc2Server server, String secretNs) {
    ReverseDnsProviderSpec spec = ReverseDnsProviders.aws(server.endpoint(), secretNs, List.of(cidr));
    ReverseDnsProviders.create(client, name, team == null ? spec : ReverseDnsProviders.forTeam(spec, team));
    closed.add(ReverseDnsProviders.deleting(client, name));
  }
}
