package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.CrdFiles;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver and etcd (fabric8 kube-api-test, offline, binaries from scripts/k8s-test-binaries.sh) with
 * the CRDs from crds/ installed. {@link #shared()} is one server for the whole test JVM; tests isolate themselves
 * with {@link #newNamespace}. {@link #start()} gives a private one for tests that stop or break it.
 */
public final class KubeApi implements AutoCloseable {
  public static final String VERSION = System.getenv().getOrDefault("KUBE_API_TEST_API_SERVER_VERSION", "1.34.4");
  private static KubeApi shared;

  private final KubeAPIServer server;
  private final Path kubeconfig;
  private final KubernetesClient client;

  private KubeApi(List<String> extraFlags) throws IOException {
    server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        // offline when scripts/k8s-test-binaries.sh built them; otherwise (no Go, but internet) kube-api-test
        // downloads them as it normally does
        .withOfflineMode(java.nio.file.Files.isExecutable(binaryDirectory().resolve("kube-apiserver")))
        .withApiServerVersion(VERSION)
        .withStartupTimeout(120_000)
        .withApiServerFlags(extraFlags)
        .build());
    server.start();
    kubeconfig = Files.createTempFile("kubeconfig-", ".yaml");
    Files.writeString(kubeconfig, server.getKubeConfigYaml());
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    installCrds(client);
    System.out.println("[KubeApi] kube-apiserver " + VERSION + " ready at " + client.getMasterUrl()
        + " (kubeconfig " + kubeconfig + ")");
  }

  /** One API server shared by every test class in this JVM, stopped when the JVM exits. */
  public static synchronized KubeApi shared() {
    if (shared == null) {
      try {
        shared = new KubeApi(List.of());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kube-api-stop"));
    }
    return shared;
  }

  /** A private API server, for tests that stop it or need special flags. */
  public static KubeApi start(String... extraFlags) {
    try {
      return new KubeApi(List.of(extraFlags));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public String kubeconfigYaml() {
    return server.getKubeConfigYaml();
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** A fresh namespace with a readable random suffix, so tests sharing the server never see each other. */
  public String newNamespace(String prefix) {
    return newNamespace(prefix, Map.of());
  }

  public String newNamespace(String prefix, Map<String, String> labels) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
        .endMetadata().build()).create();
    return name;
  }

  /** Runs the real kubectl against this server; returns stdout, fails with stderr on a non-zero exit. */
  public String kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectlBinary().toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new KubectlException(process.exitValue(), new String(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** kubectl failed; {@link #getMessage()} is its stderr. */
  public static final class KubectlException extends RuntimeException {
    public final int exitCode;

    KubectlException(int exitCode, String stderr) {
      super(stderr);
      this.exitCode = exitCode;
    }
  }

  public static Path binaryDirectory() {
    String base = System.getenv().getOrDefault("KUBE_API_TEST_DIR", System.getProperty("user.home") + "/.kubeapitest");
    return Path.of(base, "k8s", VERSION + "-linux-amd64");
  }

  public static Path kubectlBinary() {
    return binaryDirectory().resolve("kubectl");
  }

  /** Applies the CRDs from crds/ and waits until the API server serves them (Established). */
  static void installCrds(KubernetesClient client) throws IOException {
    for (String name : CrdFiles.NAMES) {
      CustomResourceDefinition crd = client.getKubernetesSerialization()
          .unmarshal(Files.readString(CrdFiles.committed(name)), CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(name)
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
                  .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      server.stop();
      try {
        Files.deleteIfExists(kubeconfig);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
