package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.owner.OwnerSettings;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RdapTestServer;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Owner discovery through the operator: real API server, real PowerDNS, local RDAP registries. */
class OwnerDiscoveryIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static KubeApi api;
  private static PowerDnsServer dns;
  private static RdapTestServer rdap;
  private static OperatorSettings settings;
  private static Path bootstrap;

  @BeforeAll
  static void start() throws Exception {
    api = KubeApi.shared();
    dns = closed.add(PowerDnsServer.start());
    rdap = closed.add(RdapTestServer.start());
    dns.createZone("example.com");
    dns.ptr("185.199.0.13", "old-server.example.com");
    dns.a("old-server.example.com", "185.199.0.13");
    for (int host : new int[] {14, 15}) {
      dns.ptr("185.199.0." + host, "mail" + host + ".example.com");
      dns.a("mail" + host + ".example.com", "185.199.0." + host);
    }
    dns.ptr("185.97.0.16", "mail16.example.com");
    dns.a("mail16.example.com", "185.97.0.16");
    rdap.answer("rir-a", "185.199.0.0/16", rdap.network("rir-a", "NET-185-199", "HETZNER-NET", "185.199.0.0",
        "185.199.255.255", "Hetzner Online GmbH", "ORG-HOS1", "abuse@hetzner.example"));
    rdap.slow("rir-a", "185.97.0.0/16");
    bootstrap = rdap.writeBootstrap(Files.createTempFile("rdap-bootstrap", ".json"), Map.of("185.0.0.0/8", "rir-a"));
    closed.add(() -> Files.deleteIfExists(bootstrap));
    settings = RunningOperator.testSettings(dns.dnsAddress(), Set.of()).withOwner(OwnerSettings.defaults()
        .withBootstrap(List.of(bootstrap.toString())).withFallbackServer(null).withTimeout(Duration.ofSeconds(2)));
  }

  private static OperatorSettings watching(String ns) {
    return new OperatorSettings(settings.dns(), settings.defaultRecheckInterval(), Set.of(ns), 0,
        settings.reconcileThreads(), settings.duplicateRecheck(), settings.statusHeartbeat(), false, "default", "test")
        .withOwner(settings.owner());
  }

  @Test
  void describeOfANonCompliantSendingIpNamesTheOwnerAndTheNextStep() {
    String ns = api.newNamespace("owner");
    try (RunningOperator operator = RunningOperator.start(api, watching(ns))) {
      SendingIps.create(api.client(), ns, "mx13", "185.199.0.13", "mail13.example.com", null);
      await().atMost(Duration.ofSeconds(60)).until(() -> owner(ns, "mx13") != null
          && ready(ns, "mx13").getMessage().contains("registered to"));

      Condition ready = ready(ns, "mx13");
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("PtrMismatch");
      assertThat(ready.getMessage()).isEqualTo("The PTR of 185.199.0.13 is old-server.example.com, not "
          + "mail13.example.com. 185.199.0.13 is registered to Hetzner Online GmbH (RDAP: " + rdap.base("rir-a")
          + "ip/185.199.0.0). Change its PTR to mail13.example.com in their console or API, or create a "
          + "ReverseDnsProvider of type hetzner");
      OwnerStatus owner = owner(ns, "mx13");
      assertThat(owner.getName()).isEqualTo("Hetzner Online GmbH");
      assertThat(owner.getKind()).isEqualTo("hoster");
      assertThat(owner.getContact()).isEqualTo("abuse@hetzner.example");
      assertThat(owner.getProviderType()).isEqualTo("hetzner");
      assertThat(owner.getNetwork()).isEqualTo("185.199.0.0/16");

      String describe = api.kubectl("describe", "sendingip", "-n", ns, "mx13");
      assertThat(describe.replaceAll("\\s+", " ")).contains("185.199.0.13 is registered to Hetzner Online GmbH")
          .contains("create a ReverseDnsProvider of type hetzner");
      String wide = api.kubectl("get", "sendingips", "-n", ns, "mx13", "-o", "wide");
      assertThat(wide.lines().findFirst().orElseThrow()).endsWith("OWNER");
      assertThat(wide.lines().skip(1).findFirst().orElseThrow()).endsWith("Hetzner Online GmbH");
    }
  }

  @Test
  void anOwnerKnownWithoutAskingARegistryIsInTheFirstStatusWriteAndNoSecondWriteFollows() {
    String ns = api.newNamespace("owner-at-hand");
    dns.ptr("192.0.2.40", "mail40.example.com");
    dns.a("mail40.example.com", "192.0.2.40");
    List<SendingIp> statusWrites = new CopyOnWriteArrayList<>();
    try (Watch watch = api.client().resources(SendingIp.class).inNamespace(ns).watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, SendingIp resource) {
            if (action == Action.MODIFIED) { // no finalizer without a providerRef: every change is a status write
              statusWrites.add(resource);
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
        RunningOperator operator = RunningOperator.start(api, watching(ns))) {
      SendingIps.create(api.client(), ns, "mx40", "192.0.2.40", "mail40.example.com", null);
      // the first check and two re-checks: an owner answered in the background would have reconciled the
      // SendingIp again in between and written the status a second time, now with the owner
      await().atMost(Duration.ofSeconds(60)).until(() -> operator.reconciliations(ns, "mx40") >= 3);

      assertThat(statusWrites).hasSize(1);
      assertThat(statusWrites.get(0).getStatus().getOwner().getNetwork()).isEqualTo("192.0.2.0/24");
      assertThat(ready(ns, "mx40").getReason()).isEqualTo("Compliant");
    }
  }

  @Test
  void aSlowRegistryNeverHoldsBackReadyAndEndsAsUnknownWithTheReason() {
    String ns = api.newNamespace("owner-slow");
    try (RunningOperator operator = RunningOperator.start(api, watching(ns))) {
      SendingIps.create(api.client(), ns, "mx16", "185.97.0.16", "mail16.example.com", null);
      // Ready comes from DNS alone, whatever the registry does
      await().atMost(Duration.ofSeconds(60)).until(() -> status(ns, "mx16") != null
          && "True".equals(ready(ns, "mx16").getStatus()));
      await().atMost(Duration.ofSeconds(60)).until(() -> owner(ns, "mx16") != null);
      OwnerStatus owner = owner(ns, "mx16");
      assertThat(owner.getKind()).isEqualTo("unknown");
      assertThat(owner.getReason()).contains("did not answer completely within 2s");
      assertThat(ready(ns, "mx16").getReason()).isEqualTo("Compliant");
    }
  }

  @Test
  void anOwnerInStatusIsTakenBackAfterARestartWithoutAnotherLookup() {
    String ns = api.newNamespace("owner-restart");
    try (RunningOperator first = RunningOperator.start(api, watching(ns))) {
      SendingIps.create(api.client(), ns, "mx14", "185.199.0.14", "mail14.example.com", null);
      await().atMost(Duration.ofSeconds(60)).until(() -> owner(ns, "mx14") != null);
    }
    int requestsBefore = rdap.totalRequests();
    try (RunningOperator restarted = RunningOperator.start(api, watching(ns))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> restarted.ownerDiscovery().answersReusedFromStatus() >= 1);
      // another IP of the same registered range is answered from the range the status named
      SendingIps.create(api.client(), ns, "mx15", "185.199.0.15", "mail15.example.com", null);
      await().atMost(Duration.ofSeconds(60)).until(() -> owner(ns, "mx15") != null);
      assertThat(owner(ns, "mx15").getName()).isEqualTo("Hetzner Online GmbH");
      assertThat(rdap.totalRequests()).isEqualTo(requestsBefore);
    }
  }

  private static SendingIpStatus status(String ns, String name) {
    SendingIp sip = SendingIps.get(api.client(), ns, name);
    return sip == null ? null : sip.getStatus();
  }

  private static OwnerStatus owner(String ns, String name) {
    SendingIpStatus status = status(ns, name);
    return status == null ? null : status.getOwner();
  }

  private static Condition ready(String ns, String name) {
    return status(ns, name).condition("Ready").orElseThrow();
  }
}
