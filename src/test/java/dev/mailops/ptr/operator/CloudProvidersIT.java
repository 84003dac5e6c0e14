package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.testing.FakeComputeServer;
import dev.mailops.ptr.testing.FakeEc2Server;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ProviderScenario;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator setting PTRs on AWS Elastic IPs and GCP access configs (through test servers that speak the
 * providers' wire formats), then DNS confirming what the cloud publishes; with distinctive credentials that must
 * never show up in logs, Events, status or metrics.
 */
class CloudProvidersIT {
  private static final String AWS_KEY_ID = "AKIAPTRTEST" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
  private static final String AWS_SECRET = "ptr-secret-" + UUID.randomUUID();
  private static final String PROJECT = "mail-prod-4711";
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String AWS = "aws-" + SUFFIX;
  private static final String GCP = "gcp-" + SUFFIX;

  private static ProviderScenario scenario;
  private static PowerDnsServer dns;
  private static FakeEc2Server ec2;
  private static FakeComputeServer compute;
  private static String mailNs;
  private static String otherNs;

  @BeforeAll
  static void start() throws Exception {
    scenario = ProviderScenario.prepare();
    dns = scenario.dns;
    mailNs = scenario.mailNs;
    otherNs = scenario.otherNs;
    dns.createZone("example.net");
    ec2 = scenario.closeAfter(new FakeEc2Server(AWS_KEY_ID, AWS_SECRET));
    compute = scenario.closeAfter(new FakeComputeServer(PROJECT));
    scenario.secret("aws-creds", Map.of("accessKeyId", AWS_KEY_ID, "secretAccessKey", AWS_SECRET));
    scenario.provider(AWS, ReverseDnsProviders.aws(ec2.endpoint(), scenario.operatorNs,
        List.of("203.0.113.0/24", "2001:db8:a::/48")), null);
    scenario.provider(GCP, ReverseDnsProviders.gcp(PROJECT, compute.endpoint(), List.of("198.18.0.0/24")), null);
    scenario.startOperator();
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  @Test
  void awsElasticIpGetsItsPtrOnceAndDnsThenConfirmsIt() throws Exception {
    ec2.addElasticIp("203.0.113.10", "eipalloc-0a1b2c3d");
    ec2.pendingDescribes(2);
    dns.a("mx-aws.example.com", "203.0.113.10");
    ec2.addForwardRecord("mx-aws.example.com", "203.0.113.10"); // AWS checks public DNS itself
    withProvider(mailNs, "mx-aws", "203.0.113.10", "mx-aws.example.com", AWS);

    // the provider holds the value (AWS applies it asynchronously) ...
    await().atMost(Duration.ofSeconds(60))
        .until(() -> "mx-aws.example.com.".equals(ec2.elasticIp("203.0.113.10").ptrRecord()));
    // ... and the SendingIp waits for DNS, without asking AWS again
    await().atMost(Duration.ofSeconds(30)).until(() -> provider(mailNs, "mx-aws") != null
        && "mx-aws.example.com".equals(provider(mailNs, "mx-aws").getPtrValue()));
    assertThat(ready(mailNs, "mx-aws").getStatus()).isNotEqualTo("True");

    dns.ptr("203.0.113.10", "mx-aws.example.com"); // what AWS publishes once applied
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "mx-aws").getStatus()));
    long seen = scenario.reconciliations(mailNs, "mx-aws");
    await("two more re-checks").atMost(Duration.ofSeconds(60))
        .until(() -> scenario.reconciliations(mailNs, "mx-aws") >= seen + 2);
    assertThat(modifyCalls("eipalloc-0a1b2c3d")).isEqualTo(1);
    assertThat(condition(mailNs, "mx-aws", "ProviderSynced").getReason()).isEqualTo("InSync");
    assertThat(scenario.metrics()).containsPattern(
        "ptr_provider_calls_total\\{operation=\"set\",outcome=\"ok\",provider=\"aws\"} [1-9]");
  }

  @Test
  void awsIpv6IsUnsupportedWithoutACall() {
    dns.aaaa("mx6-aws.example.com", "2001:db8:a::10");
    withProvider(mailNs, "mx6-aws", "2001:db8:a::10", "mx6-aws.example.com", AWS);
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(mailNs, "mx6-aws", "ProviderSynced") != null
        && "Unsupported".equals(condition(mailNs, "mx6-aws", "ProviderSynced").getReason()));
    assertThat(condition(mailNs, "mx6-aws", "ProviderSynced").getMessage()).contains("IPv4");
    assertThat(ec2.actions()).noneMatch(r -> r.toString().contains("2001:db8"));
  }

  @Test
  void gcpAccessConfigGetsItsPtrWithTrailingDotAndDnsThenConfirmsIt() throws Exception {
    compute.addInstance("europe-west1-b", "mta-1", "198.18.0.20");
    compute.verifyDomain("example.com");
    dns.a("mx-gcp.example.com", "198.18.0.20");
    withProvider(mailNs, "mx-gcp", "198.18.0.20", "mx-gcp.example.com", GCP);

    await().atMost(Duration.ofSeconds(60)).until(() -> compute.accessConfig("198.18.0.20").has("publicPtrDomainName")
        && "mx-gcp.example.com.".equals(compute.accessConfig("198.18.0.20").get("publicPtrDomainName").getAsString()));
    assertThat(compute.accessConfig("198.18.0.20").get("setPublicPtr").getAsBoolean()).isTrue();

    dns.ptr("198.18.0.20", "mx-gcp.example.com");
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "mx-gcp").getStatus()));
    assertThat(compute.requests("/instances/mta-1/updateAccessConfig")).hasSize(1);
  }

  @Test
  void gcpUnverifiedDomainExplainsSearchConsoleAndBacksOff() throws Exception {
    compute.addInstance("europe-west1-b", "mta-2", "198.18.0.30");
    dns.a("mx.unverified.example.net", "198.18.0.30");
    withProvider(mailNs, "unverified", "198.18.0.30", "mx.unverified.example.net", GCP);
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(mailNs, "unverified", "ProviderSynced") != null
        && "ProviderError".equals(condition(mailNs, "unverified", "ProviderSynced").getReason()));
    assertThat(condition(mailNs, "unverified", "ProviderSynced").getMessage()).containsIgnoringCase("Search Console");
    assertThat(ready(mailNs, "unverified").getStatus()).isEqualTo("False");
  }

  @Test
  void twoClaimsOfOneIpCallTheProviderOnceForTheFirstClaim() throws Exception {
    ec2.addElasticIp("203.0.113.50", "eipalloc-050");
    dns.a("first.example.com", "203.0.113.50");
    dns.a("second.example.com", "203.0.113.50");
    ec2.addForwardRecord("first.example.com", "203.0.113.50");
    ec2.addForwardRecord("second.example.com", "203.0.113.50");
    withProvider(mailNs, "claim-first", "203.0.113.50", "first.example.com", AWS);
    Thread.sleep(1100); // creation timestamps have one-second precision
    withProvider(otherNs, "claim-second", "203.0.113.50", "second.example.com", AWS);

    await().atMost(Duration.ofSeconds(60))
        .until(() -> "first.example.com.".equals(ec2.elasticIp("203.0.113.50").ptrRecord()));
    await().atMost(Duration.ofSeconds(30)).until(() -> ready(otherNs, "claim-second") != null
        && "DuplicateIp".equals(ready(otherNs, "claim-second").getReason()));
    assertThat(ready(otherNs, "claim-second").getMessage()).contains("nother namespace claims").doesNotContain(mailNs);
    assertThat(condition(otherNs, "claim-second", "ProviderSynced").getReason()).isEqualTo("ProviderNotAllowed");
    long first = scenario.reconciliations(mailNs, "claim-first");
    long second = scenario.reconciliations(otherNs, "claim-second");
    await("two more re-checks of both claims").atMost(Duration.ofSeconds(60))
        .until(() -> scenario.reconciliations(mailNs, "claim-first") >= first + 2
            && scenario.reconciliations(otherNs, "claim-second") >= second + 2);
    assertThat(modifyCalls("eipalloc-050")).isEqualTo(1);
    assertThat(ec2.elasticIp("203.0.113.50").ptrRecord()).isEqualTo("first.example.com.");
  }

  @Test
  void credentialsNeverAppearInLogsEventsStatusOrMetrics() throws Exception {
    // let the other scenarios' reconciles and Events happen first; this one only reads
    await().atMost(Duration.ofSeconds(60)).until(() -> ec2.totalCalls() > 0);
    assertThat(ec2.secretSeen()).as("the secret key itself never goes over the wire").isFalse();
    scenario.assertNowhereUsersSee(AWS_SECRET);
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static long modifyCalls(String allocationId) {
    return ec2.actions().stream().filter(r -> "ModifyAddressAttribute".equals(r.get("Action"))
        && allocationId.equals(r.get("AllocationId"))).count();
  }

  private static void withProvider(String ns, String name, String ip, String hostname, String provider) {
    scenario.sendingIp(ns, name, ip, hostname, provider, null);
  }

  private static SendingIp get(String ns, String name) {
    return SendingIps.get(scenario.client, ns, name);
  }

  private static dev.mailops.ptr.api.ProviderState provider(String ns, String name) {
    return SendingIps.providerState(scenario.client, ns, name).orElse(null);
  }

  private static Condition ready(String ns, String name) {
    return condition(ns, name, "Ready");
  }

  private static Condition condition(String ns, String name, String type) {
    return SendingIps.condition(scenario.client, ns, name, type).orElse(null);
  }
}
