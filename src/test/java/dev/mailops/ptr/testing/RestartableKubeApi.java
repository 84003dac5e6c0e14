package dev.mailops.ptr.testing;

import io.fabric8.kubeapitest.KubeAPIServerConfig;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.binary.BinaryManager;
import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubeapitest.kubeconfig.KubeConfig;
import io.fabric8.kubeapitest.process.EtcdProcess;
import io.fabric8.kubeapitest.process.ProcessReadinessChecker;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * etcd and kube-apiserver where the API server alone can be killed and started again on the same port with the same
 * etcd data. kube-api-test cannot do this: when its API server process dies it stops etcd and deletes its data, and a
 * new start picks a new port. This fixture reuses kube-api-test's binaries, certificates, etcd process and kubeconfig,
 * and runs kube-apiserver itself with the flags kube-api-test uses (read from its 7.5.2 classes).
 */
public final class RestartableKubeApi implements AutoCloseable {
  private final KubeAPIServerConfig config;
  private final BinaryManager binaries;
  private final CertManager certs;
  private final EtcdProcess etcd;
  private final int etcdPort;
  private final int port;
  private final Path log;
  private Process apiServer;
  private final String kubeconfigYaml;
  private final KubernetesClient client;

  private RestartableKubeApi() throws IOException {
    config = KubeAPIServerConfigBuilder.anAPIServerConfig().withOfflineMode(true)
        .withApiServerVersion(KubeApi.VERSION).withStartupTimeout(120_000).build();
    binaries = new BinaryManager(config);
    binaries.initAndDownloadIfRequired();
    certs = new CertManager(config.getKubeAPITestDir());
    certs.createCertificatesIfNeeded();
    etcd = new EtcdProcess(binaries, process -> { }, true, config.getStartupTimeout());
    etcdPort = etcd.startEtcd();
    port = FreePorts.next();
    log = Files.createTempFile("kube-apiserver-", ".log");
    startApiServer();
    kubeconfigYaml = new KubeConfig(certs, binaries).generateKubeConfigYaml(port);
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigYaml)).build();
    KubeApi.installCrds(client);
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "restartable-kube-api-stop"));
  }

  public static RestartableKubeApi start() {
    try {
      return new RestartableKubeApi();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts kube-apiserver on this fixture's port and waits until it serves the default namespace. */
  public synchronized void startApiServer() {
    List<String> command = new ArrayList<>(List.of(binaries.binaries().getApiServer().getAbsolutePath(),
        "--cert-dir", config.getKubeAPITestDir(),
        "--secure-port", String.valueOf(port),
        "--etcd-servers", "http://127.0.0.1:" + etcdPort,
        "--authorization-mode", "RBAC",
        "--service-account-issuer", "https://localhost",
        "--service-account-signing-key-file", certs.getAPIServerKeyPath(),
        "--service-account-key-file", certs.getAPIServerKeyPath(),
        "--tls-cert-file", certs.getAPIServerCertPath(),
        "--tls-private-key-file", certs.getAPIServerKeyPath(),
        "--disable-admission-plugins", "ServiceAccount",
        "--client-ca-file", certs.getClientCertPath(),
        "--service-cluster-ip-range", "10.0.0.0/24",
        "--allow-privileged"));
    try {
      apiServer = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ProcessReadinessChecker checker = new ProcessReadinessChecker();
    checker.waitUntilReady(port, "readyz", "Kube API Server", true, config.getStartupTimeout());
    checker.waitUntilDefaultNamespaceAvailable(port, binaries, certs, config, config.getStartupTimeout());
  }

  /** Kills kube-apiserver (SIGKILL) and waits for it; etcd and its data stay. */
  public synchronized void killApiServer() {
    if (apiServer != null && apiServer.isAlive()) {
      apiServer.destroyForcibly();
      try {
        apiServer.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  public KubernetesClient client() {
    return client;
  }

  public Path log() {
    return log;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
    }
    killApiServer();
    etcd.stopEtcd();
    etcd.cleanEtcdData();
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }
}
