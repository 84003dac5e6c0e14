package dev.mailops.ptr.status;

/** The condition types of a SendingIp, in the order Ready looks for the first failure. */
public enum ConditionType {
  PTR_PRESENT("PtrPresent"),
  SINGLE_PTR("SinglePtr"),
  PTR_MATCHES_HOSTNAME("PtrMatchesHostname"),
  FORWARD_CONFIRMED("ForwardConfirmed"),
  HOSTNAME_MEANINGFUL("HostnameMeaningful"),
  PROVIDER_SYNCED("ProviderSynced"),
  READY("Ready");

  private final String type;

  ConditionType(String type) {
    this.type = type;
  }

  /** The KEP-1623 condition type as written in status. */
  public String type() {
    return type;
  }
}
