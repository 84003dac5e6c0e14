package dev.mailops.ptr.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.gate.ProviderGate;
import dev.mailops.ptr.operator.PtrOperator;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RestartableKubeApi;
import dev.mailops.ptr.testing.RunningOperator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kube-apiserver killed while the operator runs, and started again on the same port with the same etcd: the operator
 * keeps running, reports not-ready on /readyz during the outage and ready after, picks up SendingIps created after
 * the restart and DNS changes made during the outage.
 */
class ApiServerFaultsIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static RestartableKubeApi kube;
  private static PowerDnsServer dns;
  private static KubernetesClient operatorClient;
  private static PtrOperator operator;
  private static SendingIps sips;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void start() throws IOException {
    kube = closed.add(RestartableKubeApi.start());
    dns = closed.add(PowerDnsServer.start());
    dns.createZone("example.com");
    dns.ptr("192.0.2.10", "mail10.example.com");
    dns.a("mail10.example.com", "192.0.2.10");
    dns.ptr("192.0.2.11", "mail11.example.com"); // its A record appears only during the outage
    dns.ptr("192.0.2.12", "mail12.example.com");
    dns.a("mail12.example.com", "192.0.2.12");
    String ns = "api-faults";
    kube.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    sips = new SendingIps(kube.client(), ns);
    OperatorSettings settings = RunningOperator.testSettings(dns.dnsAddress(), Set.of(ns));
    Config config = Config.fromKubeconfig(kube.kubeconfigYaml());
    // fabric8 retries a refused request 10 times, backing off to about 100 s in all: with one retry a reconcile
    // fails within seconds, so the operator's own retry policy is what the long outage below tests
    config.setRequestRetryBackoffLimit(1);
    operatorClient = closed.add(new KubernetesClientBuilder().withConfig(config).build());
    operator = closed.add(new PtrOperator(operatorClient, settings, ProviderGate.NONE, Map.of()));
    operator.start();
  }

  @Test
  void operatorSurvivesAnApiServerOutageReportsNotReadyAndCatchesUpAfterTheRestart() {
    sips.create("before", "192.0.2.10", "mail10.example.com");
    sips.create("changed-during-outage", "192.0.2.11", "mail11.example.com");
    await("before is compliant", () -> "True/Compliant".equals(sips.ready("before")));
    await("changed-during-outage has no forward record",
        () -> "False/NoForwardRecord".equals(sips.ready("changed-during-outage")));
    await("/readyz is 200", () -> probe("/readyz") == 200);

    kube.killApiServer();
    try {
      await("/readyz is 503 while the API server is down", () -> probe("/readyz") == 503);
      dns.a("mail11.example.com", "192.0.2.11");
      // The outage lasts longer than one re-check interval (5s in tests): reconciles keep failing to write status.
      long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      while (System.nanoTime() < until) {
        assertThat(probe("/healthz")).as("liveness during the outage").isEqualTo(200);
        assertThat(probe("/readyz")).as("readiness during the outage").isEqualTo(503);
        sleep(500);
      }
    } finally {
      kube.startApiServer();
    }

    await("/readyz is 200 again after the restart", () -> probe("/readyz") == 200);
    sips.create("after", "192.0.2.12", "mail12.example.com");
    await("a SendingIp created after the restart is reconciled", () -> "True/Compliant".equals(sips.ready("after")));
    await("the DNS change made during the outage is picked up",
        () -> "True/Compliant".equals(sips.ready("changed-during-outage")));
    assertThat(sips.ready("before")).isEqualTo("True/Compliant");
    assertThat(probe("/healthz")).isEqualTo(200);
  }

  /**
   * A control-plane upgrade takes minutes. JOSDK used to give up after five failed reconciles (about 20 s with this
   * client) and then wait maxReconciliationInterval (10 h): a DNS fix made during the outage went unseen. Now
   * reconciles are retried without end, and the ones that failed are run again as soon as the API server is back.
   */
  @Test
  void aSendingIpIsCheckedAgainWithinItsIntervalAfterAnOutageOfMinutes() {
    dns.ptr("192.0.2.20", "mail20.example.com"); // its A record appears only during the outage
    sips.create("fixed-during-long-outage", "192.0.2.20", "mail20.example.com");
    await("fixed-during-long-outage has no forward record",
        () -> "False/NoForwardRecord".equals(sips.ready("fixed-during-long-outage")));
    await("/readyz is 200", () -> probe("/readyz") == 200);

    kube.killApiServer();
    try {
      dns.a("mail20.example.com", "192.0.2.20");
      // longer than the default retry budget of JOSDK (5 attempts, about 20 s with this client's retries)
      sleep(Duration.ofSeconds(75).toMillis());
      assertThat(probe("/healthz")).as("liveness during the outage").isEqualTo(200);
    } finally {
      kube.startApiServer();
    }
    await("/readyz is 200 again after the restart", () -> probe("/readyz") == 200);
    // the re-check interval is 5s here; 30s allows for the informers' reconnection and the verification itself
    awaitWithin(Duration.ofSeconds(30), "the DNS fix made during the outage is seen",
        () -> "True/Compliant".equals(sips.ready("fixed-during-long-outage")));
  }

  private static int probe(String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.healthPort() + path))
          .timeout(Duration.ofSeconds(3)).GET().build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void await(String what, Supplier<Boolean> condition) {
    awaitWithin(Duration.ofSeconds(90), what, condition);
  }

  private static void awaitWithin(Duration limit, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (RuntimeException e) {
        // the API server may still be coming up
      }
      sleep(250);
    }
    fail("not reached within " + limit.toSeconds() + "s: " + what);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
