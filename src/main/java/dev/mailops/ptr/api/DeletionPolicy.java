package dev.mailops.ptr.api;

/** What happens to the PTR at the provider when a SendingIp is deleted. */
public enum DeletionPolicy {
  /** Leave the PTR as it is (the default: deleting a manifest must not break mail). */
  Retain,
  /** Reset the PTR to the provider's default before the SendingIp goes away. */
  Reset
}
