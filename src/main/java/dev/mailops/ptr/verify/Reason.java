package dev.mailops.ptr.verify;

import java.util.Locale;

/** Reasons of the contract (DESIGN.md); {@link #camelCase()} gives the condition reason string. */
public enum Reason {
  PTR_FOUND,
  SINGLE_PTR_RECORD,
  PTR_MATCHES,
  NO_HOSTNAME_REQUESTED,
  FORWARD_CONFIRMED,
  HOSTNAME_MEANINGFUL,
  NO_PTR_RECORD,
  MULTIPLE_PTR_RECORDS,
  PTR_MISMATCH,
  NO_FORWARD_RECORD,
  FORWARD_MISMATCH,
  GENERIC_HOSTNAME,
  DOMAIN_MISMATCH,
  DNS_TEMPORARY_FAILURE;

  private final String camel;

  Reason() {
    StringBuilder b = new StringBuilder();
    for (String part : name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    camel = b.toString();
  }

  /** e.g. {@code NO_PTR_RECORD -> "NoPtrRecord"}. */
  public String camelCase() {
    return camel;
  }
}
