package dev.mailops.ptr.operator;

import static dev.mailops.ptr.testing.AuthoritativeServers.CHILD_ZONE;
import static dev.mailops.ptr.testing.AuthoritativeServers.CLASSLESS_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAGGING_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAGGING_ZONE;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAME_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.SYNCED_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.SYNCED_ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.AuthoritativeStatus;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.provider.rfc2136.Rfc2136ProviderFactory;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.AuthoritativeServers;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator with the authoritative check on, against real PowerDNS and BIND servers of the same zones: each case
 * shows in the SendingIp's AuthoritativeConsistent condition and status.authoritative on a real kube-apiserver.
 */
class AuthoritativeConsistencyIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final String PROVIDER = "rfc-auth-" + UUID.randomUUID().toString().substring(0, 6);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static KubeApi api;
  private static KubernetesClient client;
  private static AuthoritativeServers servers;
  private static RunningOperator operator;
  private static String ns;

  @BeforeAll
  static void start() {
    api = KubeApi.shared();
    client = api.client();
    servers = closed.add(AuthoritativeServers.start());
    ns = api.newNamespace("auth");
    String operatorNs = api.newNamespace("ptr-system");
    String secret = servers.primary().tsigSecret();
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName("tsig")
        .endMetadata().addToStringData("secret", secret).build()).create();
    ReverseDnsProviders.create(client, PROVIDER, ReverseDnsProviders.rfc2136(servers.primary(),
        AuthoritativeServers.NS1 + ":" + servers.port(), LAGGING_ZONE, 5, operatorNs, "tsig",
        List.of(LAGGING_IP + "/32")));
    closed.add(ReverseDnsProviders.deleting(client, PROVIDER));
    OperatorSettings settings = RunningOperator.testSettings(servers.resolver(), Set.of(ns))
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withDnsTimeout(Duration.ofMillis(500)).withCacheRecheck(Duration.ofSeconds(2)))
        .withAuthoritative(AuthoritativeSettings.defaults().withPort(servers.port())
            .withTimeout(Duration.ofMillis(500)));
    operator = closed.add(RunningOperator.withProviders(api, settings,
        PtrProviders.none().with("rfc2136", new Rfc2136ProviderFactory(Duration.ofMillis(500)))));
  }

  @Test
  void agreeingPrimaryAndSecondaryAreConsistentWithEachServerInStatus() {
    SendingIps.create(client, ns, "synced", SYNCED_IP, "mail.example.test", null);
    Condition c = awaitCondition("synced", "ServersAgree");
    assertThat(c.getStatus()).isEqualTo("True");
    AuthoritativeStatus.AuthoritativeZone zone = zones("synced").get(0);
    assertThat(zone.getZone()).isEqualTo(SYNCED_ZONE);
    assertThat(zone.getPrimary()).isEqualTo("ns1.fixture.test");
    assertThat(zone.getServers()).extracting(s -> s.getServer() + " " + s.getAddress() + " " + s.getAnswer())
        .containsExactly("ns1.fixture.test 127.0.0.1 mail.example.test",
            "ns2.fixture.test 127.0.0.11 mail.example.test");
    assertThat(zone.getServers()).allSatisfy(s -> assertThat(s.getSerial()).isNotNull());
  }

  @Test
  void aLameServerIsLameDelegationWithAWarningEventAndReadyStaysTrue() {
    SendingIps.create(client, ns, "lame", LAME_IP, "lame.example.test", null);
    Condition c = awaitCondition("lame", "LameDelegation");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage()).contains("ns4.fixture.test (127.0.0.13): REFUSED");
    assertThat(SendingIps.condition(client, ns, "lame", "Ready").map(Condition::getStatus)).contains("True");
    await().atMost(WAIT).untilAsserted(() -> assertThat(SendingIps.events(client, ns, "lame"))
        .anySatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getReason()).isEqualTo("AuthoritativeInconsistent");
          assertThat(e.getMessage()).startsWith("LameDelegation");
        }));
  }

  @Test
  void anRfc2317DelegationIsFollowedToTheZoneOnAnotherServer() {
    SendingIps.create(client, ns, "classless", CLASSLESS_IP, "mail70.example.test", null);
    awaitCondition("classless", "ServersAgree");
    List<AuthoritativeStatus.AuthoritativeZone> zones = zones("classless");
    assertThat(zones).extracting(AuthoritativeStatus.AuthoritativeZone::getZone)
        .containsExactly(SYNCED_ZONE, CHILD_ZONE, "example.test");
    assertThat(zones.get(1).getServers()).extracting(AuthoritativeStatus.AuthoritativeServer::getAnswer)
        .containsExactly("mail70.example.test");
  }

  @Test
  void aStoppedSecondaryIsServerUnreachableUnknownNeverFalse() {
    servers.primary().ptr("192.0.2.12", "stopped.example.test");
    servers.primary().replace("stopped.example.test", "A", 5, "192.0.2.12");
    servers.secondary().pause();
    try {
      SendingIps.create(client, ns, "stopped", "192.0.2.12", "stopped.example.test", null);
      Condition c = awaitCondition("stopped", "ServerUnreachable");
      assertThat(c.getStatus()).isEqualTo("Unknown");
      assertThat(c.getMessage()).contains("ns2.fixture.test (127.0.0.11): no answer within 500 ms");
    } finally {
      servers.secondary().resume();
    }
    awaitCondition("stopped", "ServersAgree");
  }

  @Test
  void anRfc2136ProviderChangeIsOnThePrimaryFirstAndOnTheSecondaryAfterTransfer() {
    SendingIps.createWithProvider(client, ns, "changed", LAGGING_IP, "new.example.test", PROVIDER, null);
    Condition behind = awaitCondition("changed", "SecondaryBehind");
    assertThat(behind.getStatus()).isEqualTo("False");
    AuthoritativeStatus.AuthoritativeZone zone = zones("changed").get(0);
    assertThat(zone.getServers()).extracting(s -> s.getServer() + " " + s.getAnswer())
        .containsExactly("ns1.fixture.test new.example.test", "ns3.fixture.test old.example.test");
    assertThat(zone.getServers().get(1).getSerial()).isLessThan(zone.getServers().get(0).getSerial());
    // the resolvers (here: the primary) show it: Ready, whatever the lagging secondary says
    await().atMost(WAIT).until(() -> SendingIps.readyStatus(client, ns, "changed").equals(Optional.of("True")));
    assertThat(SendingIps.condition(client, ns, "changed", "AuthoritativeConsistent").map(Condition::getReason))
        .contains("SecondaryBehind");

    servers.lagging().retrieve(LAGGING_ZONE);
    awaitCondition("changed", "ServersAgree");
    assertThat(zones("changed").get(0).getServers())
        .extracting(AuthoritativeStatus.AuthoritativeServer::getAnswer)
        .containsExactly("new.example.test", "new.example.test");
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  private static Condition awaitCondition(String name, String reason) {
    await().atMost(WAIT).until(() -> SendingIps.condition(client, ns, name, "AuthoritativeConsistent")
        .map(c -> reason.equals(c.getReason())).orElse(false));
    return SendingIps.condition(client, ns, name, "AuthoritativeConsistent").orElseThrow();
  }

  private static List<AuthoritativeStatus.AuthoritativeZone> zones(String name) {
    return SendingIps.get(client, ns, name).getStatus().getAuthoritative().getZones();
  }
}
