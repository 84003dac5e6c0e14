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
 * @param pendingRecheck first wait before looking again while an update is pending (the provider holds the value,
 *     DNS does not show it yet); doubled per look, up to the re-check interval
 * @param pendingProviderRead how often, at most, the provider is read again while its value is still pending
 */
public record ProviderSettings(String operatorNamespace, Duration initialBackoff, Duration maxBackoff,
    int resetAttempts, Duration resetBackoff, Duration probeInterval, Duration cacheRecheck, Duration dnsTimeout,
    Duration pendingRecheck, Duration pendingProviderRead) {

  public static ProviderSettings defaults(String operatorNamespace) {
    return new ProviderSettings(operatorNamespace, Duration.ofSeconds(5), Duration.ofMinutes(10), 5,
        Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofMinutes(10));
  }

  public ProviderSettings withOperatorNamespace(String namespace) {
    return new ProviderSettings(namespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff, probeInterval,
        cacheRecheck, dnsTimeout, pendingRecheck, pendingProviderRead);
  }

  public ProviderSettings withBackoff(Duration initial, Duration max) {
    return new ProviderSettings(operatorNamespace, initial, max, resetAttempts, resetBackoff, probeInterval,
        cacheRecheck, dnsTimeout, pendingRecheck, pendingProviderRead);
  }

  public ProviderSettings withReset(int attempts, Duration backoff) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, attempts, backoff, probeInterval,
        cacheRecheck, dnsTimeout, pendingRecheck, pendingProviderRead);
  }

  public ProviderSettings withProbeInterval(Duration interval) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff, interval,
        cacheRecheck, dnsTimeout, pendingRecheck, pendingProviderRead);
  }

  public ProviderSettings withCacheRecheck(Duration recheck) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff,
        probeInterval, recheck, dnsTimeout, pendingRecheck, pendingProviderRead);
  }

  public ProviderSettings withDnsTimeout(Duration timeout) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff,
        probeInterval, cacheRecheck, timeout, pendingRecheck, pendingProviderRead);
  }

  public ProviderSettings withPending(Duration firstRecheck, Duration providerRead) {
    return new ProviderSettings(operatorNamespace, initialBackoff, maxBackoff, resetAttempts, resetBackoff,
        probeInterval, cacheRecheck, dnsTimeout, firstRecheck, providerRead);
  }
}
