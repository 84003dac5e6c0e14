package dev.mailops.ptr.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.testing.BindServer;
import dev.mailops.ptr.testing.DnsFaultRelay;
import dev.mailops.ptr.testing.Dig;
import dev.mailops.ptr.testing.PowerDnsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.Type;

/** Rfc2136PtrProvider against a real BIND 9 and a real PowerDNS, both with TSIG-protected dynamic updates. */
class Rfc2136PtrProviderIT {
  private static final String WRONG_SECRET = Base64.getEncoder().encodeToString(new byte[32]);

  static Rfc2136PtrProvider provider(InetSocketAddress server, String zone, String key, String secret) {
    return new Rfc2136PtrProvider(new Rfc2136Settings(server, Optional.ofNullable(zone), 5, key, "hmac-sha256", secret,
        Duration.ofSeconds(2)));
  }

  static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  /**
   * Behind a relay that strips or corrupts the TSIG of the real server's answers, as a forger without the key
   * would send them: no read, set or reset is believed, although the server itself applied the (signed) update.
   */
  static void answersWithoutAValidSignatureAreNeverBelieved(InetSocketAddress server, String zone, String key,
      String secret, String ip) throws Exception {
    for (DnsFaultRelay.Mode mode : List.of(DnsFaultRelay.Mode.STRIP_TSIG, DnsFaultRelay.Mode.CORRUPT_TSIG)) {
      try (DnsFaultRelay relay = DnsFaultRelay.start(server)) {
        relay.faultAll(mode);
        Rfc2136PtrProvider provider = provider(relay.address(), zone, key, secret);
        String desired = "forged-" + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ".example.com";
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(() -> provider.read(ip(ip)),
            () -> provider.set(ip(ip), desired), () -> provider.reset(ip(ip)), provider::probe)) {
          assertThatThrownBy(call::execute).as(mode.name())
              .isInstanceOfSatisfying(ProviderException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("TSIG").contains(key).doesNotContain(secret);
              });
        }
      }
    }
    // the real server is reachable and the key right: the same calls succeed without the relay
    Rfc2136PtrProvider direct = provider(server, zone, key, secret);
    direct.probe();
    direct.read(ip(ip));
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Bind {
    BindServer bind;

    @BeforeAll
    void start() {
      bind = BindServer.start(
          List.of("100.51.198.in-addr.arpa", "64-26.100.51.198.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa"),
          List.of(
              "5.100.51.198.in-addr.arpa. 60 IN PTR old1.example.com.",
              "5.100.51.198.in-addr.arpa. 60 IN PTR old2.example.com.",
              "6.100.51.198.in-addr.arpa. 60 IN PTR keep.example.com.",
              "9.100.51.198.in-addr.arpa. 60 IN PTR gone.example.com.",
              "70.100.51.198.in-addr.arpa. 60 IN CNAME 70.64-26.100.51.198.in-addr.arpa.",
              "70.64-26.100.51.198.in-addr.arpa. 60 IN PTR classless-old.example.com."));
    }

    @AfterAll
    void stop() {
      if (bind != null) {
        bind.close();
      }
    }

    Rfc2136PtrProvider right(String zone) {
      return provider(bind.dnsAddress(), zone, bind.tsigKeyName(), bind.tsigSecret());
    }

    @Test
    void setReplacesEveryPtrWithExactlyTheDesiredOne() throws Exception {
      Rfc2136PtrProvider provider = right("100.51.198.in-addr.arpa");
      // two PTRs never read as one of them: the gate must not take "holds the desired name" from this
      assertThat(provider.read(ip("198.51.100.5")).value()).hasValueSatisfying(
          v -> assertThat(v).contains("old1.example.com").contains("old2.example.com"));
      PtrRecord set = provider.set(ip("198.51.100.5"), "mail5.example.com");
      assertThat(set).isEqualTo(PtrRecord.applied("mail5.example.com"));
      assertThat(Dig.answers(bind.dnsAddress(), "5.100.51.198.in-addr.arpa", Type.PTR))
          .containsExactly("mail5.example.com.");
      assertThat(provider.read(ip("198.51.100.5"))).isEqualTo(PtrRecord.applied("mail5.example.com"));
    }

    @Test
    void wrongKeyIsRefusedAsAuthenticationAndChangesNothing() throws Exception {
      Rfc2136PtrProvider wrong = provider(bind.dnsAddress(), "100.51.198.in-addr.arpa", bind.tsigKeyName(), WRONG_SECRET);
      assertThatThrownBy(() -> wrong.set(ip("198.51.100.6"), "evil.example.com"))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
            assertThat(e.getMessage()).doesNotContain(WRONG_SECRET).doesNotContain(bind.tsigSecret());
          });
      assertThatThrownBy(wrong::probe).isInstanceOfSatisfying(ProviderException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      Rfc2136PtrProvider unknownKey = provider(bind.dnsAddress(), "100.51.198.in-addr.arpa", "no-such-key",
          bind.tsigSecret());
      assertThatThrownBy(unknownKey::probe).isInstanceOfSatisfying(ProviderException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      assertThat(Dig.answers(bind.dnsAddress(), "6.100.51.198.in-addr.arpa", Type.PTR))
          .containsExactly("keep.example.com.");
    }

    @Test
    void probeSucceedsWithTheRightKeyWithAndWithoutZone() throws Exception {
      right("100.51.198.in-addr.arpa").probe();
      right(null).probe();
    }

    @Test
    void classlessDelegationCnameIsFollowedIntoTheChildZone() throws Exception {
      Rfc2136PtrProvider provider = right("100.51.198.in-addr.arpa");
      assertThat(provider.read(ip("198.51.100.70"))).isEqualTo(PtrRecord.applied("classless-old.example.com"));
      provider.set(ip("198.51.100.70"), "classless.example.com");
      assertThat(Dig.answers(bind.dnsAddress(), "70.64-26.100.51.198.in-addr.arpa", Type.PTR))
          .containsExactly("classless.example.com.");
      // the CNAME is left alone: no PTR next to it
      assertThat(Dig.answers(bind.dnsAddress(), "70.100.51.198.in-addr.arpa", Type.CNAME))
          .containsExactly("70.64-26.100.51.198.in-addr.arpa.");
      assertThat(provider.read(ip("198.51.100.70"))).isEqualTo(PtrRecord.applied("classless.example.com"));
    }

    @Test
    void zoneIsFoundBySoaWhenNotConfigured() throws Exception {
      Rfc2136PtrProvider provider = right(null);
      provider.set(ip("198.51.100.7"), "mail7.example.com");
      assertThat(Dig.answers(bind.dnsAddress(), "7.100.51.198.in-addr.arpa", Type.PTR))
          .containsExactly("mail7.example.com.");
      provider.set(ip("2001:db8::25"), "mx6.example.com");
      assertThat(provider.read(ip("2001:db8::25"))).isEqualTo(PtrRecord.applied("mx6.example.com"));
    }

    @Test
    void resetRemovesThePtr() throws Exception {
      Rfc2136PtrProvider provider = right(null);
      assertThat(provider.reset(ip("198.51.100.9"))).isEqualTo(PtrRecord.none());
      assertThat(Dig.answers(bind.dnsAddress(), "9.100.51.198.in-addr.arpa", Type.PTR)).isEmpty();
      assertThat(provider.read(ip("198.51.100.9"))).isEqualTo(PtrRecord.none());
    }

    @Test
    void nameOutsideTheServersZonesIsRejected() throws Exception {
      assertThatThrownBy(() -> right(null).set(ip("203.0.113.1"), "x.example.com"))
          .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED));
    }

    @Test
    void unsignedOrBadlySignedAnswersAreNeverBelieved() throws Exception {
      answersWithoutAValidSignatureAreNeverBelieved(bind.dnsAddress(), "100.51.198.in-addr.arpa", bind.tsigKeyName(),
          bind.tsigSecret(), "198.51.100.8");
    }

    @Test
    void deadServerIsUnavailable() throws Exception {
      Rfc2136PtrProvider dead = provider(new InetSocketAddress("127.0.0.1", 9), null, "k", WRONG_SECRET);
      assertThatThrownBy(() -> dead.read(ip("198.51.100.5")))
          .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class PowerDns {
    static final String KEY = "ptr-it-key";
    PowerDnsServer pdns;
    String secret;

    @BeforeAll
    void start() {
      pdns = PowerDnsServer.start();
      pdns.ptr("203.0.113.5", "old1.example.com", "old2.example.com");
      pdns.ptr("203.0.113.6", "keep.example.com");
      pdns.ptr("203.0.113.9", "gone.example.com");
      pdns.classlessPtr("203.0.113.70", 26, "classless-old.example.com");
      secret = pdns.addTsigKey(KEY, "hmac-sha256", "113.0.203.in-addr.arpa", "64/26.113.0.203.in-addr.arpa");
    }

    @AfterAll
    void stop() {
      if (pdns != null) {
        pdns.close();
      }
    }

    Rfc2136PtrProvider right(String zone) {
      return provider(pdns.dnsAddress(), zone, KEY, secret);
    }

    @Test
    void setReplacesEveryPtrWithExactlyTheDesiredOne() throws Exception {
      Rfc2136PtrProvider provider = right("113.0.203.in-addr.arpa");
      provider.set(ip("203.0.113.5"), "mail5.example.com");
      assertThat(Dig.answers(pdns.dnsAddress(), "5.113.0.203.in-addr.arpa", Type.PTR))
          .containsExactly("mail5.example.com.");
      assertThat(provider.read(ip("203.0.113.5"))).isEqualTo(PtrRecord.applied("mail5.example.com"));
    }

    @Test
    void wrongKeyIsRefusedAsAuthenticationAndChangesNothing() throws Exception {
      Rfc2136PtrProvider wrong = provider(pdns.dnsAddress(), "113.0.203.in-addr.arpa", KEY, WRONG_SECRET);
      assertThatThrownBy(() -> wrong.set(ip("203.0.113.6"), "evil.example.com"))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
            assertThat(e.getMessage()).doesNotContain(WRONG_SECRET).doesNotContain(secret);
          });
      assertThatThrownBy(wrong::probe).isInstanceOfSatisfying(ProviderException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      assertThat(Dig.answers(pdns.dnsAddress(), "6.113.0.203.in-addr.arpa", Type.PTR))
          .containsExactly("keep.example.com.");
    }

    @Test
    void probeSucceedsWithTheRightKeyWithAndWithoutZone() throws Exception {
      right("113.0.203.in-addr.arpa").probe();
      right(null).probe();
    }

    @Test
    void wrongKeyFailsEvenWithoutAZone() throws Exception {
      Rfc2136PtrProvider wrong = provider(pdns.dnsAddress(), null, KEY, WRONG_SECRET);
      assertThatThrownBy(wrong::probe).isInstanceOfSatisfying(ProviderException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      assertThatThrownBy(() -> wrong.read(ip("203.0.113.6"))).isInstanceOfSatisfying(ProviderException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
    }

    @Test
    void keyNotAllowedForTheZoneIsRefusedAsAuthentication() throws Exception {
      String other = pdns.addTsigKey("ptr-other-key", "hmac-sha256");
      Rfc2136PtrProvider notAllowed = provider(pdns.dnsAddress(), "113.0.203.in-addr.arpa", "ptr-other-key", other);
      assertThatThrownBy(() -> notAllowed.set(ip("203.0.113.6"), "evil.example.com"))
          .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      assertThatThrownBy(notAllowed::probe).isInstanceOfSatisfying(ProviderException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      assertThat(Dig.answers(pdns.dnsAddress(), "6.113.0.203.in-addr.arpa", Type.PTR))
          .containsExactly("keep.example.com.");
    }

    @Test
    void unsignedOrBadlySignedAnswersAreNeverBelieved() throws Exception {
      answersWithoutAValidSignatureAreNeverBelieved(pdns.dnsAddress(), "113.0.203.in-addr.arpa", KEY, secret,
          "203.0.113.8");
    }

    @Test
    void classlessDelegationCnameIsFollowedIntoTheChildZone() throws Exception {
      Rfc2136PtrProvider provider = right("113.0.203.in-addr.arpa");
      provider.set(ip("203.0.113.70"), "classless.example.com");
      assertThat(Dig.answers(pdns.dnsAddress(), "70.64/26.113.0.203.in-addr.arpa", Type.PTR))
          .containsExactly("classless.example.com.");
      assertThat(provider.read(ip("203.0.113.70"))).isEqualTo(PtrRecord.applied("classless.example.com"));
    }

    @Test
    void zoneIsFoundBySoaAndResetRemovesThePtr() throws Exception {
      Rfc2136PtrProvider provider = right(null);
      provider.set(ip("203.0.113.7"), "mail7.example.com");
      assertThat(Dig.answers(pdns.dnsAddress(), "7.113.0.203.in-addr.arpa", Type.PTR))
          .containsExactly("mail7.example.com.");
      provider.reset(ip("203.0.113.9"));
      assertThat(Dig.answers(pdns.dnsAddress(), "9.113.0.203.in-addr.arpa", Type.PTR)).isEmpty();
      assertThat(provider.read(ip("203.0.113.9"))).isEqualTo(PtrRecord.none());
    }
  }

  @Test
  void settingsNeverPrintTheSecret() {
    var settings = new Rfc2136Settings(new InetSocketAddress("127.0.0.1", 53), Optional.empty(), 3600, "k", null,
        WRONG_SECRET, null);
    assertThat(settings.toString()).doesNotContain(WRONG_SECRET).contains("redacted");
    assertThat(settings.algorithm()).isEqualTo("hmac-sha256");
  }
}
