package dev.mailops.ptr.verify;

import java.util.Objects;

/**
 * The result of one {@link Check}.
 *
 * @param outcome PASS, FAIL or UNKNOWN (never NONE)
 * @param reason the contract reason
 * @param detail a plain-English fact, e.g. "mail.example.com resolves to 192.0.2.99, not 192.0.2.10"
 */
public record Verdict(Outcome outcome, Reason reason, String detail) {
  public Verdict {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  static Verdict pass(Reason reason, String detail) {
    return new Verdict(Outcome.PASS, reason, detail);
  }

  static Verdict fail(Reason reason, String detail) {
    return new Verdict(Outcome.FAIL, reason, detail);
  }

  static Verdict unknown(String detail) {
    return new Verdict(Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE, detail);
  }
}
