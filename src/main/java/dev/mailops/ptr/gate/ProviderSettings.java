package dev.mailops.ptr.gate;

import java.time.Duration;

/**
 * How the operator talks to ReverseDnsProviders.
 *
 * @param operatorNamespace the only namespace credentials Secrets are read from
 * @param initialBackoff first wait after a failed provider call for one SendingIp; doubled per failure
 * @param maxBackoff the longest wait between provider calls for one SendingIp
 * @param resetAttempts reset() attempts on delete (deletionPolicy Reset) before the finalizer is removed anyway
 * @param resetBackoff first wait between reset attempts; doubled per attempt
 * @param probeInterval how often a ReverseDnsProvider is probed again
 * @param cacheRecheck how long a built provider, a Secret's version and a Namespace's labels are trusted before
 *     they are read again
 * @param dnsTimeout how long an rfc2136 provider waits for one answer
 */
public record ProviderSettings(String operatorNamespace, Duration initialBackoff, Duration maxBackoff,
    int resetAttempts, Duration resetBackoff, Duration probeInterval, Duration cacheRecheck, Duration dnsTimeout) {

  public static ProviderSettings defaults(String operatorNamespace) {
    return new ProviderSettings(operatorNamespace, Duration.ofSeconds(5), Duration.ofMinutes(10), 5,
        Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(5));
  }

  public ProviderSettings withOperatorNamespace(String namespace) {
    return new ProviderSettings(namespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff, probeInterval,
        cacheRecheck, dnsTimeout);
  }

  public ProviderSettings withBackoff(Duration initial, Duration max) {
    return new ProviderSettings(operatorNamespace, initial, max, resetAttempts, resetBackoff, probeInterval,
        cacheRecheck, dnsTimeout);
  }

  public ProviderSettings withReset(int attempts, Duration backoff) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, attempts, backoff, probeInterval,
        cacheRecheck, dnsTimeout);
  }

  public ProviderSettings withProbeInterval(Duration interval) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff, interval,
        cacheRecheck, dnsTimeout);
  }

  public ProviderSettings withCacheRecheck(Duration recheck) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff,
        probeInterval, recheck, dnsTimeout);
  }

  public ProviderSettings withDnsTimeout(Duration timeout) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff,
        probeInterval, cacheRecheck, timeout);
  }

  /** initialBackoff * 2^(attempt-1), at most maxBackoff (attempt counts from 1). */
  static Duration exponential(Duration initial, Duration max, int attempt) {
    Duration delay = initial;
    for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
