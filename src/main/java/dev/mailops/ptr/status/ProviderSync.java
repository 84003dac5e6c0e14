package dev.mailops.ptr.status;

import dev.mailops.ptr.api.ProviderState;
import java.time.Duration;

/**
 * Where the provider stands for one SendingIp: the ProviderSynced condition it yields and what status.provider
 * should say. Built by the reconciler's provider gate, rendered by the StatusAggregator.
 *
 * @param retryAfter when set, the reconciler looks again no later than this (provider backoff, pending update)
 * @param temporary the failure is expected to clear without anyone acting (throttled, provider unavailable, the
 *     namespace's labels could not be read): Reconciling rather than Stalled
 */
public record ProviderSync(String status, String reason, String message, ProviderState state, Duration retryAfter,
    boolean temporary) {

  public ProviderSync(String status, String reason, String message, ProviderState state) {
    this(status, reason, message, state, null, false);
  }

  public static ProviderSync noProvider() {
    return new ProviderSync(Conditions.TRUE, "NoProvider",
        "No providerRef: the operator only verifies, it does not set the PTR", null);
  }

  public static ProviderSync inSync(ProviderState state, String message) {
    return new ProviderSync(Conditions.TRUE, "InSync", message, state);
  }

  public static ProviderSync pending(ProviderState state, String message) {
    return new ProviderSync(Conditions.UNKNOWN, "UpdatePending", message, state);
  }

  public static ProviderSync failed(String reason, String message, ProviderState state) {
    return new ProviderSync(Conditions.FALSE, reason, message, state);
  }

  public ProviderSync withRetryAfter(Duration delay) {
    return new ProviderSync(status, reason, message, state, delay, temporary);
  }

  /** The same failure, marked as one that clears by itself (retried with backoff). */
  public ProviderSync asTemporary() {
    return new ProviderSync(status, reason, message, state, retryAfter, true);
  }

  /** Still under way at the provider or backing off a temporary failure: the state will change by itself. */
  public boolean underWay() {
    return Conditions.UNKNOWN.equals(status) || (Conditions.FALSE.equals(status) && temporary);
  }
}
