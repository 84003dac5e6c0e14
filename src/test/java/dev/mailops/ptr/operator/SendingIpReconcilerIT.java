package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator against a real kube-apiserver and a real PowerDNS: every row of the condition table. */
class SendingIpReconcilerIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static KubeApi api;
  private static PowerDnsServer dns;
  private static RunningOperator operator;
  private static String ns;

  @BeforeAll
  static void start() {
    api = KubeApi.shared();
    dns = closed.add(PowerDnsServer.start());
    ns = api.newNamespace("reconcile");
    publishZones();
    operator = closed.add(RunningOperator.start(api, dns.dnsAddress(), ns));
  }

  private static void publishZones() {
    dns.createZone("example.com");
    dns.createZone("example.net");
    // compliant v4 and v6
    dns.ptr("192.0.2.10", "mail.example.com");
    dns.a("mail.example.com", "192.0.2.10");
    dns.ptr("2001:db8::25", "mx6.example.com");
    dns.aaaa("mx6.example.com", "2001:db8::25");
    // NODATA: the reverse name exists, but holds no PTR
    dns.setRecords("12.2.0.192.in-addr.arpa", "TXT", 5, "\"not a ptr\"");
    // PTR names another host (which itself is fine)
    dns.ptr("192.0.2.13", "other.example.com");
    dns.a("other.example.com", "192.0.2.13");
    // no forward record / forward elsewhere
    dns.ptr("192.0.2.14", "noforward.example.com");
    dns.ptr("192.0.2.15", "elsewhere.example.com");
    dns.a("elsewhere.example.com", "192.0.2.99");
    // two PTRs
    dns.ptr("192.0.2.16", "mail16.example.com", "smtp16.example.com");
    dns.a("mail16.example.com", "192.0.2.16");
    dns.a("smtp16.example.com", "192.0.2.16");
    // generated-looking name
    dns.ptr("192.0.2.17", "192-0-2-17.dynamic.example.com");
    dns.a("192-0-2-17.dynamic.example.com", "192.0.2.17");
    // hostname outside the sending domain
    dns.ptr("192.0.2.18", "mail.example.net");
    dns.a("mail.example.net", "192.0.2.18");
    // RFC 2317 classless delegation
    dns.classlessPtr("192.0.2.70", 26, "classless.example.com");
    dns.a("classless.example.com", "192.0.2.70");
    // forward through a CNAME, and a name with several A records
    dns.ptr("192.0.2.19", "alias.example.com");
    dns.cname("alias.example.com", "target.example.com");
    dns.a("target.example.com", "192.0.2.19");
    dns.ptr("192.0.2.20", "pool-out.example.com");
    dns.a("pool-out.example.com", "192.0.2.21", "192.0.2.20", "192.0.2.22");
    // CNAME loop: PowerDNS answers SERVFAIL, a temporary failure
    dns.cname("loop1.example.com", "loop2.example.com");
    dns.cname("loop2.example.com", "loop1.example.com");
    dns.ptr("192.0.2.23", "loop1.example.com");
    // compliant ones for the kubectl tests
    dns.ptr("192.0.2.42", "mail42.example.com");
    dns.a("mail42.example.com", "192.0.2.42");
    dns.ptr("2001:db8::43", "mx43.example.com");
    dns.aaaa("mx43.example.com", "2001:db8::43");
  }

  static Stream<Arguments> conditionTable() {
    return Stream.of(
        Arguments.of("compliant-v4", "192.0.2.10", "mail.example.com", null, "True", "Compliant", "pass"),
        Arguments.of("compliant-v6", "2001:db8::25", "mx6.example.com", null, "True", "Compliant", "pass"),
        Arguments.of("no-ptr", "192.0.2.11", "mail11.example.com", null, "False", "NoPtrRecord", "permerror"),
        Arguments.of("nodata", "192.0.2.12", "mail12.example.com", null, "False", "NoPtrRecord", "permerror"),
        Arguments.of("mismatch", "192.0.2.13", "mail13.example.com", null, "False", "PtrMismatch", "pass"),
        Arguments.of("no-forward", "192.0.2.14", "noforward.example.com", null, "False", "NoForwardRecord", "fail"),
        Arguments.of("forward-mismatch", "192.0.2.15", "elsewhere.example.com", null, "False", "ForwardMismatch",
            "fail"),
        Arguments.of("multiple", "192.0.2.16", "mail16.example.com", null, "False", "MultiplePtrRecords", "pass"),
        Arguments.of("generic", "192.0.2.17", null, null, "False", "GenericHostname", "pass"),
        Arguments.of("domain-mismatch", "192.0.2.18", "mail.example.net", "example.com", "False", "DomainMismatch",
            "pass"),
        Arguments.of("rfc2317", "192.0.2.70", "classless.example.com", null, "True", "Compliant", "pass"),
        Arguments.of("forward-cname", "192.0.2.19", "alias.example.com", null, "True", "Compliant", "pass"),
        Arguments.of("several-a", "192.0.2.20", "pool-out.example.com", null, "True", "Compliant", "pass"),
        Arguments.of("cname-loop", "192.0.2.23", "loop1.example.com", null, "Unknown", "DnsTemporaryFailure",
            "temperror"));
  }

  @ParameterizedTest(name = "{0}: Ready={4}/{5}")
  @MethodSource("conditionTable")
  void statusReachesTheDocumentedConditions(String name, String ip, String hostname, String domain,
      String ready, String reason, String iprev) {
    create(name, ip, hostname, domain);
    SendingIpStatus status = awaitStatus(name);
    Condition readyCondition = status.condition("Ready").orElseThrow();
    assertThat(readyCondition.getStatus()).as(readyCondition.getMessage()).isEqualTo(ready);
    assertThat(readyCondition.getReason()).isEqualTo(reason);
    assertThat(status.getIprev()).isEqualTo(iprev);
    assertThat(status.getConditions()).extracting(Condition::getType).containsExactlyInAnyOrder(
        "PtrPresent", "SinglePtr", "PtrMatchesHostname", "ForwardConfirmed", "HostnameMeaningful", "ProviderSynced",
        "Ready", "Reconciling", "Stalled");
    assertThat(status.getConditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(1L);
      assertThat(c.getLastTransitionTime()).isNotBlank();
      assertThat(c.getMessage()).isNotBlank();
    });
  }

  @Test
  void missingPtrMessageTellsWhatToAskTheOwnerFor() {
    create("ask-owner", "192.0.2.40", "mail40.example.com", null);
    Condition ptr = awaitStatus("ask-owner").condition("PtrPresent").orElseThrow();
    assertThat(ptr.getStatus()).isEqualTo("False");
    assertThat(ptr.getMessage()).contains("No PTR record for 192.0.2.40")
        .contains("Ask the owner of this IP").contains("mail40.example.com");
  }

  @Test
  void dnsChangeIsPickedUpAtTheNextRecheckAndNothingIsWrittenWhileNothingChanges() {
    dns.a("late.example.com", "192.0.2.50");
    create("late", "192.0.2.50", "late.example.com", null);
    assertThat(awaitStatus("late").condition("Ready").orElseThrow().getReason()).isEqualTo("NoPtrRecord");
    String resourceVersion = get("late").getMetadata().getResourceVersion();

    // Several re-checks (interval 5s in tests) find nothing new: the object is not written.
    await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(15))
        .until(() -> get("late").getMetadata().getResourceVersion().equals(resourceVersion));

    dns.ptr("192.0.2.50", "late.example.com");
    await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(readyStatus("late")));
    SendingIpStatus status = get("late").getStatus();
    assertThat(status.getPtrNames()).containsExactly("late.example.com");
    assertThat(status.getForwardAddresses()).containsExactly("192.0.2.50");
  }

  @Test
  void readyTransitionsAreRecordedAsEvents() {
    create("evented", "192.0.2.41", "mail41.example.com", null);
    await().atMost(Duration.ofSeconds(30)).until(() -> readyStatus("evented") != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> eventsFor("evented").stream()
        .anyMatch(e -> e.getReason().startsWith("NotReady") || e.getReason().equals("Ready")));
  }

  @Test
  void secondClaimOfAnIpIsDuplicateNamingTheFirst() throws Exception {
    create("claim-first", "192.0.2.60", "mail60.example.com", null);
    awaitStatus("claim-first");
    Thread.sleep(1100); // creation timestamps have second precision: make the order unambiguous
    create("claim-second", "192.0.2.60", "other60.example.com", null);
    Condition ready = awaitStatus("claim-second").condition("Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("DuplicateIp");
    assertThat(ready.getMessage()).contains(ns + "/claim-first");
    assertThat(get("claim-first").getStatus().condition("Ready").orElseThrow().getReason()).isNotEqualTo("DuplicateIp");

    api.client().resources(SendingIp.class).inNamespace(ns).withName("claim-first").delete();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> !"DuplicateIp".equals(get("claim-second").getStatus().condition("Ready").orElseThrow().getReason()));
  }

  @Test
  void kubectlShowsTheDocumentedColumnsAndWaitsForReady() {
    create("table", "192.0.2.42", "mail42.example.com", null);
    await().atMost(Duration.ofSeconds(30)).until(() -> readyStatus("table") != null);
    String wide = api.kubectl("get", "sendingips", "-n", ns, "table", "-o", "wide");
    List<String> lines = wide.lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("NAME", "IP", "HOSTNAME", "PTR", "FCRDNS", "READY", "AGE", "IPREV", "REASON", "OWNER");
    assertThat(lines.get(1).split("\\s+")).startsWith("table", "192.0.2.42", "mail42.example.com", "mail42.example.com",
        "True");
    // owner discovery is off in these tests: the OWNER cell is empty
    assertThat(lines.get(1).split("\\s+")).endsWith("pass", "Compliant");

    create("waited", "2001:db8::43", "mx43.example.com", null);
    assertThat(api.kubectl("wait", "--for=condition=Ready", "sendingip/waited", "-n", ns,
        "--timeout=60s")).contains("condition met");
  }

  @Test
  void kubectlApplyStillWorksAfterTheOperatorAddedItsFinalizerAndWroteStatus() throws Exception {
    // the operator's cache drops kubectl's last-applied-configuration: none of its writes may lose it on the server
    Path manifest = Files.createTempFile("applied-", ".yaml");
    try {
      Files.writeString(manifest, appliedManifest("  recheckInterval: 30m\n"));
      api.kubectl("apply", "-f", manifest.toString());
      await().atMost(Duration.ofSeconds(30)).until(() -> get("applied").getStatus() != null
          && get("applied").hasFinalizer(SendingIpReconciler.FINALIZER));
      assertThat(get("applied").getMetadata().getAnnotations())
          .containsKey("kubectl.kubernetes.io/last-applied-configuration");

      // kubectl finds the field it set last time in the annotation, and removes it now the manifest lacks it
      Files.writeString(manifest, appliedManifest(""));
      api.kubectl("apply", "-f", manifest.toString());
      assertThat(get("applied").getSpec().getRecheckInterval()).isNull();
      assertThat(get("applied").getSpec().getHostname()).isEqualTo("mail44.example.com");
    } finally {
      Files.deleteIfExists(manifest);
      api.client().resources(SendingIp.class).inNamespace(ns).withName("applied").delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> get("applied") == null);
    }
  }

  private static String appliedManifest(String extraSpec) {
    return "apiVersion: ptr.mailops.dev/v1alpha1\nkind: SendingIp\nmetadata:\n  name: applied\n  namespace: " + ns
        + "\nspec:\n  ip: 192.0.2.44\n  hostname: mail44.example.com\n  providerRef: absent\n"
        + "  deletionPolicy: Reset\n" + extraSpec;
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static void create(String name, String ip, String hostname, String domain) {
    SendingIps.create(api.client(), ns, name, ip, hostname, domain);
  }

  private static SendingIp get(String name) {
    return SendingIps.get(api.client(), ns, name);
  }

  private static String readyStatus(String name) {
    return SendingIps.readyStatus(api.client(), ns, name).orElse(null);
  }

  private static SendingIpStatus awaitStatus(String name) {
    await().atMost(Duration.ofSeconds(30)).until(() -> readyStatus(name) != null);
    return get(name).getStatus();
  }

  private static List<Event> eventsFor(String name) {
    return SendingIps.events(api.client(), ns, name);
  }
}
