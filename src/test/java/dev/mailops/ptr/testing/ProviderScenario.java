package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.operator.ShippedProviders;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stage of a provider integration test: the shared API server, a PowerDNS with zone example.com, an operator
 * namespace for Secrets, a namespace labelled team=mail and an unlabelled one, and the real operator with the
 * shipped providers and short backoff ({@link #INITIAL_BACKOFF} doubling to {@link #MAX_BACKOFF}). Closing it
 * stops the operator, deletes the ReverseDnsProviders it created and closes the test servers handed to it.
 */
public final class ProviderScenario implements AutoCloseable {
  public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(4);

  public final KubeApi api;
  public final KubernetesClient client;
  public final PowerDnsServer dns;
  public final ProviderChecks checks;
  public final String operatorNs;
  public final String mailNs;
  public final String otherNs;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private final List<String> providers = new ArrayList<>();
  private RunningOperator operator;

  private ProviderScenario() {
    api = KubeApi.shared();
    client = api.client();
    checks = new ProviderChecks(client).captureLogs();
    dns = PowerDnsServer.start();
    dns.createZone("example.com");
    operatorNs = api.newNamespace("ptr-system");
    mailNs = api.newNamespace("mail", Map.of("team", "mail"));
    otherNs = api.newNamespace("shop");
  }

  public static ProviderScenario prepare() {
    return new ProviderScenario();
  }

  /** Finished reconciles of one SendingIp so far: wait for more of them before asserting that nothing happened. */
  public long reconciliations(String namespace, String name) {
    return operator.reconciliations(namespace, name);
  }

  /** Starts the operator watching the two namespaces; create Secrets and providers first or after, either works. */
  public void startOperator() {
    OperatorSettings settings = RunningOperator.testSettings(dns.dnsAddress(), Set.of(mailNs, otherNs))
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(INITIAL_BACKOFF, MAX_BACKOFF)
            .withCacheRecheck(Duration.ofSeconds(2)).withReset(3, Duration.ofMillis(500)));
    operator = RunningOperator.withProviders(api, settings, ShippedProviders.all(Duration.ofMillis(500)));
  }

  /** The operator's Prometheus metrics text. */
  public String metrics() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + operator.healthPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Everything a user could see: statuses, Events, providers, the operator's logs and metrics. */
  public String everythingUsersSee() throws IOException, InterruptedException {
    return checks.everythingUsersSee(mailNs, otherNs, operatorNs) + metrics();
  }

  /** Closed (after the operator stopped) when this scenario is. */
  public <T extends AutoCloseable> T closeAfter(T server) {
    closeAfter.add(server);
    return server;
  }

  /** A Secret in the operator's namespace. */
  public void secret(String name, Map<String, String> data) {
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName(name)
        .endMetadata().addToStringData(data).build()).create();
  }

  /** A ReverseDnsProvider, usable only by namespaces labelled team={@code team} unless that is null. */
  public void provider(String name, ReverseDnsProviderSpec spec, String team) {
    ReverseDnsProviders.create(client, name, team == null ? spec : ReverseDnsProviders.forTeam(spec, team));
    providers.add(name);
  }

  /** Creates a SendingIp that uses {@code provider}; {@code policy} may be null (Retain). */
  public void sendingIp(String ns, String name, String ip, String hostname, String provider, DeletionPolicy policy) {
    SendingIps.createWithProvider(client, ns, name, ip, hostname, provider, policy);
  }

  /**
   * Checks a fenced provider (allowed for one CIDR and namespaces labelled team=mail): a SendingIp outside the CIDR
   * in the mail namespace and one inside it in the other namespace both become ProviderNotAllowed, naming the rule,
   * and its server gets no call after the probe.
   *
   * @param calls the calls its server got so far
   */
  public void assertRefusedWithoutCalls(String provider, IntSupplier calls, String outsideIp, String insideIp) {
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerReady(provider).isPresent());
    int callsAfterProbe = calls.getAsInt();

    dns.a("out.example.com", outsideIp);
    dns.a("in.example.com", insideIp);
    sendingIp(mailNs, "outside-cidr", outsideIp, "out.example.com", provider, null);
    sendingIp(otherNs, "unselected-ns", insideIp, "in.example.com", provider, null);
    for (String[] sip : new String[][] {{mailNs, "outside-cidr", "allowedCidrs"},
        {otherNs, "unselected-ns", "namespaceSelector"}}) {
      await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(sip[0], sip[1], "ProviderSynced")
          .equals(Optional.of("False/ProviderNotAllowed")));
      assertThat(checks.condition(sip[0], sip[1], "ProviderSynced").orElseThrow().getMessage()).contains(sip[2])
          .contains("no provider call is made");
    }
    // the reconcile that wrote the refusal made its decision before any provider call
    assertThat(calls.getAsInt()).isEqualTo(callsAfterProbe);
  }

  /** {@code kubectl get reversednsproviders} shows the provider Ready once its probe passed. */
  public void assertKubectlShowsReady(String provider, String type) {
    await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerReady(provider).map(c -> c.getStatus())
        .equals(Optional.of("True")));
    assertThat(api.kubectl("get", "reversednsproviders", provider))
        .containsPattern(provider + "\\s+" + type + "\\s+True\\s+Ready");
  }

  /** No credential in anything a user can see (statuses, Events, providers, logs, metrics); logs were captured. */
  public void assertNowhereUsersSee(String... credentials) throws IOException, InterruptedException {
    String seen = everythingUsersSee();
    for (String credential : credentials) {
      assertThat(seen).doesNotContain(credential);
    }
    assertThat(checks.logText()).isNotEmpty();
  }

  /**
   * One provider fault for {@link #assertBoundedRetries}: the SendingIp's name in the mail namespace (its hostname is
   * that name under example.com), its IP and provider, what its ProviderSynced message must say, how to count the
   * provider calls it causes, how to start and end the fault.
   */
  public record Fault(String sendingIp, String ip, String provider, String expected, IntSupplier calls,
      Runnable inject, Runnable clear) {}

  /**
   * Waits until every fault's provider passed its probe (credentials cached before the fault starts), injects every
   * fault, creates the SendingIps, and checks that each becomes {@code ProviderError} with the expected text and a
   * retry time, and that in {@code window} from then its provider got at least two and at most
   * {@link ProviderChecks#maxAttempts} calls (every attempt fails at its first call, so calls are attempts); then
   * clears the faults.
   */
  public void assertBoundedRetries(List<Fault> faults, Duration window) throws InterruptedException {
    for (Fault f : faults) {
      await().atMost(Duration.ofSeconds(60)).until(() -> checks.providerReady(f.provider())
          .map(c -> c.getStatus()).equals(Optional.of("True")));
    }
    Map<Fault, Integer> before = new HashMap<>();
    for (Fault f : faults) {
      before.put(f, f.calls().getAsInt());
      f.inject().run();
    }
    Instant start = Instant.now();
    faults.forEach(f -> sendingIp(mailNs, f.sendingIp(), f.ip(), f.sendingIp() + ".example.com", f.provider(), null));
    for (Fault f : faults) {
      await().atMost(Duration.ofSeconds(60)).until(() -> checks.statusReason(mailNs, f.sendingIp(), "ProviderSynced")
          .equals(Optional.of("False/ProviderError")));
      assertThat(checks.condition(mailNs, f.sendingIp(), "ProviderSynced").orElseThrow().getMessage())
          .as(f.sendingIp()).contains(f.expected()).containsPattern("retrying in [0-9.]+s");
    }
    Duration left = Duration.between(Instant.now(), start.plus(window));
    assertThat(left).as("the window is still open after every condition appeared").isPositive();
    Thread.sleep(left.toMillis()); // counting calls over a fixed window is the point here
    int bound = ProviderChecks.maxAttempts(window, INITIAL_BACKOFF, MAX_BACKOFF);
    for (Fault f : faults) {
      int calls = f.calls().getAsInt() - before.get(f);
      System.out.printf("[%s] %d calls in %ds (bound %d)%n", f.sendingIp(), calls, window.toSeconds(), bound);
      assertThat(calls).as(f.sendingIp() + ": calls in " + window.toSeconds() + "s, at most " + bound)
          .isBetween(2, bound);
    }
    faults.forEach(f -> f.clear().run());
  }

  @Override
  public void close() {
    try {
      if (operator != null) {
        operator.close();
      }
      providers.forEach(p -> client.resources(ReverseDnsProvider.class).withName(p).delete());
    } finally {
      for (AutoCloseable c : closeAfter) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort: a test server that cannot close is gone with the JVM
        }
      }
      dns.close();
      checks.stopLogs();
    }
  }
}
