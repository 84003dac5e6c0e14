package dev.mailops.ptr.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.operator.ShippedProviders;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.BindServer;
import dev.mailops.ptr.testing.Dig;
import dev.mailops.ptr.testing.FakeComputeServer;
import dev.mailops.ptr.testing.FakeEc2Server;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.Type;

/**
 * Who may change a PTR, and what deleting a SendingIp may undo: with the real operator, a real BIND for the
 * rfc2136 provider and the EC2 and Compute test servers, every provider type gets the same treatment.
 */
class ClaimsAndDeletionIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String REVERSE_ZONE = "100.51.198.in-addr.arpa";
  private static final String PROJECT = "claims-4711";
  private static final String FINALIZER = "sendingips.ptr.mailops.dev/finalizer";

  private static KubeApi api;
  private static KubernetesClient client;
  private static BindServer bind;
  private static FakeEc2Server ec2;
  private static FakeComputeServer compute;
  private static RunningOperator operator;
  private static String operatorNs;
  private static String mailNs;
  private static String shopNs;

  /** One provider type under test: where its IP lives and what it holds for it now. */
  private record Target(String provider, String ip, Supplier<Optional<String>> held, IntSupplier resets) {}

  @BeforeAll
  static void start() throws IOException {
    api = KubeApi.shared();
    client = api.client();
    bind = closed.add(BindServer.start(List.of("example.org", REVERSE_ZONE)));
    ec2 = closed.add(new FakeEc2Server("AKIACLAIMS", "claims-secret-" + SUFFIX));
    compute = closed.add(new FakeComputeServer(PROJECT));
    compute.verifyDomain("example.org");
    operatorNs = api.newNamespace("ptr-system");
    mailNs = api.newNamespace("mail", Map.of("team", "mail"));
    shopNs = api.newNamespace("shop", Map.of("team", "shop"));
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName("tsig")
        .endMetadata().addToStringData("secret", bind.tsigSecret()).build()).create();
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata()
        .withName(ReverseDnsProviders.AWS_SECRET_NAME).endMetadata().addToStringData("accessKeyId", "AKIACLAIMS")
        .addToStringData("secretAccessKey", "claims-secret-" + SUFFIX).build()).create();

    ReverseDnsProviders.create(client, "rfc-" + SUFFIX, ReverseDnsProviders.forTeam(
        ReverseDnsProviders.rfc2136(bind, operatorNs, "tsig", List.of("198.51.100.0/24")), "mail"));
    ReverseDnsProviders.create(client, "aws-" + SUFFIX, ReverseDnsProviders.forTeam(
        ReverseDnsProviders.aws(ec2.endpoint(), operatorNs, List.of("203.0.113.0/24")), "mail"));
    ReverseDnsProviders.create(client, "gcp-" + SUFFIX, ReverseDnsProviders.forTeam(
        ReverseDnsProviders.gcp(PROJECT, compute.endpoint(), List.of("198.18.0.0/24")), "mail"));
    for (String type : List.of("rfc", "aws", "gcp")) {
      closed.add(ReverseDnsProviders.deleting(client, type + "-" + SUFFIX));
    }

    operator = closed.add(RunningOperator.withProviders(api, operatorSettings(), ShippedProviders.all(Duration.ofMillis(500))));
  }

  private static OperatorSettings operatorSettings() {
    return RunningOperator.testSettings(bind.dnsAddress(), Set.of(mailNs, shopNs))
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withReset(3, Duration.ofMillis(200)).withDnsTimeout(Duration.ofMillis(500))
            .withCacheRecheck(Duration.ofSeconds(2)));
  }

  /** The provider type's IP number {@code n}, registered at the provider (instance, Elastic IP, zone). */
  private static Target target(String type, int n) {
    switch (type) {
      case "rfc2136" -> {
        String ip = "198.51.100." + n;
        return new Target("rfc-" + SUFFIX, ip, () -> {
          try {
            return Dig.answers(bind.dnsAddress(), n + "." + REVERSE_ZONE, Type.PTR).stream().findFirst()
                .map(name -> name.replaceAll("\\.$", ""));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, () -> 0);
      }
      case "aws" -> {
        String ip = "203.0.113." + n;
        ec2.addElasticIp(ip, "eipalloc-" + n);
        return new Target("aws-" + SUFFIX, ip,
            // what EC2 holds: the value it is applying, else the applied one; its default name counts as none
            () -> ec2.elasticIp(ip).pendingValue().or(() -> Optional.ofNullable(ec2.elasticIp(ip).ptrRecord()))
                .filter(v -> !v.startsWith("ec2-"))
                .map(v -> v.replaceAll("\\.$", "")),
            () -> ec2.calls("ResetAddressAttribute"));
      }
      default -> {
        String ip = "198.18.0." + n;
        compute.addInstance("europe-west1-b", "vm-" + n, ip);
        return new Target("gcp-" + SUFFIX, ip, () -> Optional.ofNullable(compute.accessConfig(ip))
            .filter(c -> c.has("publicPtrDomainName") && c.has("setPublicPtr") && c.get("setPublicPtr").getAsBoolean())
            .map(c -> c.get("publicPtrDomainName").getAsString().replaceAll("\\.$", "")),
            () -> (int) compute.requests("/updateAccessConfig").stream()
                .filter(r -> !r.body().contains("\"setPublicPtr\":true")).count());
      }
    }
  }

  private static String forward(String label, String ip) {
    String hostname = label + ".example.org";
    bind.replace(hostname, "A", 5, ip);
    ec2.addForwardRecord(hostname, ip);
    return hostname;
  }

  @ParameterizedTest
  @ValueSource(strings = {"rfc2136", "aws", "gcp"})
  void deletingALosingDuplicateClaimLeavesTheWinnersPtr(String type) throws Exception {
    Target target = target(type, 21);
    String hostname = forward("winner-" + type, target.ip());
    create(mailNs, "winner-" + type, target.ip(), hostname, target.provider(), DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(60)).until(() -> target.held().get().equals(Optional.of(hostname)));
    Thread.sleep(1100); // creation timestamps have one-second precision: the copy is the younger claim

    // a copy of the winner under another name, as a rename in Git produces before the old one is pruned
    create(mailNs, "copy-" + type, target.ip(), hostname, target.provider(), DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(30)).until(() -> "DuplicateIp".equals(reason(mailNs, "copy-" + type)));
    int resetsBefore = target.resets().getAsInt();
    delete(mailNs, "copy-" + type);

    await().atMost(Duration.ofSeconds(30)).until(() -> events(mailNs, "copy-" + type).stream()
        .anyMatch(e -> "PtrNotReset".equals(e.getReason())));
    assertThat(events(mailNs, "copy-" + type)).filteredOn(e -> "PtrNotReset".equals(e.getReason()))
        .first().extracting(Event::getMessage).asString().contains("winner-" + type);
    assertThat(target.held().get()).as("the winner's PTR").contains(hostname);
    assertThat(target.resets().getAsInt()).isEqualTo(resetsBefore);

    // the last claim of the IP still resets it
    delete(mailNs, "winner-" + type);
    await().atMost(Duration.ofSeconds(60)).until(() -> target.held().get().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rfc2136", "aws", "gcp"})
  void aClaimItsProviderRefusesNeverOutranksOneItAllows(String type) throws Exception {
    Target target = target(type, 31);
    String squatted = forward("squat-" + type, target.ip());
    String wanted = forward("mx-" + type, target.ip());
    // another team claims the IP first, naming a provider that does not select its namespace
    create(shopNs, "squat-" + type, target.ip(), squatted, target.provider(), DeletionPolicy.Retain);
    await().atMost(Duration.ofSeconds(30)).until(() -> "ProviderNotAllowed".equals(reason(shopNs, "squat-" + type)));
    Thread.sleep(1100);
    create(mailNs, "mx-" + type, target.ip(), wanted, target.provider(), DeletionPolicy.Retain);

    await().atMost(Duration.ofSeconds(60)).until(() -> target.held().get().equals(Optional.of(wanted)));
    await().atMost(Duration.ofSeconds(30)).until(() -> "DuplicateIp".equals(reason(shopNs, "squat-" + type)));
    assertThat(condition(shopNs, "squat-" + type, "Ready").getMessage())
        .contains("nother namespace claims")
        .doesNotContain(mailNs).doesNotContain("mx-" + type);
    assertThat(reason(mailNs, "mx-" + type)).isNotEqualTo("DuplicateIp");
  }

  @Test
  void onlySendingIpsThatResetAtTheProviderCarryAFinalizer() {
    Target target = target("rfc2136", 41);
    String hostname = forward("fin", target.ip());
    create(mailNs, "plain", "198.51.100.42", null, null, DeletionPolicy.Retain);
    create(mailNs, "retain", target.ip(), hostname, target.provider(), DeletionPolicy.Retain);
    create(mailNs, "reset", "198.51.100.43", forward("fin43", "198.51.100.43"), target.provider(),
        DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(30)).until(() -> condition(mailNs, "plain", "Ready") != null
        && condition(mailNs, "retain", "Ready") != null && condition(mailNs, "reset", "Ready") != null);
    assertThat(get(mailNs, "plain").getMetadata().getFinalizers()).doesNotContain(FINALIZER);
    assertThat(get(mailNs, "retain").getMetadata().getFinalizers()).doesNotContain(FINALIZER);
    assertThat(get(mailNs, "reset").getMetadata().getFinalizers()).contains(FINALIZER);

    // the spec no longer needs it: the finalizer goes
    client.resources(SendingIp.class).inNamespace(mailNs).withName("reset")
        .edit(sip -> {
          sip.getSpec().setDeletionPolicy(DeletionPolicy.Retain);
          return sip;
        });
    await().atMost(Duration.ofSeconds(30))
        .until(() -> !get(mailNs, "reset").getMetadata().getFinalizers().contains(FINALIZER));
  }

  @Test
  void aFinalizerLeftByAnEarlierVersionIsRemovedWhenNotNeeded() {
    SendingIp old = SendingIps.sendingIp(mailNs, "upgraded", "198.51.100.44", null, null);
    old.getMetadata().setFinalizers(List.of(FINALIZER));
    client.resource(old).create();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> !get(mailNs, "upgraded").getMetadata().getFinalizers().contains(FINALIZER));
  }

  @Test
  void withTheOperatorStoppedOnlyResetSendingIpsWaitToBeDeleted() throws Exception {
    Target target = target("rfc2136", 51);
    String hostname = forward("stopped", target.ip());
    create(mailNs, "stopped-plain", "198.51.100.52", null, null, DeletionPolicy.Retain);
    create(mailNs, "stopped-reset", target.ip(), hostname, target.provider(), DeletionPolicy.Reset);
    await().atMost(Duration.ofSeconds(60)).until(() -> target.held().get().equals(Optional.of(hostname))
        && condition(mailNs, "stopped-plain", "Ready") != null);

    operator.close(); // uninstalled, scaled to zero or crash-looping
    try {
      client.resources(SendingIp.class).inNamespace(mailNs).withName("stopped-plain").delete();
      client.resources(SendingIp.class).inNamespace(mailNs).withName("stopped-reset").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> get(mailNs, "stopped-plain") == null);
      assertThat(get(mailNs, "stopped-reset").getMetadata().getDeletionTimestamp())
          .as("waits for the operator to reset the PTR, as documented").isNotNull();
      assertThat(target.held().get()).contains(hostname);
    } finally {
      operator = RunningOperator.withProviders(api, operatorSettings(), ShippedProviders.all(Duration.ofMillis(500)));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> get(mailNs, "stopped-reset") == null);
    assertThat(target.held().get()).isEmpty();
  }

  // --- helpers

  private static void create(String ns, String name, String ip, String hostname, String provider,
      DeletionPolicy policy) {
    SendingIps.createWithProvider(client, ns, name, ip, hostname, provider, policy);
  }

  private static void delete(String ns, String name) {
    client.resources(SendingIp.class).inNamespace(ns).withName(name).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(ns, name) == null);
  }

  private static SendingIp get(String ns, String name) {
    return SendingIps.get(client, ns, name);
  }

  private static Condition condition(String ns, String name, String type) {
    return SendingIps.condition(client, ns, name, type).orElse(null);
  }

  private static String reason(String ns, String name) {
    Condition ready = condition(ns, name, "Ready");
    Condition synced = condition(ns, name, "ProviderSynced");
    if (ready != null && "DuplicateIp".equals(ready.getReason())) {
      return "DuplicateIp";
    }
    return synced == null ? null : synced.getReason();
  }

  private static List<Event> events(String ns, String name) {
    return SendingIps.events(client, ns, name);
  }
}
