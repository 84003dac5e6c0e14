package dev.mailops.ptr.status;

import dev.mailops.ptr.api.ProviderState;
import java.time.Duration;

/**
 * Where the provider stands for one SendingIp: the ProviderSynced condition it yields and what status.provider
 * should say. Decided by the provider gate, rendered by the StatusAggregator.
 *
 * @param code the ProviderSynced reason
 * @param retryAfter when set, the SendingIp is looked at again no later than this (provider backoff, pending update)
 * @param temporary the failure is expected to clear without anyone acting (throttled, provider unavailable, the
 *     namespace's labels could not be read): Reconciling rather than Stalled
 */
public record ProviderSync(String status, ProviderReason code, String message, ProviderState state,
    Duration retryAfter, boolean temporary) {

  public static ProviderSync noProvider() {
    return new ProviderSync(Conditions.TRUE, ProviderReason.NO_PROVIDER,
        "No providerRef: the operator only verifies, it does not set the PTR", null, null, false);
  }

  public static ProviderSync inSync(ProviderState state, String message) {
    return new ProviderSync(Conditions.TRUE, ProviderReason.IN_SYNC, message, state, null, false);
  }

  /** Waiting for the provider or for DNS to show its value; looks again after {@code retryAfter}. */
  public static ProviderSync pending(ProviderState state, String message, Duration retryAfter) {
    return new ProviderSync(Conditions.UNKNOWN, ProviderReason.UPDATE_PENDING, message, state, retryAfter, false);
  }

  public static ProviderSync failed(ProviderReason code, String message, ProviderState state) {
    return new ProviderSync(Conditions.FALSE, code, message, state, null, false);
  }

  /** The reason as written in status. */
  public String reason() {
    return code.camelCase();
  }

  public ProviderSync withRetryAfter(Duration delay) {
    return new ProviderSync(status, code, message, state, delay, temporary);
  }

  /** The same failure, marked as one that clears by itself (retried with backoff). */
  public ProviderSync asTemporary() {
    return new ProviderSync(status, code, message, state, retryAfter, true);
  }

  /**
   * The provider's change is on every authoritative server; caches may hand out the old name until {@code
   * cachesExpire}: looks again then.
   */
  public static ProviderSync propagating(ProviderState state, String message, Duration untilCachesExpire) {
    return new ProviderSync(Conditions.TRUE, ProviderReason.PROPAGATING, message, state, untilCachesExpire, false);
  }

  /**
   * Still under way at the provider, propagating to caches, or backing off a temporary failure: the state will
   * change by itself.
   */
  public boolean underWay() {
    return Conditions.UNKNOWN.equals(status) || code == ProviderReason.PROPAGATING
        || (Conditions.FALSE.equals(status) && temporary);
  }
}
