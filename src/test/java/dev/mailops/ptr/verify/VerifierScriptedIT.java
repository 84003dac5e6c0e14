package dev.mailops.ptr.verify;

import static dev.mailops.ptr.verify.ScriptedDnsServer.a;
import static dev.mailops.ptr.verify.ScriptedDnsServer.aaaa;
import static dev.mailops.ptr.verify.ScriptedDnsServer.cname;
import static dev.mailops.ptr.verify.ScriptedDnsServer.ptr;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The Verifier against {@link ScriptedDnsServer} on 127.0.0.1 (binds sockets, hence IT). */
class VerifierScriptedIT {
  private static final String IP = "192.0.2.10";
  private static final String REV = "10.2.0.192.in-addr.arpa";
  private static final String IP6 = "2001:db8::10";
  private static final String REV6 = ReverseNames.of(IpAddresses.parse(IP6));

  private ScriptedDnsServer dns;
  private Verifier verifier;

  @BeforeEach
  void start() throws Exception {
    dns = new ScriptedDnsServer();
    verifier = new Verifier(settings(dns.address()));
  }

  @AfterEach
  void stop() {
    verifier.close();
    dns.close();
  }

  private static DnsSettings settings(InetSocketAddress... servers) {
    return DnsSettings.of(List.of(servers)).withTimeout(Duration.ofMillis(400)).withRetries(1);
  }

  private Verification verify(String ip, String hostname, String domain) throws Exception {
    return verify(verifier, ip, hostname, domain);
  }

  private static Verification verify(Verifier v, String ip, String hostname, String domain)
      throws Exception {
    return v.verify(VerificationRequest.of(ip, hostname, domain)).get(30, TimeUnit.SECONDS);
  }

  private static void assertVerdict(Verification v, Check check, Outcome outcome, Reason reason) {
    assertThat(v.verdict(check)).as(check + " " + v.verdict(check))
        .extracting(Verdict::outcome, Verdict::reason).containsExactly(outcome, reason);
  }

