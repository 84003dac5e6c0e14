package dev.mailops.ptr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.testing.FreePorts;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar's `run` command as a Deployment runs it: leader election on, stopped with SIGTERM. */
class RunCommandIT {

  @Test
  void operatorJarReconcilesAndStopsPromptlyOnSigtermReleasingItsLease() throws Exception {
    KubeApi api = KubeApi.shared();
    String ns = api.newNamespace("run-jar");
    int healthPort = FreePorts.next();
    try (PowerDnsServer dns = PowerDnsServer.start()) {
      dns.createZone("example.com");
      dns.ptr("192.0.2.10", "mail.example.com");
      dns.a("mail.example.com", "192.0.2.10");
      ProcessBuilder launch = new ProcessBuilder("java", "-jar", Path.of("target", "ptr-operator.jar").toString(), "run",
          "--dns-server", "127.0.0.1:" + dns.dnsAddress().getPort(), "--namespace", ns, "--health-port",
          String.valueOf(healthPort), "--leader-election", "--lease-namespace", ns, "--identity", "jar-under-test")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      launch.environment().put("KUBECONFIG", api.kubeconfig().toString());
      Process operator = launch.start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> httpStatus(healthPort, "/readyz") == 200);
        SendingIps.create(api.client(), ns, "mx1", "192.0.2.10", "mail.example.com", null);
        await().atMost(Duration.ofSeconds(60))
            .until(() -> SendingIps.readyStatus(api.client(), ns, "mx1").equals(Optional.of("True")));
        assertThat(holder(api, ns)).isEqualTo("jar-under-test");

        operator.destroy(); // SIGTERM, as the kubelet sends it
        // Kubernetes kills a pod that ignores SIGTERM after its grace period (30s by default)
        assertThat(operator.waitFor(25, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        assertThat(holder(api, ns)).as("lease released for the standby").isNullOrEmpty();
      } finally {
        operator.destroyForcibly();
      }
    }
  }

  private static String holder(KubeApi api, String ns) {
    Lease lease = api.client().leases().inNamespace(ns).withName("ptr-operator-leader").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static int httpStatus(int port, String path) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
