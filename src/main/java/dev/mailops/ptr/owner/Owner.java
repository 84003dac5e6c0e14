package dev.mailops.ptr.owner;

import java.util.Locale;

/**
 * Who controls an IP, as far as can be told.
 *
 * @param name what to call it: "AWS, us-east-1, EC2", the RDAP registrant, or a special range's name
 * @param kind cloud, hoster, isp or unknown
 * @param contact the abuse (else technical, else registrant) e-mail address from RDAP, if any
 * @param rdap the RDAP URL of the registered network a person can open, if RDAP answered
 * @param providerType the ReverseDnsProvider type that can set this IP's PTR, when one is known (aws, gcp, ...)
 * @param network the registered network or published prefix that holds the IP (CIDR or "first - last")
 * @param reason why the owner is unknown, or why no lookup was made; null when known
 */
public record Owner(String name, Kind kind, String contact, String rdap, String providerType, String network,
    String reason) {

  /** Kinds as users read them in status.owner.kind. */
  public enum Kind {
    CLOUD, HOSTER, ISP, UNKNOWN;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind of(String value) {
      return value == null ? UNKNOWN : valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  /** Nothing known, and why. */
  public static Owner unknown(String reason) {
    return new Owner(null, Kind.UNKNOWN, null, null, null, null, reason);
  }

  public boolean known() {
    return name != null && reason == null;
  }
}
