package dev.mailops.ptr.operator;

import dev.mailops.ptr.gate.ProviderSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.testing.FakeComputeServer;
import dev.mailops.ptr.testing.FakeEc2Server;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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

  private static KubeApi api;
  private static KubernetesClient client;
  private static PowerDnsServer dns;
  private static FakeEc2Server ec2;
  private static FakeComputeServer compute;
  private static RunningOperator operator;
  private static String operatorNs;
  private static String mailNs;
  private static String otherNs;
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    ((Logger) LoggerFactory.getLogger("dev.mailops.ptr")).setLevel(Level.DEBUG);

    api = KubeApi.shared();
    client = api.client();
    dns = PowerDnsServer.start();
    dns.createZone("example.com");
    dns.createZone("example.net");
    ec2 = new FakeEc2Server(AWS_KEY_ID, AWS_SECRET);
    compute = new FakeComputeServer(PROJECT);
    operatorNs = api.newNamespace("ptr-system");
    mailNs = api.newNamespace("mail");
    otherNs = api.newNamespace("shop");

    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName("aws-creds")
        .endMetadata().addToStringData("accessKeyId", AWS_KEY_ID).addToStringData("secretAccessKey", AWS_SECRET)
        .build()).create();
    awsProvider(AWS, List.of("203.0.113.0/24", "2001:db8:a::/48"));
    gcpProvider(GCP, "198.18.0.0/24");

    OperatorSettings settings = RunningOperator.testSettings(dns.dnsAddress(), Set.of(mailNs, otherNs))
        .withProviders(ProviderSettings.defaults(operatorNs)
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withCacheRecheck(Duration.ofSeconds(2)));
    operator = RunningOperator.withProviders(api, settings, ShippedProviders.all(Duration.ofMillis(500)));
  }

  @AfterAll
  static void stop() {
    try {
      if (operator != null) {
        operator.close();
      }
      client.resources(ReverseDnsProvider.class).withName(AWS).delete();
      client.resources(ReverseDnsProvider.class).withName(GCP).delete();
    } finally {
      ec2.close();
      compute.close();
      dns.close();
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }
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
    long seen = operator.reconciliations(mailNs, "mx-aws");
    await("two more re-checks").atMost(Duration.ofSeconds(60))
        .until(() -> operator.reconciliations(mailNs, "mx-aws") >= seen + 2);
    assertThat(modifyCalls("eipalloc-0a1b2c3d")).isEqualTo(1);
    assertThat(condition(mailNs, "mx-aws", "ProviderSynced").getReason()).isEqualTo("InSync");
    assertThat(metrics()).containsPattern(
        "ptr_provider_calls_total\\{operation=\"set\",outcome=\"ok\",provider=\"aws\"} [1-9]");
  }

  @Test
  void awsIpv6IsUnsupportedWithoutACall() {
    dns.aaaa("mx6-aws.example.com", "2001:db8:a::10");
    withProvider(mailNs, "mx6-aws", "2001:db8:a::10", "mx6-aws.example.com", AWS);
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(mailNs, "mx6-aws", "ProviderSynced") != null
        && "Unsupported".equals(condition(mailNs, "mx6-aws", "ProviderSynced").getReason()));
    assertThat(condition(mailNs, "mx6-aws", "ProviderSynced").getMessage()).contains("IPv4");
    assertThat(ec2.requests()).noneMatch(r -> r.toString().contains("2001:db8"));
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
    long first = operator.reconciliations(mailNs, "claim-first");
    long second = operator.reconciliations(otherNs, "claim-second");
    await("two more re-checks of both claims").atMost(Duration.ofSeconds(60))
        .until(() -> operator.reconciliations(mailNs, "claim-first") >= first + 2
            && operator.reconciliations(otherNs, "claim-second") >= second + 2);
    assertThat(modifyCalls("eipalloc-050")).isEqualTo(1);
    assertThat(ec2.elasticIp("203.0.113.50").ptrRecord()).isEqualTo("first.example.com.");
  }

  @Test
  void credentialsNeverAppearInLogsEventsStatusOrMetrics() throws Exception {
    // let the other scenarios' reconciles and Events happen first; this one only reads
    await().atMost(Duration.ofSeconds(60)).until(() -> ec2.totalCalls() > 0);
    assertThat(ec2.secretSeen()).as("the secret key itself never goes over the wire").isFalse();
    String statuses = Serialization.asYaml(client.resources(SendingIp.class).inNamespace(mailNs).list())
        + Serialization.asYaml(client.resources(SendingIp.class).inNamespace(otherNs).list())
        + Serialization.asYaml(client.resources(ReverseDnsProvider.class).list());
    String events = Serialization.asYaml(client.v1().events().inNamespace(mailNs).list())
        + Serialization.asYaml(client.v1().events().inNamespace(otherNs).list());
    String metrics = metrics();
    String logText = String.join("\n", logs.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList());
    for (String haystack : List.of(statuses, events, metrics, logText)) {
      assertThat(haystack).doesNotContain(AWS_SECRET);
    }
    assertThat(logText).isNotEmpty();
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static String metrics() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.healthPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long modifyCalls(String allocationId) {
    return ec2.requests().stream().filter(r -> "ModifyAddressAttribute".equals(r.get("Action"))
        && allocationId.equals(r.get("AllocationId"))).count();
  }

  private static void withProvider(String ns, String name, String ip, String hostname, String provider) {
    SendingIp sip = SendingIps.sendingIp(ns, name, ip, hostname, null);
    sip.getSpec().setProviderRef(provider);
    client.resource(sip).create();
  }

  private static void awsProvider(String name, List<String> cidrs) {
    ReverseDnsProviders.create(client, name, ReverseDnsProviders.aws(ec2.endpoint(), operatorNs, cidrs));
  }

  private static void gcpProvider(String name, String cidr) {
    ReverseDnsProviders.create(client, name, ReverseDnsProviders.gcp(PROJECT, compute.endpoint(), List.of(cidr)));
  }



  private static SendingIp get(String ns, String name) {
    return client.resources(SendingIp.class).inNamespace(ns).withName(name).get();
  }

  private static dev.mailops.ptr.api.ProviderState provider(String ns, String name) {
    SendingIp sip = get(ns, name);
    return sip == null || sip.getStatus() == null ? null : sip.getStatus().getProvider();
  }

  private static Condition ready(String ns, String name) {
    return condition(ns, name, "Ready");
  }

  private static Condition condition(String ns, String name, String type) {
    SendingIp sip = get(ns, name);
    return sip == null || sip.getStatus() == null ? null : sip.getStatus().condition(type).orElse(null);
  }
}
