package dev.mailops.ptr.operator;

import static dev.mailops.ptr.testing.AuthoritativeServers.SYNCED_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.SYNCED_ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.provider.rfc2136.Rfc2136ProviderFactory;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.AuthoritativeServers;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a provider write, UpdatePending ends once every authoritative server shows the new PTR, while what resolvers
 * hand out still lags: the operator's resolver here is a copy of the zones that is never refreshed (a PowerDNS
 * secondary on 127.0.0.14 that no NOTIFY reaches and that no NS record names), standing in for resolver caches.
 */
class PropagationIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final String PROVIDER = "rfc-prop-" + UUID.randomUUID().toString().substring(0, 6);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static KubeApi api;
  private static KubernetesClient client;
  private static AuthoritativeServers servers;
  private static PowerDnsServer staleResolver;
  private static RunningOperator operator;
  private static String ns;

  @BeforeAll
  static void start() {
    api = KubeApi.shared();
    client = api.client();
    servers = closed.add(AuthoritativeServers.start());
    servers.primary().replace("renamed.example.test", "A", 60, SYNCED_IP);
    staleResolver = closed.add(PowerDnsServer.at("127.0.0.14", servers.port(), true));
    for (String zone : List.of("fixture.test", "example.test", SYNCED_ZONE)) {
      staleResolver.addSecondaryZone(zone, servers.primary().dnsAddress());
    }
    ns = api.newNamespace("propagation");
    String operatorNs = api.newNamespace("ptr-system");
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName("tsig")
        .endMetadata().addToStringData("secret", servers.primary().tsigSecret()).build()).create();
    ReverseDnsProviders.create(client, PROVIDER, ReverseDnsProviders.rfc2136(servers.primary(),
        AuthoritativeServers.NS1 + ":" + servers.port(), SYNCED_ZONE, 60, operatorNs, "tsig",
        List.of(SYNCED_IP + "/32")));
    closed.add(ReverseDnsProviders.deleting(client, PROVIDER));
    OperatorSettings settings = RunningOperator.testSettings(staleResolver.dnsAddress(), Set.of(ns))
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withDnsTimeout(Duration.ofMillis(500)).withCacheRecheck(Duration.ofSeconds(2)))
        .withAuthoritative(AuthoritativeSettings.defaults().withPort(servers.port())
            .withTimeout(Duration.ofMillis(500)));
    operator = closed.add(RunningOperator.withProviders(api, settings,
        PtrProviders.none().with("rfc2136", new Rfc2136ProviderFactory(Duration.ofMillis(500)))));
  }

  @Test
  void updatePendingEndsWhenEveryAuthoritativeServerShowsTheNewPtrAndSaysUntilWhenCachesMayHoldTheOld() {
    // first seen without a provider: status.authoritative records the old PTR and its TTL (60 s)
    SendingIps.create(client, ns, "moved", SYNCED_IP, "renamed.example.test", null);
    await().atMost(WAIT).until(() -> SendingIps.condition(client, ns, "moved", "AuthoritativeConsistent")
        .map(c -> "ServersAgree".equals(c.getReason())).orElse(false));
    assertThat(SendingIps.get(client, ns, "moved").getStatus().getAuthoritative().getZones().get(0).getServers())
        .extracting(s -> s.getAnswer() + " " + s.getTtl()).containsOnly("mail.example.test 60");

    SendingIp resource = SendingIps.get(client, ns, "moved");
    resource.getSpec().setProviderRef(PROVIDER);
    client.resources(SendingIp.class).inNamespace(ns).resource(resource).update();

    await().atMost(WAIT).until(() -> SendingIps.condition(client, ns, "moved", "ProviderSynced")
        .map(c -> "Propagating".equals(c.getReason())).orElse(false));
    Condition synced = SendingIps.condition(client, ns, "moved", "ProviderSynced").orElseThrow();
    assertThat(synced.getStatus()).isEqualTo("True");
    assertThat(synced.getMessage()).contains("All 2 authoritative servers of " + SYNCED_ZONE + " answer "
        + "renamed.example.test").contains("resolvers may still hand out the old name until")
        .contains("the old record's TTL of 60s, counted from the change at");
    // what receivers' resolvers hand out is still the old name: not Ready, but on its way without anyone acting
    assertThat(SendingIps.condition(client, ns, "moved", "Ready").map(Condition::getReason)).contains("PtrMismatch");
    assertThat(SendingIps.condition(client, ns, "moved", "Reconciling").map(c -> c.getStatus() + " " + c.getReason()))
        .contains("True Propagating");
    assertThat(SendingIps.condition(client, ns, "moved", "Stalled").map(Condition::getStatus)).contains("False");
  }
}
