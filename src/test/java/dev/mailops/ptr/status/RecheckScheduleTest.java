package dev.mailops.ptr.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecheckScheduleTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void manyObjectsCreatedTogetherSpreadTheirRechecksAcrossTheInterval() {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");
    int[] perMinute = new int[60];
    int objects = 6000;
    for (int i = 0; i < objects; i++) {
      Duration delay = RecheckSchedule.nextPhase(UUID.nameUUIDFromBytes(("uid" + i).getBytes()).toString(), HOUR, now);
      perMinute[(int) (now.plus(delay).getEpochSecond() / 60 % 60)]++;
    }
    int busiest = java.util.Arrays.stream(perMinute).max().orElseThrow();
    // an even spread puts 100 in each minute; a burst would put most of them in a few
    assertThat(busiest).isLessThan(2 * objects / 60);
  }

  @Test
  void phaseIsStableSoAnObjectKeepsItsSlotAcrossRechecks() {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");
    Duration first = RecheckSchedule.nextPhase("some-uid", HOUR, now);
    Instant next = now.plus(first);
    Duration second = RecheckSchedule.nextPhase("some-uid", HOUR, next);
    assertThat(second).isEqualTo(HOUR);
  }

  @Test
  void neverRechecksRightAfterACheck() {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");
    for (int i = 0; i < 1000; i++) {
      assertThat(RecheckSchedule.nextPhase("uid-" + i, HOUR, now)).isGreaterThanOrEqualTo(Duration.ofMinutes(6));
    }
  }

  @Test
  void temporaryFailuresBackOffExponentiallyUpToACap() {
    assertThat(RecheckSchedule.backoff(1, HOUR)).isEqualTo(Duration.ofSeconds(10));
    assertThat(RecheckSchedule.backoff(2, HOUR)).isEqualTo(Duration.ofSeconds(20));
    assertThat(RecheckSchedule.backoff(4, HOUR)).isEqualTo(Duration.ofSeconds(80));
    assertThat(RecheckSchedule.backoff(30, HOUR)).isEqualTo(Duration.ofMinutes(5));
    assertThat(RecheckSchedule.backoff(30, Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aTemporaryDnsFailureKeepsItsOwnBackoffWhateverAPendingProviderWants() {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");
    // the fourth failure in a row: 80 s, not the 10 s a pending provider update would ask for
    assertThat(RecheckSchedule.next("uid", HOUR, now, 4, Duration.ofSeconds(10), null))
        .isEqualTo(Duration.ofSeconds(80));
  }

  @Test
  void whenDnsAnswersAProviderRetryOrADuplicateLooksEarlierButNeverSpins() {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");
    assertThat(RecheckSchedule.next("uid", HOUR, now, 0, Duration.ofSeconds(20), null))
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(RecheckSchedule.next("uid", HOUR, now, 0, Duration.ZERO, null)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RecheckSchedule.next("uid", HOUR, now, 0, null, Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
    assertThat(RecheckSchedule.next("uid", HOUR, now, 0, null, null))
        .isEqualTo(RecheckSchedule.nextPhase("uid", HOUR, now));
  }
}
