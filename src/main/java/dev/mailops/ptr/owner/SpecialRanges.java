package dev.mailops.ptr.owner;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Ranges nobody on the internet registers (private, shared, documentation, loopback, link-local and their IPv6
 * counterparts): answered here, without a lookup.
 */
public final class SpecialRanges {
  private record Special(IpRange range, String name) {}

  private static final List<Special> RANGES = List.of(
      special("10.0.0.0/8", "private network (RFC 1918)"),
      special("172.16.0.0/12", "private network (RFC 1918)"),
      special("192.168.0.0/16", "private network (RFC 1918)"),
      special("100.64.0.0/10", "shared address space for carrier-grade NAT (RFC 6598)"),
      special("192.0.2.0/24", "documentation range TEST-NET-1 (RFC 5737)"),
      special("198.51.100.0/24", "documentation range TEST-NET-2 (RFC 5737)"),
      special("203.0.113.0/24", "documentation range TEST-NET-3 (RFC 5737)"),
      special("127.0.0.0/8", "loopback (RFC 1122)"),
      special("169.254.0.0/16", "link-local (RFC 3927)"),
      special("0.0.0.0/8", "this network (RFC 1122)"),
      special("198.18.0.0/15", "benchmarking range (RFC 2544)"),
      special("240.0.0.0/4", "reserved (RFC 1112)"),
      special("224.0.0.0/4", "multicast (RFC 5771)"),
      special("::1/128", "loopback (RFC 4291)"),
      special("::/128", "unspecified address (RFC 4291)"),
      special("fc00::/7", "unique local addresses (RFC 4193)"),
      special("fe80::/10", "link-local (RFC 4291)"),
      special("2001:db8::/32", "documentation range (RFC 3849)"),
      special("3fff::/20", "documentation range (RFC 9637)"),
      special("ff00::/8", "multicast (RFC 4291)"));

  private SpecialRanges() {}

  /** The local answer for a special IP, or empty when the IP needs a lookup. */
  public static Optional<Owner> answer(InetAddress ip) {
    return RANGES.stream().filter(s -> s.range().contains(ip)).findFirst()
        .map(s -> new Owner(capitalise(s.name()), Owner.Kind.UNKNOWN, null, null, null, s.range().toString(),
            "a " + s.name() + " address is not registered to anyone on the internet, so no registry can name its"
                + " owner (answered without a lookup)"));
  }

  private static Special special(String cidr, String name) {
    return new Special(IpRange.parseCidr(cidr), name);
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
