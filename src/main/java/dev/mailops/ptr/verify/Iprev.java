package dev.mailops.ptr.verify;

import java.util.Locale;

/** The RFC 8601 section 2.7.3 {@code iprev} result. */
public enum Iprev {
  /** A PTR was found and one of its names resolves forward to the IP. */
  PASS,
  /** A PTR was found but none of its names resolves to the IP. */
  FAIL,
  /** The evaluation could not finish (timeout, SERVFAIL, refused, network error). */
  TEMPERROR,
  /** No PTR is published (NXDOMAIN, NODATA) or the reverse name is broken (CNAME loop). */
  PERMERROR;

  /** The lower-case RFC 8601 value, e.g. {@code "temperror"}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
