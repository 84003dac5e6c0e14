package dev.mailops.ptr.provider;

import dev.mailops.ptr.provider.ProviderException.Kind;
import java.time.Duration;

/**
 * How a provider follows a change the cloud applies later (a GCP operation, an Azure long-running operation, a
 * DigitalOcean action) within one reconcile: at most {@code max} polls, {@code interval} apart; a change still
 * running then is answered as pending and asked again by later reads, so a reconcile stays short.
 */
public record Polls(Duration interval, int max) {
  public static final Polls DEFAULT = new Polls(Duration.ofSeconds(2), 5);

  /** Waits one interval before the next poll. */
  public void pause(String waitingFor) throws ProviderException {
    pause(interval, waitingFor);
  }

  /** Waits before the next poll as long as an API asked (Retry-After), at most one interval. */
  public void pause(Duration asked, String waitingFor) throws ProviderException {
    Duration wait = asked.compareTo(interval) > 0 ? interval : asked;
    if (wait.isZero() || wait.isNegative()) {
      return;
    }
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.UNAVAILABLE, "interrupted while waiting for " + waitingFor, e);
    }
  }
}