  @Test
  void systemResolversAreUsedWhenNoServerIsGiven() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com."))
        .answer("mail.example.com", Type.A, a("mail.example.com", IP));
    // dnsjava's system configuration reads the dns.server property before /etc/resolv.conf
    String before = System.getProperty("dns.server");
    System.setProperty("dns.server", "127.0.0.1:" + dns.address().getPort());
    org.xbill.DNS.ResolverConfig.refresh();
    try (Verifier system = new Verifier(DnsSettings.defaults().withTimeout(Duration.ofMillis(400)).withRetries(1))) {
      Verification v = verify(system, IP, "mail.example.com", null);
      assertThat(v.ptrNames()).as("answered by the system's resolver, the scripted server").containsExactly(
          "mail.example.com");
      assertThat(v.compliant()).isTrue();
    } finally {
      if (before == null) {
        System.clearProperty("dns.server");
      } else {
        System.setProperty("dns.server", before);
      }
      org.xbill.DNS.ResolverConfig.refresh();
    }
  }

  @Test
  void compliantIpv4() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com."))
        .answer("mail.example.com", Type.A, a("mail.example.com", IP));
    Verification v = verify(IP, "Mail.Example.com.", "example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
    assertThat(v.compliant()).as(v.verdicts().toString()).isTrue();
    assertThat(v.temporaryFailure()).isFalse();
    assertThat(v.reverseName()).isEqualTo(REV);
    assertThat(v.ptrNames()).containsExactly("mail.example.com");
    assertThat(v.forwardName()).isEqualTo("mail.example.com");
    assertThat(v.forwardAddresses()).containsExactly(IpAddresses.parse(IP));
    assertThat(v.desiredHostnameForward()).isEqualTo(Outcome.PASS);
    assertVerdict(v, Check.PTR_PRESENT, Outcome.PASS, Reason.PTR_FOUND);
    assertVerdict(v, Check.SINGLE_PTR, Outcome.PASS, Reason.SINGLE_PTR_RECORD);
    assertVerdict(v, Check.PTR_MATCHES_HOSTNAME, Outcome.PASS, Reason.PTR_MATCHES);
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.PASS, Reason.FORWARD_CONFIRMED);
    assertVerdict(v, Check.HOSTNAME_MEANINGFUL, Outcome.PASS, Reason.HOSTNAME_MEANINGFUL);
    // the desired hostname's lookup is reused for the PTR name
    assertThat(dns.queries("mail.example.com", Type.A)).isEqualTo(1);
  }

  @Test
  void compliantIpv6ComparesAddressesNotText() throws Exception {
    dns.answer(REV6, Type.PTR, ptr(REV6, "mail6.example.com"))
        .answer("mail6.example.com", Type.AAAA, aaaa("mail6.example.com", "2001:0db8:0:0:0:0:0:0010"));
    Verification v = verify("2001:DB8:0::10", "mail6.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
    assertThat(v.compliant()).as(v.verdicts().toString()).isTrue();
    assertThat(v.forwardAddresses()).containsExactly(IpAddresses.parse(IP6));
  }

  @Test
  void noHostnameRequestedChecksWhateverPtrExists() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com"))
        .answer("mail.example.com", Type.A, a("mail.example.com", IP));
    Verification v = verify(IP, null, null);
    assertThat(v.compliant()).isTrue();
    assertVerdict(v, Check.PTR_MATCHES_HOSTNAME, Outcome.PASS, Reason.NO_HOSTNAME_REQUESTED);
    assertThat(v.desiredHostnameForward()).isEqualTo(Outcome.NONE);
  }

  @Test
  void nxdomainMeansNoPtrAndPermerror() throws Exception {
    dns.answer("mail.example.com", Type.A, a("mail.example.com", IP));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.PERMERROR);
    assertThat(v.ptrNames()).isEmpty();
    assertVerdict(v, Check.PTR_PRESENT, Outcome.FAIL, Reason.NO_PTR_RECORD);
    assertVerdict(v, Check.SINGLE_PTR, Outcome.FAIL, Reason.NO_PTR_RECORD);
    assertVerdict(v, Check.PTR_MATCHES_HOSTNAME, Outcome.FAIL, Reason.NO_PTR_RECORD);
    assertThat(v.verdict(Check.PTR_PRESENT).detail()).contains("NXDOMAIN").contains(IP);
    // the desired hostname is in place: a provider may be asked to set the PTR
    assertThat(v.forwardName()).isEqualTo("mail.example.com");
    assertThat(v.desiredHostnameForward()).isEqualTo(Outcome.PASS);
    assertThat(v.temporaryFailure()).isFalse();
    // nothing is forward-confirmed without a PTR, but the user learns the A record is already right
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.FAIL, Reason.NO_PTR_RECORD);
    assertThat(v.verdict(Check.FORWARD_CONFIRMED).detail()).contains("mail.example.com already resolves to " + IP);
  }

  @Test
  void nodataMeansNoPtr() throws Exception {
    dns.nodata(REV, Type.PTR);
    Verification v = verify(IP, null, null);
    assertThat(v.iprev()).isEqualTo(Iprev.PERMERROR);
    assertVerdict(v, Check.PTR_PRESENT, Outcome.FAIL, Reason.NO_PTR_RECORD);
    assertVerdict(v, Check.PTR_MATCHES_HOSTNAME, Outcome.PASS, Reason.NO_HOSTNAME_REQUESTED);
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.FAIL, Reason.NO_PTR_RECORD);
    assertThat(v.forwardName()).isNull();
  }

  @Test
  void ptrMismatchIsReportedWithBothNames() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "x.example.com"))
        .answer("x.example.com", Type.A, a("x.example.com", IP))
        .answer("mail.example.com", Type.A, a("mail.example.com", "192.0.2.99"));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
    assertVerdict(v, Check.PTR_MATCHES_HOSTNAME, Outcome.FAIL, Reason.PTR_MISMATCH);
    assertThat(v.verdict(Check.PTR_MATCHES_HOSTNAME).detail())
        .isEqualTo("PTR is x.example.com, expected mail.example.com");
    assertThat(v.forwardName()).isEqualTo("x.example.com");
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.PASS, Reason.FORWARD_CONFIRMED);
    assertThat(v.desiredHostnameForward()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void multiplePtrsFailSinglePtrButMatchWhenDesiredIsAmongThem() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "a.example.com"), ptr(REV, "mail.example.com"))
        .answer("mail.example.com", Type.A, a("mail.example.com", IP))
        .answer("a.example.com", Type.A, a("a.example.com", "192.0.2.1"));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.ptrNames()).containsExactly("a.example.com", "mail.example.com");
    assertVerdict(v, Check.SINGLE_PTR, Outcome.FAIL, Reason.MULTIPLE_PTR_RECORDS);
    assertThat(v.verdict(Check.SINGLE_PTR).detail()).contains("2 PTR records")
        .contains("a.example.com, mail.example.com");
    assertVerdict(v, Check.PTR_MATCHES_HOSTNAME, Outcome.PASS, Reason.PTR_MATCHES);
    assertThat(v.forwardName()).isEqualTo("mail.example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
  }

  @Test
  void noForwardRecordFailsIprev() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com"));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.FAIL);
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.FAIL, Reason.NO_FORWARD_RECORD);
    assertThat(v.forwardAddresses()).isEmpty();
    assertThat(v.desiredHostnameForward()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void forwardMismatchListsAddresses() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com"))
        .answer("mail.example.com", Type.A, a("mail.example.com", "192.0.2.99"));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.FAIL);
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.FAIL, Reason.FORWARD_MISMATCH);
    assertThat(v.verdict(Check.FORWARD_CONFIRMED).detail())
        .isEqualTo("mail.example.com resolves to 192.0.2.99, not 192.0.2.10");
    assertThat(v.forwardAddresses()).containsExactly(IpAddresses.parse("192.0.2.99"));
  }

  @Test
  void forwardViaCnameInAnotherAnswer() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com"))
        .answer("mail.example.com", Type.A, cname("mail.example.com", "host.example.net"))
        .answer("host.example.net", Type.A, a("host.example.net", IP));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.PASS, Reason.FORWARD_CONFIRMED);
  }

  @Test
  void forwardViaCnameInTheSameAnswer() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com"))
        .answer("mail.example.com", Type.A, cname("mail.example.com", "host.example.net"),
            a("host.example.net", IP));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
    assertThat(dns.queries("host.example.net", Type.A)).isZero();
  }

  @Test
  void rfc2317ClasslessDelegationCnameIsFollowed() throws Exception {
    String classless = "10.0/26.2.0.192.in-addr.arpa";
    dns.answer(REV, Type.PTR, cname(REV, classless))
        .answer(classless, Type.PTR, ptr(classless, "mail.example.com"))
        .answer("mail.example.com", Type.A, a("mail.example.com", IP));
    Verification v = verify(IP, "mail.example.com", "example.com");
    assertThat(v.ptrNames()).containsExactly("mail.example.com");
    assertThat(v.compliant()).as(v.verdicts().toString()).isTrue();
  }

  @Test
  void cnameLoopIsPermanentAndBounded() throws Exception {
    dns.answer(REV, Type.PTR, cname(REV, "b.example.net"))
        .answer("b.example.net", Type.PTR, cname("b.example.net", REV));
    Verification v = verify(IP, null, null);
    assertThat(v.iprev()).isEqualTo(Iprev.PERMERROR);
    assertVerdict(v, Check.PTR_PRESENT, Outcome.FAIL, Reason.NO_PTR_RECORD);
    assertThat(v.verdict(Check.PTR_PRESENT).detail())
        .contains("CNAME loop: " + REV + " -> b.example.net -> " + REV);
  }

  @Test
  void overlongCnameChainIsTemporary() throws Exception {
    for (int i = 0; i < 12; i++) {
      String from = i == 0 ? REV : "c" + i + ".example.net";
      dns.answer(from, Type.PTR, cname(from, "c" + (i + 1) + ".example.net"));
    }
    Verification v = verify(IP, null, null);
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertThat(v.verdict(Check.PTR_PRESENT).detail()).contains("longer than 8");
  }

  @Test
  void servfailIsTemporaryNeverFail() throws Exception {
    dns.rcode(REV, Type.PTR, Rcode.SERVFAIL);
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertThat(v.temporaryFailure()).isTrue();
    for (Check c : List.of(Check.PTR_PRESENT, Check.SINGLE_PTR, Check.PTR_MATCHES_HOSTNAME,
        Check.FORWARD_CONFIRMED)) {
      assertVerdict(v, c, Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE);
    }
    assertThat(v.verdict(Check.PTR_PRESENT).detail()).contains("SERVFAIL from "
        + DnsClient.describe(dns.address()) + " for " + REV + "/PTR");
    assertVerdict(v, Check.HOSTNAME_MEANINGFUL, Outcome.PASS, Reason.HOSTNAME_MEANINGFUL);
    // one server: an rcode failure is not retried against the same server
    assertThat(dns.queries(REV, Type.PTR)).isEqualTo(1);
  }

  @Test
  void ptrTemporaryFailureWithoutHostnameLeavesHostnameMeaningfulUnknown() throws Exception {
    dns.rcode(REV, Type.PTR, Rcode.SERVFAIL);
    Verification v = verify(IP, null, "example.com");
    // no name was seen: nothing can be said about whether it looks chosen
    assertVerdict(v, Check.HOSTNAME_MEANINGFUL, Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE);
    assertThat(v.verdict(Check.HOSTNAME_MEANINGFUL).detail()).contains("SERVFAIL");
  }

  @Test
  void refusedIsTemporary() throws Exception {
    dns.rcode(REV, Type.PTR, Rcode.REFUSED);
    assertThat(verify(IP, null, null).iprev()).isEqualTo(Iprev.TEMPERROR);
  }

  @Test
  void answerToAnotherQuestionIsTemporary() throws Exception {
    dns.wrongQuestion(REV, Type.PTR, ptr(REV, "mail.example.com"));
    Verification v = verify(IP, null, null);
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertVerdict(v, Check.PTR_PRESENT, Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE);
  }

  @Test
  void silentServerIsTemporaryAfterRetries() throws Exception {
    dns.silent(REV, Type.PTR);
    Verification v = verify(IP, null, null);
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertVerdict(v, Check.PTR_PRESENT, Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE);
    assertThat(dns.queries(REV, Type.PTR)).isEqualTo(2); // first attempt + 1 retry
  }

  @Test
  void retryGoesToTheNextServer() throws Exception {
    try (ScriptedDnsServer good = new ScriptedDnsServer();
        Verifier two = new Verifier(settings(dns.address(), good.address()))) {
      dns.silent(REV, Type.PTR).silent("mail.example.com", Type.A);
      good.answer(REV, Type.PTR, ptr(REV, "mail.example.com"))
          .answer("mail.example.com", Type.A, a("mail.example.com", IP));
      Verification v = verify(two, IP, "mail.example.com", null);
      assertThat(v.iprev()).isEqualTo(Iprev.PASS);
      assertThat(v.compliant()).isTrue();
    }
  }

  @Test
  void temporaryForwardFailureIsTemperrorNotFail() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com"))
        .rcode("mail.example.com", Type.A, Rcode.SERVFAIL);
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertVerdict(v, Check.PTR_PRESENT, Outcome.PASS, Reason.PTR_FOUND);
    assertVerdict(v, Check.FORWARD_CONFIRMED, Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE);
    assertThat(v.desiredHostnameForward()).isEqualTo(Outcome.UNKNOWN);
  }

  @Test
  void truncatedUdpAnswerIsRetriedOverTcp() throws Exception {
    dns.truncateUdp(REV, Type.PTR, ptr(REV, "mail.example.com"))
        .answer("mail.example.com", Type.A, a("mail.example.com", IP));
    Verification v = verify(IP, "mail.example.com", null);
    assertThat(v.ptrNames()).containsExactly("mail.example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
  }

  @Test
  void hostileAnswerWith300PtrsIsBounded() throws Exception {
    dns.answer(REV, Type.PTR, ScriptedDnsServer.manyPtrs(REV, 300))
        .answer("h0.example.com", Type.A, a("h0.example.com", IP));
    Verification v = verify(IP, null, null);
    assertThat(v.ptrNames()).hasSize(Verifier.MAX_PTR_NAMES).startsWith("h0.example.com");
    assertVerdict(v, Check.SINGLE_PTR, Outcome.FAIL, Reason.MULTIPLE_PTR_RECORDS);
    assertThat(v.verdict(Check.SINGLE_PTR).detail()).contains("300 PTR records")
        .contains("and 295 more");
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
    // only the first maxForwardNames names were resolved forward
    assertThat(dns.queries("h10.example.com", Type.A)).isZero();
    assertThat(dns.queries("h9.example.com", Type.A)).isEqualTo(1);
  }

  @Test
  void hostilePtrTargetWithOddBytesIsJudgedGeneric() throws Exception {
    Name odd = Name.fromString("ma\\000il\\.x\\255.example.com.");
    dns.answer(REV, Type.PTR, ptr(REV, odd));
    Verification v = verify(IP, null, null);
    assertThat(v.ptrNames()).hasSize(1);
    assertVerdict(v, Check.HOSTNAME_MEANINGFUL, Outcome.FAIL, Reason.GENERIC_HOSTNAME);
    assertThat(v.verdict(Check.HOSTNAME_MEANINGFUL).detail()).contains("not a valid host name");
  }

  @Test
  void manyConcurrentVerificationsComplete() throws Exception {
    dns.answer(REV, Type.PTR, ptr(REV, "mail.example.com"))
        .answer("mail.example.com", Type.A, a("mail.example.com", IP));
    List<CompletableFuture<Verification>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(verifier.verify(VerificationRequest.of(IP, "mail.example.com", null)));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    long passing = all.stream().filter(f -> f.join().iprev() == Iprev.PASS).count();
    // a scripted single-threaded server may drop some datagrams under load; none may FAIL
    assertThat(all).allSatisfy(f -> assertThat(f.join().iprev()).isIn(Iprev.PASS, Iprev.TEMPERROR));
    assertThat(passing).isPositive();
  }

  @Test
  void closedVerifierAnswersTemperror() throws Exception {
    verifier.close();
    Verification v = verify(IP, null, null);
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertVerdict(v, Check.HOSTNAME_MEANINGFUL, Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE);
  }
}
