package dev.mailops.ptr.provider;

import dev.mailops.ptr.provider.ProviderException.Kind;
import java.time.Duration;

/** The wait between polls of a provider's long-running operation. */
public final class Pause {
  private Pause() {}

  /**
   * Sleeps for {@code wait} (zero or negative: not at all).
   *
   * @param waitingFor what is awaited, for the message when interrupted ("a GCP operation")
   * @throws ProviderException {@link Kind#UNAVAILABLE} when interrupted; the interrupt flag is set again
   */
  public static void sleep(Duration wait, String waitingFor) throws ProviderException {
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
