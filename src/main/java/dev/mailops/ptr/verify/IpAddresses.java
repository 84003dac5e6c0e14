package dev.mailops.ptr.verify;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parsing of IP address literals. Never performs a DNS lookup.
 *
 * <p>Accepted: IPv4 as a dotted quad of decimal octets without leading zeros ({@code 192.0.2.10});
 * IPv6 in any RFC 4291 textual form, including compressed and embedded-IPv4 forms. Rejected: empty
 * strings, surrounding whitespace, leading zeros in IPv4 octets (ambiguous: octal to some parsers),
 * short forms ({@code 1.2.3}), zone ids ({@code fe80::1%eth0}), prefixes ({@code 1.2.3.4/24}),
 * non-ASCII digits and host names.
 *
 * <p>Note: an IPv4-mapped IPv6 literal ({@code ::ffff:192.0.2.10}) is returned as the
 * {@link java.net.Inet4Address} it maps (this is what {@link InetAddress#getByAddress} does), so it is
 * verified as that IPv4 address.
 */
public final class IpAddresses {
  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private IpAddresses() {}

  /**
   * Parses an IP literal.
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static InetAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("IP address is empty");
    }
    if (text.length() > 64) {
      throw new IllegalArgumentException("not an IP address (too long): '" + text.substring(0, 64) + "...'");
    }
    if (text.indexOf('%') >= 0) {
      throw new IllegalArgumentException("IP address must not have a zone id: '" + text + "'");
    }
    if (text.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "expected a single IP address, not a prefix: '" + text + "'");
    }
    if (text.indexOf(':') < 0) {
      if (!IPV4.matcher(text).matches()) {
        throw new IllegalArgumentException(
            "not an IPv4 address (expected four decimal octets 0-255 without leading zeros): '"
                + text + "'");
      }
    } else if (!IPV6_CHARS.matcher(text).matches()) {
      throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
    } else {
      int dot = text.indexOf('.');
      if (dot >= 0) {
        String tail = text.substring(text.lastIndexOf(':') + 1);
        if (!IPV4.matcher(tail).matches()) {
          throw new IllegalArgumentException(
              "not an IPv6 address (bad embedded IPv4 part '" + tail + "'): '" + text + "'");
        }
      }
    }
    // Only digits, hex digits, ':' and '.' reach this point: forString never resolves names.
    try {
      return InetAddresses.forString(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an IP address: '" + text + "'", e);
    }
  }

  /** {@link #parse}, empty instead of an exception: for addresses an API lists, where a non-IP value is no match. */
  public static Optional<InetAddress> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The address of 4 (IPv4) or 16 (IPv6) octets. */
  public static InetAddress of(byte[] octets) {
    try {
      return InetAddress.getByAddress(octets);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("an IP address has 4 or 16 octets, not " + octets.length, e);
    }
  }

  /** The canonical text of an address: dotted quad, or RFC 5952 for IPv6 ({@code 2001:db8::25}). */
  public static String format(InetAddress address) {
    return InetAddresses.toAddrString(address);
  }

  /** Whether ip lies in the CIDR (an address alone is a full-length prefix; other family or malformed: false). */
  public static boolean inCidr(InetAddress ip, String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress network;
    int prefix;
    try {
      network = parse(slash < 0 ? cidr : cidr.substring(0, slash));
      prefix = slash < 0 ? network.getAddress().length * 8 : Integer.parseInt(cidr.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] a = ip.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length || prefix < 0 || prefix > a.length * 8) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (n[full] & mask);
  }
}
