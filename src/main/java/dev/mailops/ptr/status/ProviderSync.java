package dev.mailops.ptr.status;

import dev.mailops.ptr.api.ProviderState;
import java.time.Duration;

/**
 * Where the provider stands for one SendingIp: the ProviderSynced condition it yields and what status.provider
 * should say. Built by the reconciler's provider gate, rendered by the StatusAggregator.
 *
 * @param retryAfter when set, the reconciler looks again no later than this (provider backoff, pending update)
 */
public record ProviderSync(String status, String reason, String message, ProviderState state, Duration retryAfter) {

  public ProviderSync(String status, String reason, String message, ProviderState state) {
    this(status, reason, message, state, null);
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
    return new ProviderSync(status, reason, message, state, delay);
  }
}
