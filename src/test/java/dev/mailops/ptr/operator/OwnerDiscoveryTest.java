package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.owner.Owner;
import dev.mailops.ptr.owner.OwnerSettings;
import dev.mailops.ptr.testing.SendingIps;
import dev.mailops.ptr.testing.CloudRangeFiles;
import dev.mailops.ptr.testing.SteppingClock;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Owner discovery's answer cache as the reconciler sees it. No RDAP service is configured, so a public IP is
 * answered "unknown" by the background lookup without a socket, and that answer holds for the failure-retry time;
 * an IP in a documentation range is answered at hand, in the check itself.
 */
class OwnerDiscoveryTest {
  private static final Instant START = Instant.parse("2026-11-30T12:00:00Z");

  private final SteppingClock clock = new SteppingClock(START);
  private final OwnerSettings settings =
      OwnerSettings.defaults().withBootstrap(List.of()).withFallbackServer(null).withFailureRetry(Duration.ofHours(1));
  private final OwnerDiscovery discovery = new OwnerDiscovery(settings, clock);

  @AfterEach
  void close() {
    discovery.close();
  }

  @Test
  void changedCloudRangesAreReadOnOwnerDiscoverysOwnScheduleAndNamedByTheNextLookup(@TempDir Path ranges)
      throws Exception {
    Path file = ranges.resolve("ip-ranges.json");
    Files.writeString(file, CloudRangeFiles.aws("3.5.140.0/22"));
    SendingIp sip = SendingIps.sendingIp("ns", "mx1", "185.199.0.30", "mail.example.com", null);
    InetAddress ip = InetAddress.getByName("185.199.0.30");
    try (OwnerDiscovery withRanges = new OwnerDiscovery(settings.withCloudRanges(ranges), clock,
        Duration.ofMillis(100))) {
      withRanges.current(sip, ip);
      await().atMost(Duration.ofSeconds(10)).until(() -> withRanges.current(sip, ip) != null);
      assertThat(withRanges.current(sip, ip).getReason()).contains("no RDAP service is known");

      Files.writeString(file, CloudRangeFiles.aws("3.5.140.0/22", "185.199.0.0/16"));
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
      // each look makes the last answer stale, so the next check asks what is at hand: once the schedule has read
      // the changed file, the cloud names the IP
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        clock.step(Duration.ofHours(1));
        OwnerStatus owner = withRanges.current(sip, ip);
        return owner != null && "AWS, us-east-1, EC2".equals(owner.getName());
      });
    }
  }

  @Test
  void anAnswerIsShownWithoutAnotherLookupUntilStaleThenLookedUpExactlyOnceMore() throws Exception {
    SendingIp sip = SendingIps.sendingIp("ns", "mx1", "185.199.0.10", "mail.example.com", null);
    InetAddress ip = InetAddress.getByName("185.199.0.10");

    assertThat(discovery.current(sip, ip)).isNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> discovery.current(sip, ip) != null);
    OwnerStatus first = discovery.current(sip, ip);
    assertThat(first.getReason()).contains("no RDAP service is known for 185.199.0.10");
    for (int i = 0; i < 100; i++) {
      assertThat(discovery.current(sip, ip)).isSameAs(first);
    }
    assertThat(discovery.lookupsStarted()).isEqualTo(1);

    clock.step(Duration.ofHours(1)); // exactly the failure-retry time: stale
    assertThat(discovery.current(sip, ip)).isSameAs(first); // the old answer is shown while the new one comes
    await().atMost(Duration.ofSeconds(10)).until(() -> discovery.current(sip, ip) != first);
    for (int i = 0; i < 100; i++) {
      discovery.current(sip, ip);
    }
    assertThat(discovery.lookupsStarted()).isEqualTo(2);
    assertThat(discovery.current(sip, ip).getCheckedAt()).isEqualTo("2026-11-30T13:00:00Z");
  }

  @Test
  void aChangedAnswerReconcilesEverySendingIpClaimingTheIpAndAnUnchangedOneNone() throws Exception {
    SendingIp first = SendingIps.sendingIp("ns", "mx1", "185.199.0.20", "mail.example.com", null);
    SendingIp copy = SendingIps.sendingIp("other", "mx1-copy", "185.199.0.20", "mail.example.com", null);
    InetAddress ip = InetAddress.getByName("185.199.0.20");
    List<ResourceID> reconciled = new CopyOnWriteArrayList<>();
    var changes = discovery.eventSource(key -> key.equals("185.199.0.20") ? List.of(first, copy) : List.of());
    changes.setEventHandler(event -> reconciled.add(event.getRelatedCustomResourceID()));
    changes.start();

    discovery.current(first, ip);
    await().atMost(Duration.ofSeconds(10)).until(() -> discovery.current(first, ip) != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> reconciled.size() == 2);
    assertThat(reconciled).containsExactlyInAnyOrder(ResourceID.fromResource(first), ResourceID.fromResource(copy));

    clock.step(Duration.ofHours(1)); // stale: looked up again, and the same answer comes back
    discovery.current(first, ip);
    await().atMost(Duration.ofSeconds(10)).until(() -> discovery.lookupsStarted() == 2
        && discovery.current(first, ip).getCheckedAt().equals("2026-11-30T13:00:00Z"));
    assertThat(reconciled).hasSize(2);
  }

  @Test
  void anOwnerAtHandIsShownInTheFirstCheckSoTheFirstStatusAlreadyHoldsIt() throws Exception {
    SendingIp sip = SendingIps.sendingIp("ns", "mx4", "192.0.2.30", "mail.example.com", null);
    InetAddress ip = InetAddress.getByName("192.0.2.30");
    List<String> askedForClaims = new CopyOnWriteArrayList<>();
    discovery.eventSource(key -> {
      askedForClaims.add(key);
      return List.of();
    });

    OwnerStatus shown = discovery.current(sip, ip);
    assertThat(shown).isNotNull();
    assertThat(shown.getNetwork()).isEqualTo("192.0.2.0/24");
    assertThat(shown.getReason()).contains("documentation");
    assertThat(discovery.current(sip, ip)).isSameAs(shown);
    assertThat(discovery.lookupsStarted()).isEqualTo(1);
    assertThat(askedForClaims).as("no background answer, so no second reconcile").isEmpty();

    clock.step(Duration.ofHours(1)); // stale: answered at hand again, in the check
    assertThat(discovery.current(sip, ip)).isNotSameAs(shown);
    assertThat(discovery.current(sip, ip).getCheckedAt()).isEqualTo("2026-11-30T13:00:00Z");
  }

  @Test
  void theAnswersForIpsOfOneRangeShareOneCopyOfItsStrings() throws Exception {
    // a heap dump at N = 100,000 held 100,001 copies of one special-use range's reason, one per IP
    OwnerStatus a = discovery.current(SendingIps.sendingIp("ns", "mx5", "192.0.2.31", "mail.example.com", null),
        InetAddress.getByName("192.0.2.31"));
    OwnerStatus b = discovery.current(SendingIps.sendingIp("ns", "mx6", "192.0.2.32", "mail.example.com", null),
        InetAddress.getByName("192.0.2.32"));

    assertThat(b).isNotSameAs(a);
    assertThat(b.getReason()).isSameAs(a.getReason());
    assertThat(b.getName()).isSameAs(a.getName());
    assertThat(b.getNetwork()).isSameAs(a.getNetwork());
    assertThat(b.getCheckedAt()).isSameAs(a.getCheckedAt());
  }

  @Test
  void anOwnerInStatusIsShownAfterARestartAndLookedUpOnlyOnceStale() throws Exception {
    InetAddress ip = InetAddress.getByName("185.199.0.7");
    SendingIp sip = withOwnerCheckedAt("mx2", "185.199.0.7", START.minus(Duration.ofMinutes(59)));

    OwnerStatus shown = discovery.current(sip, ip);
    assertThat(shown).isSameAs(sip.getStatus().getOwner());
    assertThat(discovery.answersReusedFromStatus()).isEqualTo(1);
    assertThat(discovery.lookupsStarted()).isZero();

    clock.step(Duration.ofMinutes(1));
    assertThat(discovery.current(sip, ip)).isSameAs(shown);
    await().atMost(Duration.ofSeconds(10)).until(() -> discovery.current(sip, ip) != shown);
    assertThat(discovery.lookupsStarted()).isEqualTo(1);
    assertThat(discovery.answersReusedFromStatus()).isEqualTo(1);
  }

  /**
   * "yesterday" cannot be read; a checkedAt past the year 292,278,994 (an edited status) makes "checked at + cache
   * time" unrepresentable.
   */
  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "+1000000000-01-01T00:00:00Z"})
  void anOwnerInStatusWithAnUnusableTimeIsShownAndLookedUpAgain(String checkedAt) throws Exception {
    InetAddress ip = InetAddress.getByName("185.199.0.9");
    SendingIp sip = withOwnerCheckedAt("mx3", "185.199.0.9", START);
    sip.getStatus().getOwner().setCheckedAt(checkedAt);

    assertThat(discovery.current(sip, ip)).isSameAs(sip.getStatus().getOwner());
    await().atMost(Duration.ofSeconds(10)).until(() -> discovery.current(sip, ip) != sip.getStatus().getOwner());
    assertThat(discovery.lookupsStarted()).isEqualTo(1);
  }

  private static SendingIp withOwnerCheckedAt(String name, String ip, Instant checkedAt) throws Exception {
    SendingIp sip = SendingIps.sendingIp("ns", name, ip, "mail.example.com", null);
    Owner local = new Owner(null, Owner.Kind.UNKNOWN, null, null, null,
        ip.substring(0, ip.lastIndexOf('.')) + ".0/24", "no RDAP service is known");
    SendingIpStatus status = new SendingIpStatus();
    status.setOwner(OwnerDiscovery.statusOf(local, checkedAt));
    sip.setStatus(status);
    return sip;
  }
}
