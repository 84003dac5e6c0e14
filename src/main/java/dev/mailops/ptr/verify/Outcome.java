package dev.mailops.ptr.verify;

/**
 * The outcome of one check. {@link #NONE} never appears in a {@link Verdict}: it is only used by
 * {@link Verification#desiredHostnameForward()} when no hostname was requested.
 */
public enum Outcome {
  PASS,
  FAIL,
  /** Could not be decided because of a temporary DNS failure. */
  UNKNOWN,
  /** Nothing to check (only for {@link Verification#desiredHostnameForward()}). */
  NONE
}
