package dev.mailops.ptr.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.operator.ShippedProviders;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.DnsFaultRelay;
import dev.mailops.ptr.testing.FakeEc2Server;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every state of both kinds, driven for real (operator, kube-apiserver, PowerDNS behind a fault relay, the EC2 test
 * server), read back with kubectl and judged by kstatus itself (the Go library Flux and kpt use) and by the Argo CD
 * health scripts: the table in docs/api.md. Each verdict is printed, so the test log shows what the tools say.
 */
class GitOpsHealthIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_ID = "AKIAGITOPS" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
  private static final String SECRET = "gitops-secret-" + UUID.randomUUID();
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String AWS = "aws-gitops-" + SUFFIX;
  private static final String AWS_NO_SECRET = "aws-nosecret-" + SUFFIX;

  private static KubeApi api;
  private static KubernetesClient client;
  private static PowerDnsServer dns;
  private static DnsFaultRelay relay;
  private static FakeEc2Server ec2;
  private static RunningOperator operator;
  private static String operatorNs;
  private static String ns;

  @BeforeAll
  static void start() throws Exception {
    api = KubeApi.shared();
    client = api.client();
    dns = closed.add(PowerDnsServer.start());
    dns.createZone("example.com");
    dns.createZone("2.0.192.in-addr.arpa");
    dns.createZone("113.0.203.in-addr.arpa");
    dns.createZone("100.51.198.in-addr.arpa");
    relay = closed.add(DnsFaultRelay.start(dns.dnsAddress()));
    ec2 = closed.add(new FakeEc2Server(KEY_ID, SECRET));
    operatorNs = api.newNamespace("ptr-system");
    ns = api.newNamespace("gitops");
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata()
        .withName(ReverseDnsProviders.AWS_SECRET_NAME).endMetadata().addToStringData("accessKeyId", KEY_ID)
        .addToStringData("secretAccessKey", SECRET).build()).create();
    ReverseDnsProviders.create(client, AWS, ReverseDnsProviders.aws(ec2.endpoint(), operatorNs,
        List.of("203.0.113.0/24")));
    closed.add(ReverseDnsProviders.deleting(client, AWS));
    // its Secret lives in another namespace than the operator's: refused until someone moves it
    ReverseDnsProviders.create(client, AWS_NO_SECRET, ReverseDnsProviders.aws(ec2.endpoint(), ns,
        List.of("203.0.113.0/24")));
    closed.add(ReverseDnsProviders.deleting(client, AWS_NO_SECRET));

    OperatorSettings settings = RunningOperator.testSettings(relay.address(), Set.of(ns))
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withReset(30, Duration.ofSeconds(1)));
    operator = closed.add(RunningOperator.withProviders(api, settings, ShippedProviders.all(Duration.ofMillis(500))));
  }

  /** One row of docs/api.md's table: the conditions and what each tool makes of them. */
  private record Expected(String name, String ready, String reconciling, String stalled, String kstatus,
      String argoCd) {}

  @Test
  void everyStateReadsTheSameInKstatusArgoCdAndConditions() throws Exception {
    // compliant
    dns.ptr("192.0.2.10", "mx1.example.com");
    dns.a("mx1.example.com", "192.0.2.10");
    long created = System.nanoTime();
    SendingIps.create(client, ns, "compliant", "192.0.2.10", "mx1.example.com", "example.com");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> SendingIps.readyStatus(client, ns, "compliant").isPresent());
    System.out.printf("[kstatus] first status write %d ms after create (until then kstatus says Current)%n",
        (System.nanoTime() - created) / 1_000_000);
    // not compliant, no provider: the reverse zone exists, the PTR does not
    SendingIps.create(client, ns, "no-ptr", "192.0.2.13", "mx3.example.com", "example.com");
    // temporary DNS failure: the relay answers SERVFAIL for this reverse name
    relay.fault(DnsFaultRelay.Mode.SERVFAIL, "12.2.0.192.in-addr.arpa");
    SendingIps.create(client, ns, "dns-failing", "192.0.2.12", "mx2.example.com", "example.com");
    // pending at the provider: EC2 holds the PTR, DNS does not show it yet
    ec2.addElasticIp("203.0.113.10", "eipalloc-0a10");
    dns.a("mx-aws.example.com", "203.0.113.10");
    ec2.addForwardRecord("mx-aws.example.com", "203.0.113.10");
    withProvider("pending", "203.0.113.10", "mx-aws.example.com", AWS, DeletionPolicy.Retain);
    // provider refused: outside its allowedCidrs
    dns.a("mx-out.example.com", "198.51.100.5");
    withProvider("refused", "198.51.100.5", "mx-out.example.com", AWS, DeletionPolicy.Retain);
    // invalid spec that admission lets through: the IDN hostname is too long once encoded
    SendingIps.create(client, ns, "invalid", "192.0.2.82", "\u00e4".repeat(62) + ".example.com", null);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Map.of("compliant", reason("compliant"),
        "no-ptr", reason("no-ptr"), "dns-failing", reason("dns-failing"), "pending", reason("pending"),
        "refused", reason("refused"), "invalid", reason("invalid"))).isEqualTo(Map.of("compliant", "True/Compliant",
        "no-ptr", "False/NoPtrRecord", "dns-failing", "Unknown/DnsTemporaryFailure", "pending", "False/NoPtrRecord",
        "refused", "False/NoPtrRecord", "invalid", "False/InvalidSpec")));
    await().atMost(Duration.ofSeconds(30)).until(() -> ec2.calls("ModifyAddressAttribute") == 1);
    // a second claim of a compliant IP, created a clock second later than the first
    SendingIps.create(client, ns, "duplicate", "192.0.2.10", "mx1.example.com", "example.com");
    await().atMost(Duration.ofSeconds(30)).until(() -> reason("duplicate").equals("False/DuplicateIp"));

    List<Expected> table = List.of(
        new Expected("compliant", "True", "False", "False", "Current", "Healthy"),
        new Expected("pending", "False", "True", "False", "InProgress", "Progressing"),
        new Expected("dns-failing", "Unknown", "True", "False", "InProgress", "Progressing"),
        new Expected("no-ptr", "False", "False", "True", "Failed", "Degraded"),
        new Expected("refused", "False", "False", "True", "Failed", "Degraded"),
        new Expected("duplicate", "False", "False", "True", "Failed", "Degraded"),
        new Expected("invalid", "False", "False", "True", "Failed", "Degraded"));
    assertTable("sendingips", "sendingip", ns, table);

    await().atMost(Duration.ofSeconds(30)).until(() -> providerReady(AWS).equals("True")
        && providerReady(AWS_NO_SECRET).equals("False"));
    assertTable("reversednsproviders", "reversednsprovider", null, List.of(
        new Expected(AWS, "True", "False", "False", "Current", "Healthy"),
        new Expected(AWS_NO_SECRET, "False", "False", "True", "Failed", "Degraded")));

    // stalled on a refusal: kstatus's message is Ready's (the first failed check), ProviderSynced says why
    JsonNode refused = item(kubectlJson("sendingips", ns), "refused");
    Kstatus.Verdict refusedVerdict = Kstatus.compute(refused.toString()).get(0);
    assertThat(refusedVerdict.message()).isEqualTo(condition(refused, "Ready").path("message").asText())
        .contains("No PTR record for 198.51.100.5");
    assertThat(condition(refused, "ProviderSynced").path("reason").asText()).isEqualTo("ProviderNotAllowed");
  }

  @Test
  void aSendingIpBeingDeletedWithResetIsTerminatingUntilThePtrIsReset() throws Exception {
    ec2.addElasticIp("203.0.113.20", "eipalloc-0a20", "mx-reset.example.com.");
    dns.a("mx-reset.example.com", "203.0.113.20");
    dns.ptr("203.0.113.20", "mx-reset.example.com");
    ec2.addForwardRecord("mx-reset.example.com", "203.0.113.20");
    withProvider("reset", "203.0.113.20", "mx-reset.example.com", AWS, DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(60)).until(() -> reason("reset").equals("True/Compliant"));

    for (int i = 0; i < 5; i++) {
      ec2.failNextOn("ResetAddressAttribute", FakeEc2Server.Failure.UNAVAILABLE);
    }
    client.resources(SendingIp.class).inNamespace(ns).withName("reset").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> ec2.calls("ResetAddressAttribute") >= 1);
    JsonNode deleting = JSON.readTree(api.kubectl("get", "sendingip", "reset", "-n", ns, "-o", "json"));
    assertThat(deleting.path("metadata").path("deletionTimestamp").isMissingNode()).isFalse();
    Kstatus.Verdict verdict = Kstatus.compute(deleting.toString()).get(0);
    System.out.printf("[kstatus] %-12s deleting, reset failing -> kstatus %s (%s)%n", "reset", verdict.status(),
        verdict.message());
    assertThat(verdict.status()).isEqualTo("Terminating");

    await().atMost(Duration.ofSeconds(60))
        .until(() -> client.resources(SendingIp.class).inNamespace(ns).withName("reset").get() == null);
    assertThat(ec2.elasticIp("203.0.113.20").pendingValue()).contains("ec2-203-0-113-20.compute-1.amazonaws.com.");
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static void assertTable(String resource, String luaKind, String namespace, List<Expected> table)
      throws Exception {
    JsonNode list = kubectlJson(resource, namespace);
    Map<String, Kstatus.Verdict> verdicts = Kstatus.compute(list.toString()).stream()
        .collect(Collectors.toMap(Kstatus.Verdict::name, v -> v));
    List<String> actual = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (Expected row : table) {
      JsonNode object = item(list, row.name());
      Kstatus.Verdict verdict = verdicts.get(row.name());
      ArgoCdHealthLuaTest.Health argo = ArgoCdHealthLuaTest.run(luaKind, object.toString());
      String conditions = status(object, "Ready") + "/" + status(object, "Reconciling") + "/"
          + status(object, "Stalled");
      System.out.printf("[kstatus] %-16s Ready/Reconciling/Stalled=%-17s kstatus=%-10s argocd=%-11s %s%n",
          row.name(), conditions, verdict.status(), argo.status(), verdict.message());
      actual.add(row.name() + " " + conditions + " " + verdict.status() + " " + argo.status());
      expected.add(row.name() + " " + row.ready() + "/" + row.reconciling() + "/" + row.stalled() + " "
          + row.kstatus() + " " + row.argoCd());
    }
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  private static JsonNode kubectlJson(String resource, String namespace) throws Exception {
    return JSON.readTree(namespace == null ? api.kubectl("get", resource, "-o", "json")
        : api.kubectl("get", resource, "-n", namespace, "-o", "json"));
  }

  private static JsonNode item(JsonNode list, String name) {
    for (JsonNode item : list.path("items")) {
      if (name.equals(item.path("metadata").path("name").asText())) {
        return item;
      }
    }
    throw new AssertionError("no " + name + " in " + list);
  }

  private static JsonNode condition(JsonNode object, String type) {
    for (JsonNode condition : object.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return JSON.missingNode();
  }

  private static String status(JsonNode object, String type) {
    return condition(object, type).path("status").asText("absent");
  }

  private static String reason(String name) {
    return SendingIps.condition(client, ns, name, "Ready").map(c -> c.getStatus() + "/" + c.getReason()).orElse("");
  }

  private static String providerReady(String name) {
    return ReverseDnsProviders.ready(client, name).map(c -> c.getStatus()).orElse("");
  }

  private static void withProvider(String name, String ip, String hostname, String provider, DeletionPolicy policy) {
    SendingIps.createWithProvider(client, ns, name, ip, hostname, provider, policy);
  }
}
