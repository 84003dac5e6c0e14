package dev.mailops.ptr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.testing.KubeApi;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What a real kube-apiserver negotiates with the operator's HTTP client (KubeHttpClientFactory). */
class KubeHttpClientFactoryIT {

  private final KubeApi api = KubeApi.shared();
  private final Config config = Config.fromKubeconfig(api.kubeconfigYaml());

  @Test
  void theApiServerTakesChaCha20WhenTheClientOffersItFirst() throws Exception {
    assertThat(negotiatedCipherSuite(new KubeHttpClientFactory(config, true)))
        .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
  }

  @Test
  void withTheJdkOrderTheApiServerTakesAesGcm() throws Exception {
    assertThat(negotiatedCipherSuite(new KubeHttpClientFactory(config, false))).startsWith("TLS_AES_");
  }

  @Test
  void theKubernetesClientWorksWithChaCha20First() {
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(new KubeHttpClientFactory(config, true)).build()) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();
    }
  }

  /** The suite of one TLS session to the API server, with the TLS setup fabric8 and the factory give its client. */
  private String negotiatedCipherSuite(KubeHttpClientFactory factory) throws Exception {
    HttpClient.Builder builder = HttpClient.newBuilder().sslContext(SSLUtils.sslContext(config));
    factory.additionalConfig(builder);
    HttpResponse<String> response = builder.build().send(
        HttpRequest.newBuilder(URI.create(config.getMasterUrl()).resolve("/version")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.sslSession().orElseThrow().getCipherSuite();
  }
}
