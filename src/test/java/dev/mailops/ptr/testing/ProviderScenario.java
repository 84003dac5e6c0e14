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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** Starts the operator watching the two namespaces; create Secrets and providers first or after, either works. */
  public void startOperator() {
    OperatorSettings settings = RunningOperator.testSettings(dns.dnsAddress(), Set.of(mailNs, otherNs))
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(INITIAL_BACKOFF, MAX_BACKOFF)
            .withCacheRecheck(Duration.ofSeconds(2)).withReset(3, Duration.ofMillis(500)));
    operator = RunningOperator.withProviders(api, settings, ShippedProviders.all(Duration.ofMillis(500)));
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
    SendingIp sip = SendingIps.sendingIp(ns, name, ip, hostname, null);
    sip.getSpec().setProviderRef(provider);
    sip.getSpec().setDeletionPolicy(policy);
    client.resource(sip).create();
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
