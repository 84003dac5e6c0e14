package dev.mailops.ptr.operator;

import io.javaoperatorsdk.operator.processing.event.rate.RateLimiter;
import java.time.Duration;
import java.util.Optional;

/**
 * Reconciles are not rate-limited per resource (JOSDK's default too), but JOSDK's default limiter still keeps a
 * state per resource, with three java.time objects in it: about 120 bytes of heap per SendingIp for nothing
 * (docs/benchmarks.md, live heap per SendingIp). This one shares one state among all.
 */
final class NoRateLimit implements RateLimiter<RateLimiter.RateLimitState> {
  private static final RateLimitState NONE = new RateLimitState() {};

  @Override
  public Optional<Duration> isLimited(RateLimitState state) {
    return Optional.empty();
  }

  @Override
  public RateLimitState initState() {
    return NONE;
  }
}
