package dev.mailops.ptr.verify;

import java.time.Duration;

/** Told about every DNS query the engine sends, so the operator can count and time them (metrics). */
@FunctionalInterface
public interface DnsObserver {

  /**
   * @param type the query type, such as PTR, A, AAAA
   * @param outcome noerror, nxdomain, servfail, refused, other rcode names in lower case, timeout, error or mismatch
   * @param elapsed from sending to the answer (or to giving up)
   */
  void queried(String type, String outcome, Duration elapsed);

  DnsObserver NONE = (type, outcome, elapsed) -> { };
}
