package dev.mailops.ptr.operator;

import java.time.Duration;
import java.time.Instant;

/**
 * When to look again. Each SendingIp re-checks at its own fixed phase within the interval (derived from its UID),
 * so ten thousand objects created together spread evenly instead of re-checking in one burst. Temporary DNS
 * failures re-check sooner, with exponential backoff capped by the interval.
 */
public final class RecheckSchedule {
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private RecheckSchedule() {}

  /** Delay until the next phase point of {@code key} after {@code now}, at least a tenth of the interval away. */
  public static Duration nextPhase(String key, Duration interval, Instant now) {
    long intervalMs = Math.max(1, interval.toMillis());
    long phase = Math.floorMod(mix(key.hashCode()), intervalMs);
    long delay = intervalMs - Math.floorMod(now.toEpochMilli() - phase, intervalMs);
    if (delay < intervalMs / 10) {
      delay += intervalMs;
    }
    return Duration.ofMillis(delay);
  }

  /** 10s, 20s, 40s, ... for consecutive failures, never more than 5 minutes nor more than the interval. */
  public static Duration backoff(int consecutiveFailures, Duration interval) {
    int exponent = Math.max(0, Math.min(consecutiveFailures - 1, 20));
    Duration delay = FIRST_BACKOFF.multipliedBy(1L << exponent);
    Duration cap = interval.compareTo(MAX_BACKOFF) < 0 ? interval : MAX_BACKOFF;
    return delay.compareTo(cap) > 0 ? cap : delay;
  }

  /** Spreads similar UIDs (hashCode of near-identical strings clusters) across the whole interval. */
  private static long mix(long x) {
    x ^= (x >>> 33);
    x *= 0xff51afd7ed558ccdL;
    x ^= (x >>> 33);
    return x;
  }
}
