package dev.mailops.ptr.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

class BindServerIT {

  private static BindServer bind;

  @BeforeAll
  static void startServer() {
    bind =
        BindServer.start(
            List.of("2.0.192.in-addr.arpa", "example.com"),
            List.of(
                "10.2.0.192.in-addr.arpa. 60 IN PTR old.example.com.",
                "11.2.0.192.in-addr.arpa. 60 IN PTR keep.example.com.",
                "mail.example.com. 60 IN A 192.0.2.10"));
  }

  @AfterAll
  static void stopServer() {
    bind.close();
  }

  @Test
  void seededRecordsAreServed() throws IOException {
    assertThat(Dig.answers(bind.dnsAddress(), "11.2.0.192.in-addr.arpa", Type.PTR)).containsExactly("keep.example.com.");
    assertThat(Dig.answers(bind.dnsAddress(), "mail.example.com", Type.A)).containsExactly("192.0.2.10");
  }

  @Test
  void tsigSignedUpdateReplacesThePtrRrset() throws IOException {
    Message response = sendPtrUpdate(bind.tsig(), "12.2.0.192.in-addr.arpa.", "first.example.com.", "second.example.com.");
    assertThat(Rcode.string(response.getRcode())).isEqualTo("NOERROR");
    assertThat(Dig.answers(bind.dnsAddress(), "12.2.0.192.in-addr.arpa", Type.PTR))
        .containsExactly("first.example.com.", "second.example.com.");

    response = sendPtrUpdate(bind.tsig(), "12.2.0.192.in-addr.arpa.", "mail.example.com.");
    assertThat(Rcode.string(response.getRcode())).isEqualTo("NOERROR");
    assertThat(Dig.answers(bind.dnsAddress(), "12.2.0.192.in-addr.arpa", Type.PTR)).containsExactly("mail.example.com.");
  }

  @Test
  void updatesWithAWrongKeyOrNoKeyAreRefused() throws IOException {
    TSIG wrongSecret = new TSIG(TSIG.HMAC_SHA256, bind.tsigKeyName(), PowerDnsServerIT.randomSecret());
    TSIG unknownKey = new TSIG(TSIG.HMAC_SHA256, "someone-else.", PowerDnsServerIT.randomSecret());

    List<Message> responses =
        List.of(
            sendPtrUpdate(wrongSecret, "10.2.0.192.in-addr.arpa.", "evil.example.com."),
            sendPtrUpdate(unknownKey, "10.2.0.192.in-addr.arpa.", "evil.example.com."),
            sendPtrUpdate(null, "10.2.0.192.in-addr.arpa.", "evil.example.com."));

    assertThat(responses)
        .extracting(m -> Rcode.string(m.getRcode()))
        .allMatch(rcode -> rcode.equals("NOTAUTH") || rcode.equals("REFUSED"), "NOTAUTH or REFUSED");
    assertThat(Dig.answers(bind.dnsAddress(), "10.2.0.192.in-addr.arpa", Type.PTR)).containsExactly("old.example.com.");
  }

  @Test
  void helperUpdatesPublishAndDeleteRecords() throws IOException {
    bind.ptr("192.0.2.20", "a.example.com", "b.example.com");
    bind.replace("out.example.com", "A", 60, "192.0.2.20");
    bind.replace("www.example.com", "CNAME", 60, "out.example.com.");

    assertThat(Dig.answers(bind.dnsAddress(), "20.2.0.192.in-addr.arpa", Type.PTR)).containsExactly("a.example.com.", "b.example.com.");
    assertThat(Dig.answers(bind.dnsAddress(), "www.example.com", Type.A)).containsExactly("192.0.2.20");

    bind.delete("20.2.0.192.in-addr.arpa", "PTR");
    assertThat(Rcode.string(Dig.query(bind.dnsAddress(), "20.2.0.192.in-addr.arpa", Type.PTR).getRcode())).isEqualTo("NXDOMAIN");
  }

  @Test
  void restartKeepsPortAndUpdatesFromTheJournal() throws IOException {
    bind.replace("journal.example.com", "A", 60, "192.0.2.30");
    int port = bind.dnsAddress().getPort();

    bind.restart();

    assertThat(bind.dnsAddress().getPort()).isEqualTo(port);
    assertThat(Dig.answers(bind.dnsAddress(), "journal.example.com", Type.A)).containsExactly("192.0.2.30");
  }

  @Test
  void aBadSeedLineFailsAtStartWithBindsMessage() {
    assertThatThrownBy(() -> BindServer.start(List.of("example.org"), List.of("x.example.org. 60 IN BOGUS 1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unknown RR type 'BOGUS'");
  }

  @Test
  void twoServersRunSideBySideAndCloseRemovesProcessAndTempDir() throws IOException {
    ProcessHandle firstProcess;
    ProcessHandle secondProcess;
    Path firstDir;
    Path secondDir;
    try (BindServer first = BindServer.start(List.of("example.net"));
        BindServer second = BindServer.start(List.of("example.net"))) {
      firstProcess = first.processHandle();
      secondProcess = second.processHandle();
      firstDir = first.directory();
      secondDir = second.directory();
      assertThat(first.dnsAddress()).isNotEqualTo(second.dnsAddress());
      assertThat(first.tsigSecret()).isNotEqualTo(second.tsigSecret());

      first.replace("who.example.net", "A", 60, "192.0.2.101");
      second.replace("who.example.net", "A", 60, "192.0.2.102");
      assertThat(Dig.answers(first.dnsAddress(), "who.example.net", Type.A)).containsExactly("192.0.2.101");
      assertThat(Dig.answers(second.dnsAddress(), "who.example.net", Type.A)).containsExactly("192.0.2.102");
      assertThat(first.logFile()).content().contains("all zones loaded");
    }
    assertThat(firstProcess.isAlive()).isFalse();
    assertThat(secondProcess.isAlive()).isFalse();
    assertThat(firstDir).doesNotExist();
    assertThat(secondDir).doesNotExist();
  }

  private static Message sendPtrUpdate(TSIG key, String name, String... targets) throws IOException {
    Update update = new Update(Name.fromString("2.0.192.in-addr.arpa."));
    update.delete(Name.fromString(name), Type.PTR);
    for (String target : targets) {
      update.add(Name.fromString(name), Type.PTR, 60, target);
    }
    SimpleResolver resolver = new SimpleResolver(bind.dnsAddress());
    resolver.setTimeout(Duration.ofSeconds(3));
    if (key != null) {
      resolver.setTSIGKey(key);
    }
    return resolver.send(update);
  }
}
