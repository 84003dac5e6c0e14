package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Verifier pieces that need no sockets. */
class VerifierTest {

  @Test
  void requestNormalisesInput() {
    VerificationRequest r = VerificationRequest.of("2001:DB8::10", " Mail.Example.COM. ", "Example.com");
    assertThat(r.ip()).isEqualTo(IpAddresses.parse("2001:db8::10"));
    assertThat(r.hostname()).hasValue("mail.example.com");
    assertThat(r.domain()).hasValue("example.com");
    assertThat(VerificationRequest.of("192.0.2.10", null, "  ").hostname()).isEmpty();
    assertThat(VerificationRequest.of("192.0.2.10", "", null).domain()).isEmpty();
  }

  @Test
  void requestRejectsBadInputNamingTheField() {
    assertThatThrownBy(() -> VerificationRequest.of("192.0.2.300", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ip: ");
    assertThatThrownBy(() -> VerificationRequest.of("192.0.2.1", "bad_name.example", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("hostname: ");
    assertThatThrownBy(() -> VerificationRequest.of("192.0.2.1", null, "a..b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("domain: ");
  }

  @Test
  void settingsDefaultsAndValidation() {
    DnsSettings d = DnsSettings.defaults();
    assertThat(d.servers()).isEmpty();
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.retries()).isEqualTo(2);
    assertThat(d.maxCnameHops()).isEqualTo(8);
    assertThat(d.maxForwardNames()).isEqualTo(10);
    assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withRetries(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serverAddressesParseWithoutLookups() {
    assertThat(DnsSettings.parseServer("127.0.0.1:5300"))
        .isEqualTo(new InetSocketAddress(IpAddresses.parse("127.0.0.1"), 5300));
    assertThat(DnsSettings.parseServer("192.0.2.53").getPort()).isEqualTo(53);
    assertThat(DnsSettings.parseServer("[::1]:5300"))
        .isEqualTo(new InetSocketAddress(IpAddresses.parse("::1"), 5300));
    assertThat(DnsSettings.parseServer("2001:db8::53").getPort()).isEqualTo(53);
    assertThatThrownBy(() -> DnsSettings.parseServer("ns1.example.com:53"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnsSettings.parseServer("127.0.0.1:99999"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closedVerifierCompletesWithTemperrorWithoutDns() throws Exception {
    Verifier v = new Verifier(DnsSettings.of(List.of(DnsSettings.parseServer("127.0.0.1:9"))));
    v.close();
    Verification r = v.verify(VerificationRequest.of("192.0.2.10", "mail.example.com", "example.com"))
        .get(5, TimeUnit.SECONDS);
    assertThat(r.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertThat(r.temporaryFailure()).isTrue();
    assertThat(r.compliant()).isFalse();
    assertThat(r.verdicts()).containsOnlyKeys(Check.values());
    assertThat(r.verdict(Check.HOSTNAME_MEANINGFUL).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void verificationRequiresEveryVerdict() {
    assertThatThrownBy(() -> new Verification(IpAddresses.parse("192.0.2.10"), "r", Optional.empty(),
        Optional.empty(), Iprev.PASS, List.of(), null, List.of(), Outcome.NONE,
        java.util.Map.of(), java.time.Instant.now()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
