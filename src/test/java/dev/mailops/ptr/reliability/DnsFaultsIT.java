package dev.mailops.ptr.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.status.RecheckSchedule;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.DnsFaultRelay;
import dev.mailops.ptr.testing.DnsFaultRelay.Mode;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RunningOperator;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DNS faults between the real operator and a real PowerDNS, injected by {@link DnsFaultRelay} (drop, delay beyond the
 * client timeout, SERVFAIL, REFUSED, per name) and by freezing PowerDNS (SIGSTOP). The contract: a temporary failure
 * makes every DNS condition Unknown/DnsTemporaryFailure, never False, keeps the last known ptrNames and
 * forwardAddresses, retries with backoff, and the true verdict comes back with DNS.
 */
class DnsFaultsIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  /** Fewer reconcile threads than stuck SendingIps in the starvation test, on purpose. */
  private static final int THREADS = 4;
  private static final Duration RELAY_DELAY = Duration.ofSeconds(2);

  private static KubeApi api;
  private static PowerDnsServer dns;
  private static DnsFaultRelay relay;
  private static RunningOperator operator;
  private static OperatorSettings settings;
  private static SendingIps sips;

  @BeforeAll
  static void start() {
    api = KubeApi.shared();
    dns = closed.add(PowerDnsServer.start());
    dns.createZone("example.com");
    for (int i : new int[] {10, 11, 12, 13, 15, 60}) {
      dns.ptr(ip(i), host(i));
      dns.a(host(i), ip(i));
    }
    dns.ptr(ip(14), "other14.example.com");
    dns.a("other14.example.com", ip(14));
    dns.a(host(14), ip(14));
    relay = closed.add(DnsFaultRelay.start(dns.dnsAddress())).delay(RELAY_DELAY);
    String ns = api.newNamespace("dns-faults");
    operator = closed.add(RunningOperator.start(api, relay.address(), s -> settings = withThreads(s, THREADS), ns));
    sips = new SendingIps(api.client(), ns);
    assertThat(settings.dns().timeout()).isLessThan(RELAY_DELAY);
  }

  private record Case(String name, int octet, Mode fault, String verdict) {
    String ip() {
      return DnsFaultsIT.ip(octet);
    }
  }

  @Test
  void everyFaultIsUnknownNeverFalseKeepsTheLastResultAndTheTrueVerdictReturns() {
    List<Case> cases = List.of(
        new Case("drop", 10, Mode.DROP, "True/Compliant"),
        new Case("delay", 11, Mode.DELAY, "True/Compliant"),
        new Case("servfail", 12, Mode.SERVFAIL, "True/Compliant"),
        new Case("refused", 13, Mode.REFUSED, "True/Compliant"),
        new Case("mismatch", 14, Mode.DROP, "False/PtrMismatch"),
        new Case("healthy", 15, null, "True/Compliant"));
    for (Case c : cases) {
      sips.create(c.name(), c.ip(), host(c.octet()));
    }
    for (Case c : cases) {
      awaitReady(c.name(), c.verdict(), Duration.ofSeconds(60));
    }
    Map<String, SendingIpStatus> baseline = new HashMap<>();
    for (Case c : cases) {
      baseline.put(c.name(), sips.status(c.name()).orElseThrow());
      assertThat(baseline.get(c.name()).getPtrNames()).isNotEmpty();
      assertThat(baseline.get(c.name()).getForwardAddresses()).contains(c.ip());
    }

    // 1. Per-name relay faults: each kind on its own SendingIp; the healthy one must not notice.
    for (Case c : cases) {
      if (c.fault() != null) {
        relay.fault(c.fault(), reverse(c.octet()), host(c.octet()), "other14.example.com");
      }
    }
    List<Case> faulted = cases.stream().filter(c -> c.fault() != null).toList();
    watchThroughFault(faulted, cases, baseline);
    assertThat(sips.ready("healthy")).isEqualTo("True/Compliant");
    for (Case c : faulted) {
      SendingIpStatus s = sips.status(c.name()).orElseThrow();
      assertThat(s.getIprev()).as(c.name()).isEqualTo("temperror");
      for (String type : SendingIps.DNS_CONDITIONS) {
        Condition cond = s.condition(type).orElseThrow();
        assertThat(cond.getStatus()).as(c.name() + " " + type).isEqualTo("Unknown");
        assertThat(cond.getReason()).as(c.name() + " " + type).isEqualTo("DnsTemporaryFailure");
        assertThat(cond.getMessage()).as(c.name() + " " + type).contains("DNS could not answer");
      }
    }

    // 2. The server itself frozen (SIGSTOP) behind a healthy relay: now every SendingIp is affected.
    dns.pause();
    relay.heal();
    try {
      watchThroughFault(cases, cases, baseline);
    } finally {
      dns.resume();
    }

    // 3. DNS is back: every SendingIp returns to its true verdict and current observation.
    for (Case c : cases) {
      awaitReady(c.name(), c.verdict(), Duration.ofSeconds(40));
      SendingIpStatus s = sips.status(c.name()).orElseThrow();
      assertThat(s.getPtrNames()).isEqualTo(baseline.get(c.name()).getPtrNames());
      assertThat(s.getForwardAddresses()).isEqualTo(baseline.get(c.name()).getForwardAddresses());
      assertThat(s.getIprev()).isEqualTo(baseline.get(c.name()).getIprev());
    }
  }

  @Test
  void retriesDuringAnOutageFollowTheBackoffScheduleWithoutAHotLoop() throws Exception {
    // Recheck interval 1h, so the backoff is not capped by the interval: 10s, 20s, 40s, ...
    Duration interval = Duration.ofHours(1);
    Duration window = Duration.ofSeconds(25);
    List<Integer> octets = List.of(30, 31, 32, 33, 34);
    for (int i : octets) {
      relay.fault(Mode.DROP, reverse(i), host(i));
    }
    long start = System.nanoTime();
    for (int i : octets) {
      SendingIp sip = SendingIps.of("backoff-" + i, ip(i), host(i));
      sip.getSpec().setRecheckInterval("1h");
      sips.create(sip);
    }
    for (int i : octets) {
      awaitReady("backoff-" + i, "Unknown/DnsTemporaryFailure", window);
    }
    long left = window.toMillis() - (System.nanoTime() - start) / 1_000_000;
    if (left > 0) {
      Thread.sleep(left);
    }
    Map<Integer, Integer> ptrQueries = new HashMap<>();
    Map<Integer, Integer> forwardQueries = new HashMap<>();
    for (int i : octets) {
      ptrQueries.put(i, relay.queries(reverse(i)));
      forwardQueries.put(i, relay.queries(host(i)));
    }

    // Reconciles that can start inside the window: the first at creation, then one after each backoff delay.
    int reconciles = 1;
    Duration elapsed = Duration.ZERO;
    while (true) {
      elapsed = elapsed.plus(RecheckSchedule.backoff(reconciles, interval));
      if (elapsed.compareTo(window) > 0) {
        break;
      }
      reconciles++;
    }
    // Each reconcile asks once, plus `retries` more times on timeouts, for the PTR and for the hostname.
    int perReconcile = settings.dns().retries() + 1;
    System.out.printf("[DnsFaultsIT] %d reconciles fit a %s window; PTR queries per IP: %s, A queries: %s%n",
        reconciles, window, ptrQueries, forwardQueries);
    for (int i : octets) {
      assertThat(ptrQueries.get(i)).as("PTR queries for " + ip(i))
          .isLessThanOrEqualTo(reconciles * perReconcile)
          .isGreaterThanOrEqualTo(2 * perReconcile); // it does retry, once at least, within the window
      assertThat(forwardQueries.get(i)).as("A queries for " + host(i))
          .isLessThanOrEqualTo(reconciles * perReconcile);
      SendingIpStatus s = sips.status("backoff-" + i).orElseThrow();
      assertThat(s.condition("Ready").orElseThrow().getStatus()).isEqualTo("Unknown");
      assertThat(s.getConditions()).noneMatch(c -> SendingIps.DNS_CONDITIONS.contains(c.getType())
          && "False".equals(c.getStatus()));
    }
  }

  @Test
  void sendingIpsStuckOnTimeoutsDoNotStarveANewCompliantOne() {
    // Three times as many stuck SendingIps as reconcile threads, each lookup delayed beyond the client timeout.
    List<Integer> stuck = new ArrayList<>();
    for (int i = 40; i < 40 + 3 * THREADS; i++) {
      stuck.add(i);
      relay.fault(Mode.DELAY, reverse(i), host(i));
    }
    for (int i : stuck) {
      sips.create("stuck-" + i, ip(i), host(i));
    }
    sips.create("fresh", ip(60), host(60));

    awaitReady("fresh", "True/Compliant", Duration.ofSeconds(45));
    // The stuck ones were being worked on meanwhile, and all of them stay undecided rather than failing.
    for (int i : stuck) {
      awaitReady("stuck-" + i, "Unknown/DnsTemporaryFailure", Duration.ofSeconds(45));
      assertThat(relay.queries(reverse(i))).isGreaterThanOrEqualTo(settings.dns().retries() + 1);
    }
    for (int i : stuck) {
      assertThat(sips.status("stuck-" + i).orElseThrow().getConditions())
          .noneMatch(c -> "False".equals(c.getStatus()) && !"HostnameMeaningful".equals(c.getType())
              && !"Stalled".equals(c.getType()));
      // undecided is "will settle by itself": Reconciling, never Stalled (which would fail a Flux wait)
      assertThat(sips.condition("stuck-" + i, "Reconciling").orElseThrow().getStatus()).isEqualTo("True");
      assertThat(sips.condition("stuck-" + i, "Stalled").orElseThrow().getStatus()).isEqualTo("False");
    }
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  /**
   * Polls every case during a fault until every affected one has reported Unknown/DnsTemporaryFailure, and then for
   * a little more than one re-check interval. On every observation: a SendingIp that was True never shows a False
   * DNS condition; once Unknown, none goes False again; ptrNames and forwardAddresses stay the last known ones.
   */
  private static void watchThroughFault(List<Case> affected, List<Case> all, Map<String, SendingIpStatus> baseline) {
    Set<String> seenUnknown = new HashSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long holdUntil = Long.MAX_VALUE;
    Duration hold = settings.defaultRecheckInterval().plusSeconds(2);
    while (System.nanoTime() < holdUntil) {
      if (System.nanoTime() > deadline) {
        fail("not every affected SendingIp went Unknown/DnsTemporaryFailure; seen: " + seenUnknown);
      }
      for (Case c : all) {
        SendingIpStatus s = sips.status(c.name()).orElseThrow();
        SendingIpStatus before = baseline.get(c.name());
        boolean wasTrue = c.verdict().startsWith("True");
        for (Condition cond : s.getConditions()) {
          boolean dnsCondition = SendingIps.DNS_CONDITIONS.contains(cond.getType()) || "Ready".equals(cond.getType());
          if (dnsCondition && "False".equals(cond.getStatus()) && (wasTrue || seenUnknown.contains(c.name()))) {
            fail(c.name() + ": " + cond.getType() + " went False during a DNS fault: " + cond.getMessage());
          }
        }
        assertThat(s.getPtrNames()).as(c.name() + " ptrNames during the fault").isEqualTo(before.getPtrNames());
        assertThat(s.getForwardAddresses()).as(c.name() + " forwardAddresses during the fault")
            .isEqualTo(before.getForwardAddresses());
        String ready = s.condition("Ready").map(r -> r.getStatus() + "/" + r.getReason()).orElse("");
        if (ready.equals("Unknown/DnsTemporaryFailure")) {
          seenUnknown.add(c.name());
        } else if (seenUnknown.contains(c.name()) && affected.contains(c)) {
          fail(c.name() + " left Unknown during the fault: " + ready);
        }
      }
      if (holdUntil == Long.MAX_VALUE && affected.stream().allMatch(c -> seenUnknown.contains(c.name()))) {
        holdUntil = System.nanoTime() + hold.toNanos();
      }
      sleep(250);
    }
  }

  private static void awaitReady(String name, String expected, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = sips.ready(name);
      if (expected.equals(last)) {
        return;
      }
      sleep(250);
    }
    fail(name + ": Ready is " + last + ", expected " + expected + " within " + atMost);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static OperatorSettings withThreads(OperatorSettings s, int threads) {
    return new OperatorSettings(s.dns(), s.defaultRecheckInterval(), s.namespaces(), s.healthPort(), threads,
        s.duplicateRecheck(), s.statusHeartbeat(), s.leaderElection(), s.leaseNamespace(), s.identity());
  }

  static String ip(int octet) {
    return "192.0.2." + octet;
  }

  static String host(int octet) {
    return "mail" + octet + ".example.com";
  }

  static String reverse(int octet) {
    return octet + ".2.0.192.in-addr.arpa";
  }
}
