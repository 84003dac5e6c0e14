package dev.mailops.ptr.owner;

import dev.mailops.ptr.verify.IpAddresses;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;

/** An inclusive range of addresses of one family, as RDAP networks and published prefixes describe them. */
public record IpRange(boolean v4, BigInteger start, BigInteger end) {

  public IpRange {
    if (start.compareTo(end) > 0) {
      throw new IllegalArgumentException("range start is after its end");
    }
  }

  /** A prefix in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}); a bare address is a /32 or /128. */
  public static IpRange parseCidr(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    InetAddress base = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
    int bits = base instanceof Inet4Address ? 32 : 128;
    int length;
    try {
      length = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length in '" + text + "'");
    }
    return prefix(base, length);
  }

  /** The prefix of {@code length} bits that holds {@code base}. */
  public static IpRange prefix(InetAddress base, int length) {
    int bits = base instanceof Inet4Address ? 32 : 128;
    if (length < 0 || length > bits) {
      throw new IllegalArgumentException("prefix length " + length + " out of range for " + IpAddresses.format(base));
    }
    BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE);
    BigInteger value = value(base);
    BigInteger start = value.andNot(hostMask);
    return new IpRange(bits == 32, start, start.or(hostMask));
  }

  /** From a first and last address, as RDAP's startAddress and endAddress give them. */
  public static IpRange between(String first, String last) {
    InetAddress a = literal(first);
    InetAddress b = literal(last);
    if ((a instanceof Inet4Address) != (b instanceof Inet4Address)) {
      throw new IllegalArgumentException("range mixes IPv4 and IPv6: " + first + " - " + last);
    }
    return new IpRange(a instanceof Inet4Address, value(a), value(b));
  }

  public static IpRange single(InetAddress address) {
    BigInteger v = value(address);
    return new IpRange(address instanceof Inet4Address, v, v);
  }

  public boolean contains(InetAddress address) {
    if ((address instanceof Inet4Address) != v4) {
      return false;
    }
    BigInteger v = value(address);
    return v.compareTo(start) >= 0 && v.compareTo(end) <= 0;
  }

  /** How many addresses it holds: smaller is more specific. */
  public BigInteger size() {
    return end.subtract(start).add(BigInteger.ONE);
  }

  /** CIDR when the range is one prefix, else "first - last". */
  @Override
  public String toString() {
    BigInteger size = size();
    int bits = v4 ? 32 : 128;
    if (size.bitCount() == 1 && start.mod(size).signum() == 0) {
      return text(start) + "/" + (bits - (size.bitLength() - 1));
    }
    return text(start) + " - " + text(end);
  }

  /** Reads what {@link #toString()} wrote (CIDR or "first - last"). */
  public static IpRange parse(String text) {
    int dash = text.indexOf(" - ");
    return dash < 0 ? parseCidr(text) : between(text.substring(0, dash).trim(), text.substring(dash + 3).trim());
  }

  static BigInteger value(InetAddress address) {
    return new BigInteger(1, address.getAddress());
  }

  private String text(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[v4 ? 4 : 16];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    return IpAddresses.format(IpAddresses.of(bytes));
  }

  /** An address literal, never a name lookup. */
  static InetAddress literal(String text) {
    return IpAddresses.parse(text.trim());
  }
}
