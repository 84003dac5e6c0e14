package dev.mailops.ptr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.FreePorts;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RdapTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's `check` command against a real PowerDNS: exit codes and JSON as DESIGN.md documents. */
class CheckCommandIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PowerDnsServer dns;
  private static String server;

  record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void zones() {
    dns = closed.add(PowerDnsServer.start());
    server = "127.0.0.1:" + dns.dnsAddress().getPort();
    dns.createZone("example.com");
    dns.ptr("192.0.2.10", "mail.example.com");
    dns.a("mail.example.com", "192.0.2.10");
    dns.ptr("2001:db8::25", "mx6.example.com");
    dns.aaaa("mx6.example.com", "2001:db8::25");
    dns.ptr("192.0.2.13", "other.example.com");
    dns.a("other.example.com", "192.0.2.13");
    // public addresses, whose owner the local RDAP registries name
    dns.ptr("185.199.0.10", "mail10.example.com");
    dns.a("mail10.example.com", "185.199.0.10");
    dns.ptr("185.199.0.13", "other.example.com");
  }

  @Test
  void compliantIpExitsZeroWithTheDocumentedJson() throws Exception {
    Run run = check("--ip", "192.0.2.10", "--hostname", "Mail.Example.com.", "--dns-server", server, "-o", "json");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("ip").asText()).isEqualTo("192.0.2.10");
    assertThat(json.get("hostname").asText()).isEqualTo("mail.example.com");
    assertThat(json.get("iprev").asText()).isEqualTo("pass");
    assertThat(json.get("compliant").asBoolean()).isTrue();
    assertThat(json.get("ptrNames").get(0).asText()).isEqualTo("mail.example.com");
    assertThat(json.get("forwardAddresses").get(0).asText()).isEqualTo("192.0.2.10");
    assertThat(json.get("conditions")).hasSize(9);
    assertThat(json.get("conditions").get(8).get("type").asText()).isEqualTo("Stalled");
    assertThat(json.get("conditions").get(0).fieldNames()).toIterable()
        .containsExactly("type", "status", "reason", "message");
  }

  @Test
  void compliantIpv6InAnySpellingExitsZero() throws Exception {
    Run run = check("--ip", "2001:DB8:0:0::25", "--hostname", "mx6.example.com", "--dns-server", server);
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
    assertThat(run.out()).contains("COMPLIANT").contains("2001:db8::25");
  }

  @Test
  void missingPtrExitsOneAndSaysWhatToAskFor() throws Exception {
    Run run = check("--ip", "192.0.2.11", "--hostname", "mail.example.com", "--dns-server", server);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("NOT COMPLIANT").contains("NoPtrRecord").contains("Ask the owner of this IP");
  }

  @Test
  void mismatchExitsOneWithPermanentIprevPass() throws Exception {
    Run run = check("--ip", "192.0.2.13", "--hostname", "mail.example.com", "--dns-server", server, "-o", "json");
    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("iprev").asText()).isEqualTo("pass");
    assertThat(json.get("compliant").asBoolean()).isFalse();
  }

  @Test
  void silentDnsServerExitsThreeUndetermined() throws Exception {
    int silent = FreePorts.next();
    Run run = check("--ip", "192.0.2.10", "--dns-server", "127.0.0.1:" + silent, "--dns-timeout", "300ms",
        "--dns-retries", "0", "-o", "json");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(JSON.readTree(run.out()).get("iprev").asText()).isEqualTo("temperror");
  }

  @Test
  void badInputExitsTwoWithAClearMessage() throws Exception {
    assertThat(check("--ip", "999.1.1.1").exitCode()).isEqualTo(2);
    Run badIp = check("--ip", "1.2.3", "--dns-server", server);
    assertThat(badIp.exitCode()).isEqualTo(2);
    assertThat(badIp.err()).contains("ip");
    assertThat(check("--ip", "192.0.2.10", "--hostname", "bad host.example.com").exitCode()).isEqualTo(2);
    assertThat(check("--ip", "192.0.2.10", "--dns-server", "ns1.example.com").exitCode()).isEqualTo(2);
    assertThat(check().exitCode()).isEqualTo(2);
    assertThat(check("--ip", "192.0.2.10", "-o", "xml", "--dns-server", server).exitCode()).isEqualTo(2);
  }

  @Test
  void manifestsDirectoryGivesAJsonArrayAndTheWorstExitCode(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("ips.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: ignored}
        ---
        apiVersion: ptr.mailops.dev/v1alpha1
        kind: SendingIp
        metadata: {name: mx1, namespace: mail}
        spec: {ip: 192.0.2.10, hostname: mail.example.com}
        """);
    Files.createDirectories(dir.resolve("more"));
    Files.writeString(dir.resolve("more/broken.yml"), """
        apiVersion: ptr.mailops.dev/v1alpha1
        kind: SendingIp
        metadata: {name: mx2, namespace: mail}
        spec: {ip: 192.0.2.11, hostname: mail.example.com}
        """);
    Run run = check("-f", dir.toString(), "--dns-server", server, "-o", "json");
    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode array = JSON.readTree(run.out());
    assertThat(array.isArray()).isTrue();
    assertThat(array).hasSize(2);
    assertThat(array.get(0).get("compliant").asBoolean()).isTrue();
    assertThat(array.get(1).get("compliant").asBoolean()).isFalse();
  }

  @Test
  void invalidManifestIsBadInputNamingFileAndObject(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        apiVersion: ptr.mailops.dev/v1alpha1
        kind: SendingIp
        metadata: {name: typo, namespace: mail}
        spec: {ip: 192.0.2.300}
        """);
    Run run = check("-f", file.toString(), "--dns-server", server);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("mail/typo").contains("ip");
  }

  @Test
  void ownerIsPrintedInTextAndJsonAndNamedInTheAdvice(@TempDir Path dir) throws Exception {
    try (RdapTestServer rdap = hosterRegistry()) {
      String bootstrap = rdap.writeBootstrap(dir.resolve("ipv4.json"), Map.of("185.0.0.0/8", "rir-a")).toString();
      Run text = check("--ip", "185.199.0.13", "--hostname", "mail.example.com", "--dns-server", server,
          "--rdap-bootstrap", bootstrap, "--rdap-server", "none");
      assertThat(text.exitCode()).as(text.err()).isEqualTo(1);
      assertThat(text.out()).contains("owner: Hetzner Online GmbH (hoster; 185.199.0.0/16; contact abuse@hetzner.example; "
          + "RDAP " + rdap.base("rir-a") + "ip/185.199.0.0; ReverseDnsProvider type hetzner)")
          .contains("185.199.0.13 is registered to Hetzner Online GmbH")
          .contains("or create a ReverseDnsProvider of type hetzner");

      Run json = check("--ip", "185.199.0.13", "--hostname", "mail.example.com", "--dns-server", server,
          "--rdap-bootstrap", bootstrap, "--rdap-server", "none", "-o", "json");
      JsonNode owner = JSON.readTree(json.out()).get("owner");
      assertThat(owner.get("name").asText()).isEqualTo("Hetzner Online GmbH");
      assertThat(owner.get("kind").asText()).isEqualTo("hoster");
      assertThat(owner.get("providerType").asText()).isEqualTo("hetzner");
      assertThat(owner.get("rdap").asText()).isEqualTo(rdap.base("rir-a") + "ip/185.199.0.0");
    }
  }

  @Test
  void noOwnerSkipsTheLookupAndVerdictsAreIdenticalWithAndWithoutIt(@TempDir Path dir) throws Exception {
    try (RdapTestServer rdap = hosterRegistry()) {
      String bootstrap = rdap.writeBootstrap(dir.resolve("ipv4.json"), Map.of("185.0.0.0/8", "rir-a")).toString();
      for (String[] target : new String[][] {{"185.199.0.10", "mail10.example.com"}, {"185.199.0.13", "mail.example.com"},
          {"185.199.0.11", "mail11.example.com"}, {"192.0.2.13", "mail.example.com"}}) {
        Run with = check("--ip", target[0], "--hostname", target[1], "--dns-server", server, "--rdap-bootstrap",
            bootstrap, "--rdap-server", "none", "-o", "json");
        int requests = rdap.totalRequests();
        Run without = check("--ip", target[0], "--hostname", target[1], "--dns-server", server, "--no-owner",
            "--rdap-bootstrap", bootstrap, "-o", "json");
        assertThat(rdap.totalRequests()).as("--no-owner asks no registry").isEqualTo(requests);
        assertThat(JSON.readTree(without.out()).has("owner")).isFalse();
        assertThat(with.exitCode()).as(target[0]).isEqualTo(without.exitCode());
        assertThat(verdicts(with)).as(target[0]).isEqualTo(verdicts(without));
      }
    }
  }

  @Test
  void missingBootstrapFileIsBadInput() throws Exception {
    Run run = check("--ip", "185.199.0.13", "--dns-server", server, "--rdap-bootstrap", "/nonexistent/ipv4.json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--rdap-bootstrap").contains("/nonexistent/ipv4.json");
  }

  private static RdapTestServer hosterRegistry() {
    RdapTestServer rdap = RdapTestServer.start();
    rdap.answer("rir-a", "185.199.0.0/16", rdap.network("rir-a", "NET-185-199", "HETZNER-NET", "185.199.0.0",
        "185.199.255.255", "Hetzner Online GmbH", "ORG-HOS1", "abuse@hetzner.example"));
    return rdap;
  }

  /** iprev, compliance and every condition's type, status and reason: what must not depend on owner discovery. */
  private static List<String> verdicts(Run run) throws IOException {
    JsonNode json = JSON.readTree(run.out());
    List<String> verdicts = new ArrayList<>(List.of(json.get("iprev").asText(), json.get("compliant").asText()));
    json.get("conditions").forEach(c -> verdicts.add(c.get("type").asText() + "=" + c.get("status").asText() + "/"
        + c.get("reason").asText()));
    return verdicts;
  }

  private static Run check(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar().toString(), "check"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  private static Path jar() {
    Path jar = Path.of("target", "ptr-operator.jar");
    assertThat(jar).as("the jar is built in the package phase, before integration tests").exists();
    return jar;
  }
}
