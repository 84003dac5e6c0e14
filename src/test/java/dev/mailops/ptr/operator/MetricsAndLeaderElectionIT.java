package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an operations team sees: Prometheus metrics, health endpoints, and a standby replica taking over. */
class MetricsAndLeaderElectionIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static KubeApi api;
  private static PowerDnsServer dns;

  @BeforeAll
  static void start() {
    api = KubeApi.shared();
    dns = closed.add(PowerDnsServer.start());
    dns.createZone("example.com");
    for (int i = 1; i <= 9; i++) {
      dns.ptr("192.0.2." + (100 + i), "mx" + i + ".example.com");
      dns.a("mx" + i + ".example.com", "192.0.2." + (100 + i));
    }
  }

  @Test
  void metricsCountSendingIpsByReadinessDnsQueriesAndReconciliations() throws Exception {
    String ns = api.newNamespace("metrics");
    try (RunningOperator operator = RunningOperator.start(api, dns.dnsAddress(), ns)) {
      create(ns, "good-1", "192.0.2.101", "mx1.example.com");
      create(ns, "good-2", "192.0.2.102", "mx2.example.com");
      create(ns, "no-ptr", "192.0.2.199", "mx99.example.com");
      await().atMost(Duration.ofSeconds(30)).until(() -> allHaveStatus(ns, 3));

      String metrics = get(operator.healthPort(), "/metrics");
      assertThat(value(metrics, "ptr_sendingips\\{namespace=\"" + ns + "\",ready=\"True\"}")).isEqualTo(2);
      assertThat(value(metrics, "ptr_sendingips\\{namespace=\"" + ns + "\",ready=\"False\"}")).isEqualTo(1);
      assertThat(value(metrics, "ptr_sendingip_conditions\\{namespace=\"" + ns
          + "\",status=\"True\",type=\"Stalled\"}")).isEqualTo(1);
      assertThat(value(metrics, "ptr_sendingip_conditions\\{namespace=\"" + ns
          + "\",status=\"False\",type=\"Stalled\"}")).isEqualTo(2);
      assertThat(value(metrics, "ptr_dns_queries_total\\{outcome=\"noerror\",type=\"PTR\"}")).isGreaterThanOrEqualTo(2);
      assertThat(value(metrics, "ptr_dns_queries_total\\{outcome=\"nxdomain\",type=\"PTR\"}")).isGreaterThanOrEqualTo(1);
      assertThat(metrics).contains("ptr_dns_query_duration_seconds_bucket{type=\"PTR\"");
      assertThat(metrics).containsPattern("operator_sdk_\\w+");

      assertThat(get(operator.healthPort(), "/healthz")).contains("alive");
      assertThat(get(operator.healthPort(), "/readyz")).contains("ready");
    }
  }

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOverWhenItStops() throws Exception {
    String ns = api.newNamespace("leader");
    Duration lease = Duration.ofSeconds(4);
    RunningOperator first = RunningOperator.start(api, RunningOperator.testSettings(dns.dnsAddress(), Set.of(ns))
        .withLeaderElection(ns, "replica-a", lease, false));
    await().atMost(Duration.ofSeconds(30)).until(() -> "replica-a".equals(holder(ns)));
    try (RunningOperator second = RunningOperator.start(api,
        RunningOperator.testSettings(dns.dnsAddress(), Set.of(ns)).withLeaderElection(ns, "replica-b", lease, false))) {
      create(ns, "while-a-leads", "192.0.2.103", "mx3.example.com");
      await().atMost(Duration.ofSeconds(30)).until(() -> allHaveStatus(ns, 1));
      assertThat(reconciliations(first)).isPositive();
      assertThat(reconciliations(second)).isZero();
      assertThat(holder(ns)).isEqualTo("replica-a");

      first.close();
      await().atMost(lease.multipliedBy(6)).until(() -> "replica-b".equals(holder(ns)));
      create(ns, "after-takeover", "192.0.2.104", "mx4.example.com");
      await().atMost(Duration.ofSeconds(30)).until(() -> allHaveStatus(ns, 2));
      assertThat(reconciliations(second)).isPositive();
    } finally {
      first.close();
    }
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static String holder(String ns) {
    Lease lease = api.client().leases().inNamespace(ns).withName("ptr-operator-leader").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static long reconciliations(RunningOperator operator) throws Exception {
    String metrics = get(operator.healthPort(), "/metrics");
    Matcher m = Pattern.compile("(?m)^operator_sdk_reconciliations_started_total\\{[^}]*} ([0-9.E]+)$").matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return (long) sum;
  }

  private static boolean allHaveStatus(String ns, int expected) {
    var items = api.client().resources(SendingIp.class).inNamespace(ns).list().getItems();
    return items.size() == expected && items.stream().allMatch(s -> s.getStatus() != null
        && s.getStatus().condition("Ready").isPresent());
  }

  private static void create(String ns, String name, String ip, String hostname) {
    SendingIps.create(api.client(), ns, name, ip, hostname, null);
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double value(String metrics, String seriesRegex) {
    Matcher m = Pattern.compile("(?m)^" + seriesRegex + " ([0-9.E+-]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
