package dev.mailops.ptr.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

class PowerDnsServerIT {

  private static PowerDnsServer pdns;

  @BeforeAll
  static void startServer() {
    pdns = PowerDnsServer.start();
  }

  @AfterAll
  static void stopServer() {
    pdns.close();
  }

  @Test
  void ptrCreatedThroughTheApiIsServedOverUdp() throws IOException {
    pdns.ptr("192.0.2.10", "mail.example.com");
    pdns.ptr("2001:db8::25", "mail6.example.com");

    assertThat(Dig.answers(pdns.dnsAddress(), "10.2.0.192.in-addr.arpa", Type.PTR))
        .containsExactly("mail.example.com.");
    assertThat(Dig.answers(pdns.dnsAddress(), "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", Type.PTR))
        .containsExactly("mail6.example.com.");
  }

  @Test
  void classlessDelegationCnameChainIsFollowedToThePtr() throws IOException {
    String target = pdns.classlessPtr("198.51.100.70", 26, "mx.example.net");

    assertThat(target).isEqualTo("70.64/26.100.51.198.in-addr.arpa.");
    Message response = Dig.query(pdns.dnsAddress(), "70.100.51.198.in-addr.arpa", Type.PTR);
    assertThat(response.getSection(Section.ANSWER))
        .extracting(r -> Type.string(r.getType()) + " " + r.rdataToString())
        .containsExactly("CNAME 70.64/26.100.51.198.in-addr.arpa.", "PTR mx.example.net.");
  }

  @Test
  void tsigSignedUpdateIsAcceptedWithTheRightKeyAndRefusedWithAWrongOne() throws IOException {
    pdns.createZone("113.0.203.in-addr.arpa");
    String secret = pdns.addTsigKey("ptr-updater", "hmac-sha256", "113.0.203.in-addr.arpa");
    String ptrName = "7.113.0.203.in-addr.arpa";

    Message accepted = sendPtrUpdate(new TSIG(TSIG.HMAC_SHA256, "ptr-updater.", secret), "good.example.com.");
    assertThat(Rcode.string(accepted.getRcode())).isEqualTo("NOERROR");
    assertThat(Dig.answers(pdns.dnsAddress(), ptrName, Type.PTR)).containsExactly("good.example.com.");

    Message wrongSecret = sendPtrUpdate(new TSIG(TSIG.HMAC_SHA256, "ptr-updater.", randomSecret()), "evil.example.com.");
    Message unknownKey = sendPtrUpdate(new TSIG(TSIG.HMAC_SHA256, "someone-else.", randomSecret()), "evil.example.com.");
    Message unsigned = sendPtrUpdate(null, "evil.example.com.");
    assertThat(List.of(wrongSecret, unknownKey, unsigned))
        .extracting(m -> Rcode.string(m.getRcode()))
        .allMatch(rcode -> rcode.equals("NOTAUTH") || rcode.equals("REFUSED"), "NOTAUTH or REFUSED");
    assertThat(Dig.answers(pdns.dnsAddress(), ptrName, Type.PTR)).containsExactly("good.example.com.");
  }

  @Test
  void aChangedRecordIsServedImmediately() throws IOException {
    pdns.a("web.example.org", "192.0.2.1");
    assertThat(Dig.answers(pdns.dnsAddress(), "web.example.org", Type.A)).containsExactly("192.0.2.1");

    pdns.a("web.example.org", "192.0.2.2", "192.0.2.3");
    assertThat(Dig.answers(pdns.dnsAddress(), "web.example.org", Type.A)).containsExactly("192.0.2.2", "192.0.2.3");

    pdns.deleteRecords("web.example.org", "A");
    assertThat(Rcode.string(Dig.query(pdns.dnsAddress(), "web.example.org", Type.A).getRcode())).isEqualTo("NXDOMAIN");

    pdns.aaaa("web.example.org", "2001:db8::1");
    pdns.cname("www.example.org", "web.example.org");
    assertThat(Dig.answers(pdns.dnsAddress(), "www.example.org", Type.AAAA)).containsExactly("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void queryCountGrowsWithServedQueries() throws IOException {
    long before = pdns.queryCount();
    for (int i = 0; i < 3; i++) {
      Dig.query(pdns.dnsAddress(), "nothing.example.invalid", Type.A);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> pdns.queryCount() >= before + 3);
  }

  @Test
  void pausedServerIsSilentAndAnswersAgainAfterResume() throws IOException {
    pdns.a("pause.example.org", "192.0.2.5");
    pdns.pause();
    try {
      SimpleResolver resolver = new SimpleResolver(pdns.dnsAddress());
      resolver.setTimeout(Duration.ofMillis(500));
      Message query = Message.newQuery(Record.newRecord(Name.fromString("pause.example.org."), Type.A, 1));
      assertThatThrownBy(() -> resolver.send(query)).isInstanceOf(IOException.class);
    } finally {
      pdns.resume();
    }
    assertThat(Dig.answers(pdns.dnsAddress(), "pause.example.org", Type.A)).containsExactly("192.0.2.5");
  }

  @Test
  void restartKeepsPortsAndRecords() throws IOException {
    pdns.a("restart.example.org", "192.0.2.6");
    InetSocketAddress before = pdns.dnsAddress();
    long pidBefore = pdns.processHandle().pid();

    pdns.restart();

    assertThat(pdns.dnsAddress()).isEqualTo(before);
    assertThat(pdns.processHandle().pid()).isNotEqualTo(pidBefore);
    assertThat(Dig.answers(pdns.dnsAddress(), "restart.example.org", Type.A)).containsExactly("192.0.2.6");
  }

  @Test
  void twoServersRunSideBySideAndCloseRemovesProcessAndTempDir() throws IOException {
    ProcessHandle firstProcess;
    ProcessHandle secondProcess;
    Path firstDir;
    Path secondDir;
    try (PowerDnsServer first = PowerDnsServer.start();
        PowerDnsServer second = PowerDnsServer.start()) {
      firstProcess = first.processHandle();
      secondProcess = second.processHandle();
      firstDir = first.directory();
      secondDir = second.directory();
      assertThat(first.dnsAddress()).isNotEqualTo(second.dnsAddress());
      assertThat(first.apiUrl()).isNotEqualTo(second.apiUrl());

      first.a("who.example.com", "192.0.2.101");
      second.a("who.example.com", "192.0.2.102");
      assertThat(Dig.answers(first.dnsAddress(), "who.example.com", Type.A)).containsExactly("192.0.2.101");
      assertThat(Dig.answers(second.dnsAddress(), "who.example.com", Type.A)).containsExactly("192.0.2.102");
      assertThat(Files.readString(first.logFile())).contains("UDP server bound to " + "127.0.0.1:" + first.dnsAddress().getPort());
    }
    assertThat(firstProcess.isAlive()).isFalse();
    assertThat(secondProcess.isAlive()).isFalse();
    assertThat(firstDir).doesNotExist();
    assertThat(secondDir).doesNotExist();
  }

  private static Message sendPtrUpdate(TSIG key, String target) throws IOException {
    Update update = new Update(Name.fromString("113.0.203.in-addr.arpa."));
    update.replace(Name.fromString("7.113.0.203.in-addr.arpa."), Type.PTR, 60, target);
    SimpleResolver resolver = new SimpleResolver(pdns.dnsAddress());
    resolver.setTimeout(Duration.ofSeconds(3));
    if (key != null) {
      resolver.setTSIGKey(key);
    }
    return resolver.send(update);
  }

  static String randomSecret() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
