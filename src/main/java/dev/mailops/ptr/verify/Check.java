package dev.mailops.ptr.verify;

/** The DNS checks the engine performs; each maps to one condition of the contract. */
public enum Check {
  PTR_PRESENT,
  SINGLE_PTR,
  PTR_MATCHES_HOSTNAME,
  FORWARD_CONFIRMED,
  HOSTNAME_MEANINGFUL
}
