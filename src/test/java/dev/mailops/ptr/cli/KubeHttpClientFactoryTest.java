package dev.mailops.ptr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.http.TlsVersion;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class KubeHttpClientFactoryTest {

  @Test
  void chachaSuitesComeFirstAndTheOthersKeepTheirOrder() {
    String[] jdkOrder = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
    assertThat(KubeHttpClientFactory.chachaFirst(jdkOrder)).containsExactly("TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  void theParametersKeepEveryDefaultSuiteAndTheConfiguredTlsVersions() throws Exception {
    Config config = new ConfigBuilder().withTlsVersions(TlsVersion.TLS_1_3).build();
    SSLParameters parameters = KubeHttpClientFactory.sslParameters(config);
    String[] defaults = javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    assertThat(parameters.getCipherSuites()).containsExactlyInAnyOrder(defaults);
    assertThat(parameters.getCipherSuites()[0]).contains("CHACHA20");
    assertThat(parameters.getProtocols()).containsExactly("TLSv1.3");
  }
}
