package dev.mailops.ptr.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailops.ptr.testing.FreePorts;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.OperatorContainer;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image `make image` builds, run with podman the way deploy/deployment.yaml runs it (OperatorContainer), against
 * the test kube-apiserver and PowerDNS on 127.0.0.1. Skipped only where no container engine can run.
 */
class ImageIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static String image;

  @BeforeAll
  static void buildImage() {
    Optional<String> problem = OperatorContainer.engineProblem();
    assumeTrue(problem.isEmpty(), () -> "ImageIT skipped, no container engine can run here: " + problem.orElse(""));
    image = OperatorContainer.build();
  }

  @Test
  void imageReconcilesAnswersProbesAndStopsCleanlyOnSigtermAsTheDeploymentRunsIt() throws Exception {
    KubeApi api = KubeApi.shared();
    assertThat(api.kubeconfigYaml()).as("the container reaches the API server over the host's loopback")
        .contains("server: https://127.0.0.1:");
    String ns = api.newNamespace("image");
    int healthPort = FreePorts.next();
    try (PowerDnsServer dns = PowerDnsServer.start()) {
      dns.createZone("example.com");
      dns.ptr("192.0.2.10", "mail.example.com");
      dns.a("mail.example.com", "192.0.2.10");
      try (OperatorContainer operator = OperatorContainer.start(image, api.kubeconfigYaml(), ns, Map.of(
          "PTR_HEALTH_PORT", String.valueOf(healthPort),
          "PTR_DNS_SERVERS", "127.0.0.1:" + dns.dnsAddress().getPort(),
          "PTR_NAMESPACES", ns))) {
        try {
          await().atMost(Duration.ofMinutes(2)).failFast("the container exited", () -> !operator.running())
              .until(() -> status(healthPort, "/readyz") == 200);
          SendingIps.create(api.client(), ns, "mx1", "192.0.2.10", "mail.example.com", null);
          await().atMost(Duration.ofSeconds(60))
              .until(() -> SendingIps.readyStatus(api.client(), ns, "mx1").equals(Optional.of("True")));
          assertThat(status(healthPort, "/healthz")).isEqualTo(200);
          assertThat(body(healthPort, "/metrics")).contains("ptr_sendingips{").contains("ptr_dns_queries_total{");
          assertThat(holder(api, ns)).as("leader election on, as deployed").isEqualTo(operator.name());

          Duration grace = Duration.ofSeconds(Optional.ofNullable(OperatorContainer.deployment().getSpec()
              .getTemplate().getSpec().getTerminationGracePeriodSeconds()).orElse(30L)); // Kubernetes' default
          int exitCode = operator.stop(grace);
          // 143 = ended by the SIGTERM after the shutdown hook ran; 137 would mean podman had to SIGKILL it
          assertThat(exitCode).as("exit code after SIGTERM (grace %s)", grace).isIn(0, 143);
          assertThat(operator.logs()).contains("ptr-operator started").contains("released the leader Lease");
          assertThat(holder(api, ns)).as("lease handed over for the standby").isNullOrEmpty();
        } finally {
          System.out.println("[ImageIT] logs of " + operator.name() + ":\n" + operator.logs());
        }
      }
    }
  }

  @Test
  void imageRunsAsTheDeploymentsUserWithoutShellAndCarriesOciLabels() {
    Map<String, String> labels = labels();
    assertThat(labels).containsEntry("org.opencontainers.image.source", "https://github.com/mailops/ptr-operator")
        .containsKeys("org.opencontainers.image.version", "org.opencontainers.image.licenses",
            "org.opencontainers.image.revision");
    assertThat(labels.get("org.opencontainers.image.version")).isNotBlank();
    long runAsUser = OperatorContainer.deployment().getSpec().getTemplate().getSpec().getSecurityContext()
        .getRunAsUser();
    assertThat(OperatorContainer.run(Duration.ofMinutes(1), "scripts/podman.sh", "image", "inspect", "--format",
        "{{.Config.User}}", image).output().strip()).isEqualTo(runAsUser + ":" + runAsUser);
    // nothing for an intruder to exec: no shell in the image
    OperatorContainer.Result shell = OperatorContainer.run(Duration.ofMinutes(1), "scripts/podman.sh", "run",
        "--rm", "--network=none", "--entrypoint", "/bin/sh", image, "-c", "true");
    assertThat(shell.exitCode()).as(shell.output()).isNotZero();
    assertThat(shell.output()).contains("/bin/sh");
  }

  private static Map<String, String> labels() {
    String json = OperatorContainer.run(Duration.ofMinutes(1), "scripts/podman.sh", "image", "inspect", "--format",
        "{{json .Labels}}", image).output();
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(json, Map.class);
  }

  private static String holder(KubeApi api, String ns) {
    Lease lease = api.client().leases().inNamespace(ns).withName("ptr-operator-leader").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static int status(int port, String path) {
    try {
      return HTTP.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception notYet) {
      return -1;
    }
  }

  private static String body(int port, String path) throws Exception {
    return HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
        .build();
  }
}
