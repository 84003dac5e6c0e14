package dev.mailops.ptr.operator;

import dev.mailops.ptr.provider.rfc2136.Rfc2136ProviderFactory;
import dev.mailops.ptr.gate.ProviderSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpSpec;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.BindServer;
import dev.mailops.ptr.testing.Dig;
import dev.mailops.ptr.testing.FreePorts;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * The real operator with provider support, a real kube-apiserver and a real BIND that serves both the forward zone
 * and the reverse zone the operator updates: the verifier reads what the provider writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Rfc2136ProviderIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final String REVERSE_ZONE = "100.51.198.in-addr.arpa";
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String RFC = "rfc-" + SUFFIX;
  private static final String DEAD = "dead-" + SUFFIX;
  private static final String MISSING = "missing-secret-" + SUFFIX;
  private static final String ELSEWHERE = "elsewhere-" + SUFFIX;
  private static final String WRONG_KEY = "wrong-key-" + SUFFIX;
  private static final String WRONG_SECRET = Base64.getEncoder().encodeToString(new byte[32]);

  private static KubeApi api;
  private static KubernetesClient client;
  private static BindServer bind;
  private static RunningOperator operator;
  private static String operatorNs;
  private static String mailNs;
  private static String otherNs;
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    closed.add(() -> root.detachAppender(logs));
    ((Logger) LoggerFactory.getLogger("dev.mailops.ptr")).setLevel(ch.qos.logback.classic.Level.DEBUG);

    api = KubeApi.shared();
    client = api.client();
    bind = closed.add(BindServer.start(List.of("example.org", REVERSE_ZONE)));
    operatorNs = api.newNamespace("ptr-system");
    mailNs = api.newNamespace("mail", Map.of("team", "mail"));
    otherNs = api.newNamespace("web", Map.of("team", "web"));

    secret("tsig", bind.tsigSecret());
    secret("wrong-tsig", WRONG_SECRET);
    provider(RFC, List.of("198.51.100.0/25"), "127.0.0.1:" + bind.dnsAddress().getPort(), operatorNs, "tsig",
        "mail");
    provider(DEAD, List.of("198.51.100.128/25"), "127.0.0.1:" + FreePorts.next(), operatorNs, "tsig", null);
    provider(MISSING, List.of("198.51.100.0/24"), "127.0.0.1:" + bind.dnsAddress().getPort(), operatorNs,
        "no-such-secret", null);
    provider(ELSEWHERE, List.of("198.51.100.0/24"), "127.0.0.1:" + bind.dnsAddress().getPort(), "kube-system", "tsig",
        null);
    provider(WRONG_KEY, List.of("198.51.100.0/24"), "127.0.0.1:" + bind.dnsAddress().getPort(), operatorNs,
        "wrong-tsig", null);

    OperatorSettings settings = RunningOperator.testSettings(bind.dnsAddress(), Set.of(mailNs, otherNs))
        .withProviders(ProviderSettings.defaults(operatorNs)
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withReset(3, Duration.ofMillis(200))
            .withDnsTimeout(Duration.ofMillis(300))
            .withCacheRecheck(Duration.ofSeconds(2)));
    operator = closed.add(RunningOperator.withProviders(api, settings,
        PtrProviders.none().with("rfc2136", new Rfc2136ProviderFactory(Duration.ofMillis(300)))));
  }

  @Test
  @Order(1)
  void ptrIsSetThroughTheProviderAndTheSendingIpBecomesReady() throws Exception {
    bind.replace("mx10.example.org", "A", 5, "198.51.100.10");
    assertThat(Dig.answers(bind.dnsAddress(), "10." + REVERSE_ZONE, Type.PTR)).isEmpty();
    create(mailNs, "mx10", "198.51.100.10", "mx10.example.org", RFC, null);

    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "mx10").getStatus()));
    assertThat(Dig.answers(bind.dnsAddress(), "10." + REVERSE_ZONE, Type.PTR)).containsExactly("mx10.example.org.");
    SendingIp done = get(mailNs, "mx10");
    assertThat(done.getStatus().condition("ProviderSynced").orElseThrow().getReason()).isEqualTo("InSync");
    assertThat(done.getStatus().getProvider().getName()).isEqualTo(RFC);
    assertThat(done.getStatus().getProvider().getPtrValue()).isEqualTo("mx10.example.org");
    assertThat(done.getStatus().getProvider().getUpdateStatus()).isEqualTo("Applied");
    // it went from no PTR to Ready, and the provider write is recorded
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(mailNs, "mx10"))
        .extracting(Event::getReason).contains("PtrSet", "Ready"));
    assertThat(events(mailNs, "mx10")).anySatisfy(e -> assertThat(e.getMessage()).startsWith("NoPtrRecord"));
  }

  @Test
  @Order(2)
  void twoPtrsOneOfThemRightAreReplacedByExactlyTheDesiredOne() throws Exception {
    bind.ptr("198.51.100.80", "mx80.example.org", "old80.example.org");
    bind.replace("mx80.example.org", "A", 5, "198.51.100.80");
    create(mailNs, "two-ptrs", "198.51.100.80", "mx80.example.org", RFC, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "two-ptrs").getStatus()));
    assertThat(Dig.answers(bind.dnsAddress(), "80." + REVERSE_ZONE, Type.PTR)).containsExactly("mx80.example.org.");
  }

  @Test
  @Order(2)
  void ptrAlreadyRightNeedsNoProviderCall() throws Exception {
    bind.ptr("198.51.100.90", "mx90.example.org");
    bind.replace("mx90.example.org", "A", 5, "198.51.100.90");
    create(mailNs, "already", "198.51.100.90", "mx90.example.org", RFC, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "already").getStatus()));
    assertThat(SendingIps.condition(client, mailNs, "already", "ProviderSynced").orElseThrow().getReason())
        .isEqualTo("InSync");
    assertThat(events(mailNs, "already")).extracting(Event::getReason).doesNotContain("PtrSet");
  }

  @Test
  @Order(2)
  void ipOutsideAllowedCidrsIsRefusedWithoutACall() throws Exception {
    bind.replace("mx200.example.org", "A", 5, "198.51.100.200");
    // 198.51.100.200 is outside 198.51.100.0/25 (which ends at .127)
    create(mailNs, "outside", "198.51.100.200", "mx200.example.org", RFC, null);
    Condition synced = awaitProviderSynced(mailNs, "outside", "ProviderNotAllowed");
    assertThat(synced.getStatus()).isEqualTo("False");
    assertThat(synced.getMessage()).contains("allowedCidrs").contains("198.51.100.0/25");
    assertThat(Dig.answers(bind.dnsAddress(), "200." + REVERSE_ZONE, Type.PTR)).isEmpty();
  }

  @Test
  @Order(2)
  void namespaceNotSelectedIsRefusedWithoutACall() throws Exception {
    bind.replace("mx20.example.org", "A", 5, "198.51.100.20");
    create(otherNs, "web", "198.51.100.20", "mx20.example.org", RFC, null);
    Condition synced = awaitProviderSynced(otherNs, "web", "ProviderNotAllowed");
    assertThat(synced.getMessage()).contains("namespaceSelector").contains(otherNs).contains("team=mail");
    assertThat(Dig.answers(bind.dnsAddress(), "20." + REVERSE_ZONE, Type.PTR)).isEmpty();
  }

  @Test
  @Order(2)
  void withoutTheForwardRecordNothingIsSetAndTheMessageNamesTheRecord() throws Exception {
    create(mailNs, "noforward", "198.51.100.30", "mx30.example.org", RFC, null);
    Condition synced = awaitProviderSynced(mailNs, "noforward", "ForwardRecordMissing");
    assertThat(synced.getStatus()).isEqualTo("False");
    assertThat(synced.getMessage()).contains("mx30.example.org. A 198.51.100.30");
    assertThat(Dig.answers(bind.dnsAddress(), "30." + REVERSE_ZONE, Type.PTR)).isEmpty();

    // once the record exists the PTR follows
    bind.replace("mx30.example.org", "A", 5, "198.51.100.30");
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "noforward").getStatus()));
    assertThat(Dig.answers(bind.dnsAddress(), "30." + REVERSE_ZONE, Type.PTR)).containsExactly("mx30.example.org.");
  }

  @Test
  @Order(2)
  void resetOnDeleteRemovesThePtrAndRetainKeepsIt() throws Exception {
    bind.replace("mx40.example.org", "A", 5, "198.51.100.40");
    bind.replace("mx41.example.org", "A", 5, "198.51.100.41");
    create(mailNs, "reset", "198.51.100.40", "mx40.example.org", RFC, DeletionPolicy.Reset);
    create(mailNs, "retain", "198.51.100.41", "mx41.example.org", RFC, DeletionPolicy.Retain);
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "reset").getStatus())
        && "True".equals(ready(mailNs, "retain").getStatus()));

    client.resources(SendingIp.class).inNamespace(mailNs).withName("reset").delete();
    client.resources(SendingIp.class).inNamespace(mailNs).withName("retain").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(mailNs, "reset") == null && get(mailNs, "retain") == null);
    assertThat(Dig.answers(bind.dnsAddress(), "40." + REVERSE_ZONE, Type.PTR)).isEmpty();
    assertThat(Dig.answers(bind.dnsAddress(), "41." + REVERSE_ZONE, Type.PTR)).containsExactly("mx41.example.org.");
    // Events are posted in the background: give the queue a moment
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(events(mailNs, "reset")).extracting(Event::getReason).contains("PtrReset"));
  }

  @Test
  @Order(2)
  void deadProviderServerDoesNotBlockDeletion() {
    bind.replace("mx150.example.org", "A", 5, "198.51.100.150");
    create(mailNs, "dead", "198.51.100.150", "mx150.example.org", DEAD, DeletionPolicy.Reset);
    Condition synced = awaitProviderSynced(mailNs, "dead", "ProviderError");
    assertThat(synced.getStatus()).isEqualTo("False");
    assertThat(synced.getMessage()).contains("unavailable").contains("retrying in");

    client.resources(SendingIp.class).inNamespace(mailNs).withName("dead").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(mailNs, "dead") == null);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(mailNs, "dead")).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo("PtrResetFailed");
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("may still be set");
    }));
  }

  @Test
  @Order(2)
  void providerReadinessReflectsSecretAndProbe() {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(providerReady(RFC)).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("True", "Ready");
      assertThat(providerReady(MISSING)).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", "SecretNotFound");
      assertThat(providerReady(ELSEWHERE)).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", "SecretOutsideOperatorNamespace");
      assertThat(providerReady(WRONG_KEY)).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", "ProbeFailed");
    });
    ReverseDnsProvider rfc = client.resources(ReverseDnsProvider.class).withName(RFC).get();
    assertThat(rfc.getStatus().getType()).isEqualTo("rfc2136");
    assertThat(rfc.getStatus().getObservedGeneration()).isEqualTo(rfc.getMetadata().getGeneration());
    assertThat(providerReady(MISSING).getMessage()).contains("no-such-secret").contains(operatorNs);
    assertThat(providerReady(ELSEWHERE).getMessage()).contains("credentials must live in namespace " + operatorNs);
    assertThat(providerReady(WRONG_KEY).getMessage()).contains("AUTHENTICATION");
  }

  @Test
  @Order(2)
  void secretInAnotherNamespaceOrAWrongKeyIsAClearErrorOnTheSendingIp() {
    bind.replace("mx50.example.org", "A", 5, "198.51.100.50");
    bind.replace("mx51.example.org", "A", 5, "198.51.100.51");
    create(mailNs, "elsewhere", "198.51.100.50", "mx50.example.org", ELSEWHERE, null);
    create(mailNs, "wrongkey", "198.51.100.51", "mx51.example.org", WRONG_KEY, null);
    assertThat(awaitProviderSynced(mailNs, "elsewhere", "ProviderError").getMessage())
        .contains("credentials must live in namespace " + operatorNs);
    assertThat(awaitProviderSynced(mailNs, "wrongkey", "ProviderError").getMessage())
        .contains("credentials rejected");
  }

  @Test
  @Order(2)
  void missingProviderIsAProviderError() {
    create(mailNs, "ghost", "198.51.100.60", "mx60.example.org", "no-such-provider-" + SUFFIX, null);
    assertThat(awaitProviderSynced(mailNs, "ghost", "ProviderError").getMessage())
        .contains("ReverseDnsProvider no-such-provider-" + SUFFIX + " not found");
  }

  @Test
  @Order(2)
  void creatingTheMissingSecretMakesTheProviderReadyWithoutWaitingForTheNextProbe() {
    String name = "late-secret-" + SUFFIX;
    provider(name, List.of("198.51.100.0/24"), "127.0.0.1:" + bind.dnsAddress().getPort(), operatorNs, "late-tsig",
        null);
    await().atMost(Duration.ofSeconds(60)).until(() -> "SecretNotFound".equals(providerReady(name).getReason()));
    // the probe interval is 5 minutes: only the Secret watch can bring this within the wait
    secret("late-tsig", bind.tsigSecret());
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(providerReady(name).getStatus()));
    client.resources(ReverseDnsProvider.class).withName(name).delete();
  }

  @Test
  @Order(2)
  void creatingTheReferencedProviderReTriggersTheSendingIp() throws Exception {
    String name = "late-provider-" + SUFFIX;
    bind.replace("mx70.example.org", "A", 5, "198.51.100.70");
    var spec = new SendingIpSpec();
    spec.setIp("198.51.100.70");
    spec.setHostname("mx70.example.org");
    spec.setProviderRef(name);
    spec.setRecheckInterval("168h"); // no periodic re-check within the test: only the provider watch can help
    var resource = new SendingIp();
    resource.getMetadata().setName("late-provider");
    resource.getMetadata().setNamespace(mailNs);
    resource.setSpec(spec);
    client.resources(SendingIp.class).inNamespace(mailNs).resource(resource).create();
    assertThat(awaitProviderSynced(mailNs, "late-provider", "ProviderError").getMessage()).contains("not found");

    provider(name, List.of("198.51.100.64/26"), "127.0.0.1:" + bind.dnsAddress().getPort(), operatorNs, "tsig", null);
    await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(mailNs, "late-provider").getStatus()));
    assertThat(Dig.answers(bind.dnsAddress(), "70." + REVERSE_ZONE, Type.PTR)).containsExactly("mx70.example.org.");
    client.resources(SendingIp.class).inNamespace(mailNs).withName("late-provider").delete();
    client.resources(ReverseDnsProvider.class).withName(name).delete();
  }

  @Test
  @Order(3)
  void theTsigSecretAppearsInNoStatusEventOrLog() {
    String secret = bind.tsigSecret();
    for (String ns : List.of(mailNs, otherNs)) {
      assertThat(Serialization.asYaml(client.resources(SendingIp.class).inNamespace(ns).list())).doesNotContain(secret)
          .doesNotContain(WRONG_SECRET);
      assertThat(Serialization.asYaml(client.v1().events().inNamespace(ns).list())).doesNotContain(secret)
          .doesNotContain(WRONG_SECRET);
    }
    for (String name : List.of(RFC, DEAD, MISSING, ELSEWHERE, WRONG_KEY)) {
      assertThat(Serialization.asYaml(client.resources(ReverseDnsProvider.class).withName(name).get()))
          .doesNotContain(secret).doesNotContain(WRONG_SECRET);
    }
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list).allSatisfy(event -> {
      String text = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertThat(text).doesNotContain(secret).doesNotContain(WRONG_SECRET);
    });
  }

  // --- helpers

  private static void secret(String name, String tsigSecret) {
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName(name)
        .endMetadata().addToStringData("secret", tsigSecret).build()).create();
  }

  private static void provider(String name, List<String> cidrs, String server, String secretNs, String secretName,
      String team) {
    ReverseDnsProviderSpec spec = ReverseDnsProviders.rfc2136(bind, server, REVERSE_ZONE, 5, secretNs, secretName,
        cidrs);
    ReverseDnsProviders.create(client, name, team == null ? spec : ReverseDnsProviders.forTeam(spec, team));
    closed.add(ReverseDnsProviders.deleting(client, name));
  }

  private static void create(String ns, String name, String ip, String hostname, String provider,
      DeletionPolicy policy) {
    SendingIps.createWithProvider(client, ns, name, ip, hostname, provider, policy);
  }

  private static SendingIp get(String ns, String name) {
    return SendingIps.get(client, ns, name);
  }

  private static List<Event> events(String ns, String name) {
    return SendingIps.events(client, ns, name);
  }

  private static Condition ready(String ns, String name) {
    return SendingIps.condition(client, ns, name, "Ready").orElse(new Condition());
  }

  private static Condition awaitProviderSynced(String ns, String name, String reason) {
    await().atMost(Duration.ofSeconds(60)).until(() -> SendingIps.condition(client, ns, name, "ProviderSynced")
        .map(c -> reason.equals(c.getReason())).orElse(false));
    return SendingIps.condition(client, ns, name, "ProviderSynced").orElseThrow();
  }

  private static Condition providerReady(String name) {
    return ReverseDnsProviders.ready(client, name).orElse(new Condition());
  }
}
