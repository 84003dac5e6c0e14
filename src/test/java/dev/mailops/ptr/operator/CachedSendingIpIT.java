package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.bench.ApiMetrics;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's informer cache with two watched namespaces (one informer each) on a real kube-apiserver: what it
 * keeps of a SendingIp lacks managedFields and kubectl's last-applied-configuration in both namespaces
 * ({@link CachedSendingIp}), and what it writes never takes either away on the server.
 */
class CachedSendingIpIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final String NAME = "applied";
  private static KubeApi api;
  private static PowerDnsServer dns;
  private static RunningOperator operator;
  private static String first;
  private static String second;

  @BeforeAll
  static void start() {
    api = KubeApi.shared();
    dns = closed.add(PowerDnsServer.start());
    dns.createZone("example.com");
    first = api.newNamespace("cache-a");
    second = api.newNamespace("cache-b");
    operator = closed.add(RunningOperator.start(api, dns.dnsAddress(), first, second));
  }

  @Test
  void withTwoWatchedNamespacesEachIsCachedOnceTrimmedAndKubectlApplyStillWorksAfterTheOperatorsWrites()
      throws Exception {
    Path manifest = Files.createTempFile("cached-", ".yaml");
    try {
      Files.writeString(manifest, manifests("  recheckInterval: 30m\n"));
      api.kubectl("apply", "-f", manifest.toString());
      for (String ns : List.of(first, second)) {
        // reconciled: the finalizer patch and the status apply both landed
        await().atMost(Duration.ofSeconds(30)).until(() -> get(ns).getStatus() != null
            && get(ns).hasFinalizer(SendingIpReconciler.FINALIZER));
      }

      List<SendingIp> cached = operator.cachedSendingIps();
      assertThat(cached).extracting(sip -> sip.getMetadata().getNamespace() + "/" + sip.getMetadata().getName())
          .containsExactlyInAnyOrder(first + "/" + NAME, second + "/" + NAME);
      assertThat(cached).allSatisfy(sip -> {
        assertThat(sip.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(sip.getMetadata().getAnnotations()).doesNotContainKey(CachedSendingIp.LAST_APPLIED);
      });
      for (String ns : List.of(first, second)) {
        assertThat(get(ns).getMetadata().getManagedFields()).isNotEmpty();
        assertThat(get(ns).getMetadata().getAnnotations()).containsKey(CachedSendingIp.LAST_APPLIED);
      }

      // kubectl finds the field it set last time in the annotation, and removes it now the manifests lack it
      Files.writeString(manifest, manifests(""));
      api.kubectl("apply", "-f", manifest.toString());
      for (String ns : List.of(first, second)) {
        assertThat(get(ns).getSpec().getRecheckInterval()).isNull();
        assertThat(get(ns).getSpec().getHostname()).isEqualTo("mail44.example.com");
      }
    } finally {
      Files.deleteIfExists(manifest);
    }
  }

  @Test
  void theSendingIpsAreListedInPagesSoThatNoSingleResponseHoldsThemAll() {
    // The JDK's HTTP client keeps the first exchange of each connection reachable for as long as the connection
    // lives: when that exchange was the informer's one LIST, the operator held every SendingIp twice, once as the
    // response's bytes (docs/benchmarks.md). A page is all it can keep.
    String ns = api.newNamespace("paged");
    int count = PtrOperator.LIST_PAGE_SIZE + 1;
    IntStream.range(0, count).parallel().forEach(n -> SendingIps.create(api.client(), ns, "ip-" + n,
        "198.18." + n / 256 + "." + n % 256, "mail.example.com", null));
    Map<String, Long> before = ApiMetrics.scrape(api.client());
    try (RunningOperator paged = RunningOperator.start(api, dns.dnsAddress(), ns)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> paged.cachedSendingIps().size() == count);
      Map<String, Long> requests = ApiMetrics.delta(before, ApiMetrics.scrape(api.client()));
      assertThat(requests.getOrDefault("LIST sendingips", 0L)).as(ApiMetrics.describe(requests)).isEqualTo(2);
    }
  }

  private static SendingIp get(String ns) {
    return SendingIps.get(api.client(), ns, NAME);
  }

  /** One SendingIp in each namespace, as a user applies them (different IPs: one IP has one claimant). */
  private static String manifests(String extraSpec) {
    return manifest(first, "192.0.2.44", extraSpec) + "---\n" + manifest(second, "192.0.2.45", extraSpec);
  }

  private static String manifest(String ns, String ip, String extraSpec) {
    return "apiVersion: ptr.mailops.dev/v1alpha1\nkind: SendingIp\nmetadata:\n  name: " + NAME + "\n  namespace: "
        + ns + "\nspec:\n  ip: " + ip + "\n  hostname: mail44.example.com\n  providerRef: absent\n"
        + "  deletionPolicy: Reset\n" + extraSpec;
  }
}
