package dev.mailops.ptr.cli;

import static dev.mailops.ptr.testing.AuthoritativeServers.CHILD_ZONE;
import static dev.mailops.ptr.testing.AuthoritativeServers.CLASSLESS_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAGGING_ZONE;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAME_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.SYNCED_IP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.AuthoritativeServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** `check --authoritative`: the resolvers' view and every authoritative server's, side by side, text and JSON. */
class CheckAuthoritativeIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static AuthoritativeServers servers;

  record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void start() {
    servers = closed.add(AuthoritativeServers.start());
  }

  private static Run check(String... args) {
    List<String> all = new ArrayList<>(List.of("check", "--authoritative", "--authoritative-port",
        String.valueOf(servers.port()), "--dns-server", "127.0.0.1:" + servers.port(), "--dns-timeout", "500ms",
        "--no-owner"));
    all.addAll(List.of(args));
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static JsonNode condition(JsonNode json, String type) {
    for (JsonNode c : json.get("conditions")) {
      if (c.get("type").asText().equals(type)) {
        return c;
      }
    }
    throw new AssertionError("no condition " + type + " in " + json);
  }

  @Test
  void agreeingServersAreShownBesideTheResolversView() {
    Run run = check("--ip", SYNCED_IP, "--hostname", "mail.example.test");
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(Main.COMPLIANT);
    assertThat(run.out()).contains("AuthoritativeConsistent", "ServersAgree")
        .contains("resolvers:     PTR mail.example.test")
        .containsPattern("ns1\\.fixture\\.test \\(127\\.0\\.0\\.1\\)\\s+Answered\\s+mail\\.example\\.test  serial")
        .containsPattern("ns2\\.fixture\\.test \\(127\\.0\\.0\\.11\\)\\s+Answered\\s+mail\\.example\\.test  serial");
  }

  @Test
  void aLaggingSecondaryIsSecondaryBehindInJsonWhileTheExitCodeStaysTheResolversVerdict() throws Exception {
    servers.primary().ptr("198.51.100.23", "before.example.test");
    servers.lagging().retrieve(LAGGING_ZONE);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> condition(
        JSON.readTree(check("--ip", "198.51.100.23", "-o", "json").out()), "AuthoritativeConsistent")
        .get("reason").asText().equals("ServersAgree"));
    servers.primary().ptr("198.51.100.23", "after.example.test");
    servers.primary().replace("after.example.test", "A", 5, "198.51.100.23");

    Run run = check("--ip", "198.51.100.23", "--hostname", "after.example.test", "-o", "json");
    JsonNode json = JSON.readTree(run.out());
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(Main.COMPLIANT);
    JsonNode c = condition(json, "AuthoritativeConsistent");
    assertThat(c.get("status").asText()).isEqualTo("False");
    assertThat(c.get("reason").asText()).isEqualTo("SecondaryBehind");
    assertThat(c.get("message").asText()).contains("ns3.fixture.test (127.0.0.12) has serial");
    JsonNode zone = json.get("authoritative").get("zones").get(0);
    assertThat(zone.get("zone").asText()).isEqualTo(LAGGING_ZONE);
    assertThat(zone.get("servers").get(0).get("answer").asText()).isEqualTo("after.example.test");
    assertThat(zone.get("servers").get(1).get("answer").asText()).isEqualTo("before.example.test");
    assertThat(zone.get("servers").get(1).get("serial").asLong())
        .isLessThan(zone.get("servers").get(0).get("serial").asLong());
  }

  @Test
  void aStoppedSecondaryIsUnknownServerUnreachable() {
    servers.secondary().pause();
    try {
      Run run = check("--ip", SYNCED_IP, "--hostname", "mail.example.test");
      assertThat(run.out()).containsPattern("\\?\\?\\s+AuthoritativeConsistent\\s+ServerUnreachable")
          .containsPattern("ns2\\.fixture\\.test \\(127\\.0\\.0\\.11\\)\\s+Unreachable\\s+no answer within 500 ms");
      assertThat(run.exitCode()).isEqualTo(Main.COMPLIANT);
    } finally {
      servers.secondary().resume();
    }
  }

  @Test
  void aLameServerIsFalseLameDelegation() throws Exception {
    JsonNode json = JSON.readTree(check("--ip", LAME_IP, "-o", "json").out());
    JsonNode c = condition(json, "AuthoritativeConsistent");
    assertThat(c.get("status").asText()).isEqualTo("False");
    assertThat(c.get("reason").asText()).isEqualTo("LameDelegation");
    assertThat(c.get("message").asText()).contains("ns4.fixture.test (127.0.0.13): REFUSED");
  }

  @Test
  void anRfc2317DelegationShowsBothZones() {
    Run run = check("--ip", CLASSLESS_IP);
    assertThat(run.out()).contains("70.2.0.192.in-addr.arpa/PTR in zone 2.0.192.in-addr.arpa")
        .contains("70." + CHILD_ZONE + "/PTR in zone " + CHILD_ZONE)
        .containsPattern("ns4\\.fixture\\.test \\(127\\.0\\.0\\.13\\)\\s+Answered\\s+mail70\\.example\\.test");
  }

  @Test
  void withoutTheFlagNothingAuthoritativeIsShown() {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.execute("check", "--ip", SYNCED_IP, "--dns-server", "127.0.0.1:" + servers.port(), "--no-owner");
    assertThat(out.toString()).doesNotContain("AuthoritativeConsistent").doesNotContain("authoritative:");
  }
}
