package dev.mailops.ptr.status;

/**
 * The condition types of a SendingIp: the checks in the order Ready looks for the first failure, then Ready, then
 * kstatus's abnormal-true pair (Reconciling, Stalled) that Flux, kpt and Argo CD read, then AuthoritativeConsistent
 * (present only where the authoritative check runs).
 */
public enum ConditionType {
  PTR_PRESENT("PtrPresent"),
  SINGLE_PTR("SinglePtr"),
  PTR_MATCHES_HOSTNAME("PtrMatchesHostname"),
  FORWARD_CONFIRMED("ForwardConfirmed"),
  HOSTNAME_MEANINGFUL("HostnameMeaningful"),
  PROVIDER_SYNCED("ProviderSynced"),
  READY("Ready"),
  RECONCILING("Reconciling"),
  STALLED("Stalled"),
  /** The authoritative servers agree (its own condition: Ready is what receivers' resolvers see). */
  AUTHORITATIVE_CONSISTENT("AuthoritativeConsistent");

  private final String type;

  ConditionType(String type) {
    this.type = type;
  }

  /** The KEP-1623 condition type as written in status. */
  public String type() {
    return type;
  }
}
