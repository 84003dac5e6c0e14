package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.SendingIp;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `make demo`: a local kube-apiserver and PowerDNS with realistic zones, the operator jar running against them,
 * the sample SendingIps applied, and the resulting table printed. With --keep it stays up for manual kubectl use.
 */
public final class Demo {
  private static final Path WORK = Path.of(".demo");
  private static final String NAMESPACE = "mail";

  public static void main(String[] args) throws Exception {
    boolean keep = List.of(args).contains("--keep");
    Files.createDirectories(WORK);
    step("starting PowerDNS on 127.0.0.1");
    PowerDnsServer dns = PowerDnsServer.start();
    step("starting kube-apiserver and etcd (Kubernetes " + KubeApi.VERSION + ")");
    KubeApi api = KubeApi.start();
    Process operator = null;
    Thread cleanup = null;
    try {
      loadZones(dns);
      Path kubeconfig = WORK.resolve("kubeconfig").toAbsolutePath();
      Files.writeString(kubeconfig, api.kubeconfigYaml());
      int healthPort = freePort();
      step("starting the operator: java -jar target/ptr-operator.jar run --dns-server " + server(dns));
      ProcessBuilder launch = new ProcessBuilder("java", "-jar", "target/ptr-operator.jar", "run",
          "--dns-server", server(dns), "--recheck-interval", "1m", "--health-port", String.valueOf(healthPort))
          .redirectErrorStream(true).redirectOutput(WORK.resolve("operator.log").toFile());
      launch.environment().put("KUBECONFIG", kubeconfig.toString());
      operator = launch.start();
      Process running = operator;
      cleanup = new Thread(() -> shutdown(running, api, dns), "demo-shutdown");
      Runtime.getRuntime().addShutdownHook(cleanup);

      step("applying deploy/examples/demo-sendingips.yaml");
      System.out.print(api.kubectl("apply", "-f", "deploy/examples/demo-sendingips.yaml"));
      step("waiting until every SendingIp has been checked");
      awaitReconciled(api, Duration.ofSeconds(90));

      step("kubectl get sendingips -n mail -o wide");
      System.out.print(api.kubectl("get", "sendingips", "-n", NAMESPACE, "-o", "wide"));
      step("kubectl describe sendingip mx4-mismatch -n mail");
      System.out.print(api.kubectl("describe", "sendingip", "mx4-mismatch", "-n", NAMESPACE));
      if (keep) {
        step("environment kept up: export KUBECONFIG=" + kubeconfig + " (the operator logs to "
            + WORK.resolve("operator.log") + "); Ctrl-C stops everything");
        Thread.currentThread().join();
      }
    } finally {
      if (cleanup != null) {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      }
      shutdown(operator, api, dns);
    }
  }

  private static void loadZones(PowerDnsServer dns) {
    dns.createZone("example.com");
    dns.createZone("isp.example");
    dns.ptr("192.0.2.10", "mx1.mail.example.com");
    dns.a("mx1.mail.example.com", "192.0.2.10");
    dns.ptr("192.0.2.11", "mx2.mail.example.com");
    dns.a("mx2.mail.example.com", "192.0.2.11");
    dns.ptr("2001:db8::25", "mx6.mail.example.com");
    dns.aaaa("mx6.mail.example.com", "2001:db8::25");
    dns.a("mx3.mail.example.com", "192.0.2.12");
    dns.ptr("192.0.2.13", "old-server.example.com");
    dns.a("old-server.example.com", "192.0.2.13");
    dns.a("mx4.mail.example.com", "192.0.2.13");
    dns.ptr("198.51.100.7", "7-100-51-198.dynamic.isp.example");
    dns.a("7-100-51-198.dynamic.isp.example", "198.51.100.7");
  }

  private static void awaitReconciled(KubeApi api, Duration limit) throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      List<SendingIp> items = api.client().resources(SendingIp.class).inNamespace(NAMESPACE).list().getItems();
      if (!items.isEmpty() && items.stream().allMatch(s -> s.getStatus() != null
          && s.getStatus().condition("Ready").isPresent())) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("SendingIps not reconciled within " + limit + "; see .demo/operator.log");
  }

  private static synchronized void shutdown(Process operator, KubeApi api, PowerDnsServer dns) {
    if (operator != null && operator.isAlive()) {
      operator.destroy();
      try {
        if (!operator.waitFor(15, TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      api.close();
    } catch (RuntimeException ignored) {
      // already stopped
    }
    dns.close();
  }

  private static String server(PowerDnsServer dns) {
    return dns.dnsAddress().getAddress().getHostAddress() + ":" + dns.dnsAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void step(String what) {
    System.out.println("==> " + what);
  }
}
