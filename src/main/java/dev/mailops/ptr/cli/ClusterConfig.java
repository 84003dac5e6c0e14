package dev.mailops.ptr.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** How `run` finds its cluster: fabric8's own discovery (in-cluster service account, KUBECONFIG, ~/.kube/config). */
final class ClusterConfig {

  private ClusterConfig() {
  }

  /** A client of the discovered cluster, its TLS suited to this JVM ({@link KubeHttpClientFactory}). */
  static KubernetesClient connect() {
    Config config = discover();
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(KubeHttpClientFactory.forThisJvm(config)).build();
  }

  static Config discover() {
    Config config = Config.autoConfigure(null);
    if (renewsNoToken(config)) {
      // fabric8 re-reads the kubeconfig before a request once a minute has passed, and only a token it reads back
      // resets that minute: with client-certificate or basic auth it re-parsed the whole file before every
      // request, a quarter of the operator's CPU at N = 10,000 (docs/benchmarks.md). Its refresh asks a token
      // provider first, if there is one: this one says there is no token, so nothing is re-read. The
      // credentials it has stay in force; a new certificate in the file takes effect at the next start.
      config.setOauthTokenProvider(() -> null);
    }
    return config; // a service-account, exec or OIDC token is renewed as fabric8 does it
  }

  static boolean renewsNoToken(Config config) {
    return isEmpty(config.getOauthToken()) && isEmpty(config.getAutoOAuthToken())
        && config.getOauthTokenProvider() == null && config.getAuthProvider() == null;
  }

  private static boolean isEmpty(String value) {
    return value == null || value.isEmpty();
  }
}
