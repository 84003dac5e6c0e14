package dev.mailops.ptr.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

  @TempDir
  Path dir;
  Path kubeconfig;
  String previous;

  @BeforeEach
  void pointFabric8AtATemporaryKubeconfig() {
    kubeconfig = dir.resolve("config");
    previous = System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
  }

  @AfterEach
  void restore() {
    if (previous == null) {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    } else {
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previous);
    }
  }

  @Test
  void aClientCertificateKubeconfigIsReadOnceNotBeforeEveryRequest() throws IOException {
    write("https://one.example:6443", "client-certificate-data: " + base64("cert") + "\n    client-key-data: "
        + base64("key"));
    Config config = ClusterConfig.discover();
    Files.writeString(kubeconfig, "{{{ not a kubeconfig any more");

    // what fabric8 runs before each request once its refresh minute is over (EPOCH: at once)
    var beforeEachRequest = new TokenRefreshInterceptor(config, null, Instant.EPOCH);
    var request = new StandardHttpRequest.Builder().uri("https://one.example:6443/api");
    assertDoesNotThrow(() -> beforeEachRequest.before(request, null, null), "the kubeconfig was parsed again");
    assertEquals("https://one.example:6443/", config.getMasterUrl());
  }

  @Test
  void anExecCredentialTokenIsStillRenewedByFabric8() throws IOException {
    Path plugin = dir.resolve("token-plugin");
    Files.writeString(plugin, """
        #!/bin/sh
        echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'"$(cat %s)"'"}}'
        """.formatted(dir.resolve("token")));
    plugin.toFile().setExecutable(true);
    Files.writeString(dir.resolve("token"), "first");
    write("https://one.example:6443", """
        exec:
          apiVersion: client.authentication.k8s.io/v1
          command: %s
          interactiveMode: Never""".formatted(plugin).replace("\n", "\n    "));
    Config config = ClusterConfig.discover();
    assertEquals("first", config.getAutoOAuthToken());
    Files.writeString(dir.resolve("token"), "second");

    var request = new StandardHttpRequest.Builder().uri("https://one.example:6443/api");
    new TokenRefreshInterceptor(config, null, Instant.EPOCH).before(request, null, null);
    assertEquals("Bearer second", request.build().header("Authorization"));
  }

  private void write(String server, String user) throws IOException {
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: u
          user:
            %s
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """.formatted(server, user));
  }

  private static String base64(String text) {
    return java.util.Base64.getEncoder().encodeToString(text.getBytes());
  }
}
