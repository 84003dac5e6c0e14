package dev.mailops.ptr.status;

import java.time.Duration;
import java.time.Instant;

/**
 * When to look again. Each SendingIp re-checks at its own fixed phase within the interval (derived from its UID),
 * so ten thousand objects created together spread evenly instead of re-checking in one burst. Temporary DNS
 * failures re-check sooner, with exponential backoff capped by the interval; a provider result may ask for an
 * earlier look (its own backoff, a pending update), never a later one.
 */
public final class RecheckSchedule {
  private static final Duration FIRST_DNS_BACKOFF = Duration.ofSeconds(10);
  private static final Duration MAX_DNS_BACKOFF = Duration.ofMinutes(5);
  /** A provider's retry time below this is raised to it, so a zero or negative delay cannot spin. */
  private static final Duration FLOOR = Duration.ofSeconds(1);

  private RecheckSchedule() {}

  /**
   * The one decision of when to check a SendingIp again.
   *
   * @param dnsFailures consecutive temporary DNS failures, this check included (0 when DNS answered)
   * @param providerRetry when the provider result wants another look (null: no wish)
   * @param duplicateRecheck how soon a losing duplicate claim looks again (null: it is not one)
   */
  public static Duration next(String key, Duration interval, Instant now, int dnsFailures, Duration providerRetry,
      Duration duplicateRecheck) {
    // a temporary DNS failure keeps its own backoff: a provider that is waiting for DNS cannot shorten it
    Duration next = dnsFailures > 0 ? backoff(dnsFailures, interval) : nextPhase(key, interval, now);
    if (duplicateRecheck != null && duplicateRecheck.compareTo(next) < 0) {
      next = duplicateRecheck;
    }
    if (dnsFailures == 0 && providerRetry != null && providerRetry.compareTo(next) < 0) {
      next = providerRetry.compareTo(FLOOR) < 0 ? FLOOR : providerRetry;
    }
    return next;
  }

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

  /** 10s, 20s, 40s, ... for consecutive DNS failures, never more than 5 minutes nor more than the interval. */
  public static Duration backoff(int consecutiveFailures, Duration interval) {
    Duration cap = interval.compareTo(MAX_DNS_BACKOFF) < 0 ? interval : MAX_DNS_BACKOFF;
    return exponential(FIRST_DNS_BACKOFF, cap, consecutiveFailures);
  }

  /** first * 2^(attempt-1), at most cap (attempt counts from 1): the one backoff curve of the operator. */
  public static Duration exponential(Duration first, Duration cap, int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 30));
    Duration delay = first;
    for (int i = 0; i < doublings && delay.compareTo(cap) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
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
