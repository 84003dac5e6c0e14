package dev.mailops.ptr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** Who controls the IP, as owner discovery last found it (RDAP, published cloud ranges, or a special range). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OwnerStatus {
  /** "AWS, us-east-1, EC2", the RDAP registrant, or the special range's name. */
  private String name;
  /** cloud, hoster, isp or unknown. */
  private String kind;
  /** The abuse (else technical) e-mail address from RDAP. */
  private String contact;
  /** The RDAP URL of the registration, which a person can open. */
  private String rdap;
  /** The ReverseDnsProvider type that can set this IP's PTR, when one exists (aws, gcp, azure, hetzner, ...). */
  private String providerType;
  /** The registered network or published prefix holding the IP. */
  private String network;
  /** Why the owner is unknown, or why no lookup was made. */
  private String reason;
  /** When the answer was obtained; a restart reuses it until it is older than the cache time. */
  private String checkedAt;

  public OwnerStatus() {}

  public OwnerStatus(String name, String kind, String contact, String rdap, String providerType, String network,
      String reason, String checkedAt) {
    this.name = name;
    this.kind = kind;
    this.contact = contact;
    this.rdap = rdap;
    this.providerType = providerType;
    this.network = network;
    this.reason = reason;
    this.checkedAt = checkedAt;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getKind() { return kind; }
  public void setKind(String kind) { this.kind = kind; }
  public String getContact() { return contact; }
  public void setContact(String contact) { this.contact = contact; }
  public String getRdap() { return rdap; }
  public void setRdap(String rdap) { this.rdap = rdap; }
  public String getProviderType() { return providerType; }
  public void setProviderType(String providerType) { this.providerType = providerType; }
  public String getNetwork() { return network; }
  public void setNetwork(String network) { this.network = network; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
  public String getCheckedAt() { return checkedAt; }
  public void setCheckedAt(String checkedAt) { this.checkedAt = checkedAt; }

  /** Known: named, and no reason to doubt it. */
  public boolean known() {
    return name != null && reason == null;
  }

  /** The same answer, whenever it was obtained. */
  public boolean sameAnswerAs(OwnerStatus o) {
    return o != null && Objects.equals(name, o.name) && Objects.equals(kind, o.kind)
        && Objects.equals(contact, o.contact) && Objects.equals(rdap, o.rdap)
        && Objects.equals(providerType, o.providerType) && Objects.equals(network, o.network)
        && Objects.equals(reason, o.reason);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OwnerStatus other && sameAnswerAs(other) && Objects.equals(checkedAt, other.checkedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, contact, rdap, providerType, network, reason, checkedAt);
  }
}
