package dev.mailops.ptr.status;

/** The reasons of the ProviderSynced condition, as written in status (CamelCase). */
public enum ProviderReason {
  NO_PROVIDER("NoProvider"),
  IN_SYNC("InSync"),
  UPDATE_PENDING("UpdatePending"),
  /** Every authoritative server shows the new PTR; resolvers' caches may hand out the old one for a while. */
  PROPAGATING("Propagating"),
  PROVIDER_ERROR("ProviderError"),
  FORWARD_RECORD_MISSING("ForwardRecordMissing"),
  PROVIDER_NOT_ALLOWED("ProviderNotAllowed"),
  UNSUPPORTED("Unsupported");

  private final String camelCase;

  ProviderReason(String camelCase) {
    this.camelCase = camelCase;
  }

  public String camelCase() {
    return camelCase;
  }
}
