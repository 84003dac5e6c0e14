package dev.mailops.ptr.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.api.AuthoritativeStatus;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.verify.authority.AuthoritativeView;
import dev.mailops.ptr.verify.authority.ServerAnswer;
import dev.mailops.ptr.verify.authority.ZoneView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropagationTest {
  private static final Instant CHANGED = Instant.parse("2026-11-28T10:00:00Z");
  private static final Instant NOW = CHANGED.plusSeconds(60);

  private static AuthoritativeView servers(String ns1, String ns2, long ttl) {
    return new AuthoritativeView(List.of(new ZoneView("2.0.192.in-addr.arpa", "10.2.0.192.in-addr.arpa", "PTR",
        "ns1.example.net", List.of(ServerAnswer.answered("ns1.example.net", "192.0.2.1", ns1, 6L, ttl),
            ServerAnswer.answered("ns2.example.net", "192.0.2.2", ns2, 6L, ttl)), null)), NOW);
  }

  private static ProviderSync pending() {
    return ProviderSync.pending(new ProviderState("isp", "new.example.com", "Applied",
        Conditions.timestamp(CHANGED)), "ReverseDnsProvider isp holds the PTR; waiting for DNS to show it",
        Duration.ofSeconds(10));
  }

  /** The status before the change: both servers answered the old name with a one-hour TTL. */
  private static SendingIpStatus before() {
    SendingIpStatus status = new SendingIpStatus();
    AuthoritativeStatus authoritative = new AuthoritativeStatus();
    authoritative.setZones(List.of(new AuthoritativeStatus.AuthoritativeZone("2.0.192.in-addr.arpa",
        "10.2.0.192.in-addr.arpa", "PTR", "ns1.example.net", null, List.of(
            new AuthoritativeStatus.AuthoritativeServer("ns1.example.net", "192.0.2.1", "Answered",
                "old.example.com", 5L, 3600L, null)))));
    status.setAuthoritative(authoritative);
    return status;
  }

  @Test
  void updatePendingEndsWhenEveryAuthoritativeServerShowsTheNewNameAndSaysUntilWhenCachesMayHoldTheOld() {
    ProviderSync settled = Propagation.settle(pending(), servers("new.example.com", "new.example.com", 300),
        before(), NOW);
    assertThat(settled.reason()).isEqualTo("Propagating");
    assertThat(settled.status()).isEqualTo("True");
    assertThat(settled.message()).contains("All 2 authoritative servers of 2.0.192.in-addr.arpa answer "
        + "new.example.com").contains("until 2026-11-28T11:00:00Z (the old record's TTL of 3600s, counted from the "
        + "change at 2026-11-28T10:00:00Z)");
    assertThat(settled.underWay()).isTrue();
    // looked at again when caches expire, not every few seconds
    assertThat(settled.retryAfter()).isEqualTo(Duration.ofSeconds(3600 - 60 + 1));
  }

  @Test
  void updateStaysPendingWhileOneAuthoritativeServerStillHasTheOldName() {
    ProviderSync provider = pending();
    assertThat(Propagation.settle(provider, servers("new.example.com", "old.example.com", 300), before(), NOW))
        .isSameAs(provider);
  }

  @Test
  void withoutTheOldRecordsTtlTheNewRecordsTtlIsUsedAndSaidSo() {
    ProviderSync settled = Propagation.settle(pending(), servers("new.example.com", "new.example.com", 300), null,
        NOW);
    assertThat(settled.message()).contains("until 2026-11-28T10:05:00Z")
        .contains("the old record's TTL is not known here");
  }

  @Test
  void onceTheOldTtlHasRunOutTheProviderIsInSync() {
    ProviderSync settled = Propagation.settle(pending(), servers("new.example.com", "new.example.com", 300),
        before(), CHANGED.plusSeconds(7200));
    assertThat(settled.reason()).isEqualTo("InSync");
    assertThat(settled.underWay()).isFalse();
  }
}
