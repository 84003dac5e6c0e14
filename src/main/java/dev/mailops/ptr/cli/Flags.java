package dev.mailops.ptr.cli;

import dev.mailops.ptr.api.Durations;
import java.time.Duration;

/** Checks of flag values shared by `run` and `check`; a refusal names the flag and the value given. */
final class Flags {
  private Flags() {}

  /**
   * A duration flag's value, which must be above zero: every duration flag is a wait between repeated work, and a
   * zero wait is a loop with no pause.
   */
  static Duration positiveDuration(String flag, String text) {
    Duration value;
    try {
      value = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " must be a duration such as 30s, 15m or 1h, not '" + text + "'");
    }
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(flag + " must be above zero, not '" + text + "'");
    }
    return value;
  }
}
