package dev.mailops.ptr.verify;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/** The reverse-mapping DNS name of an address (RFC 1035 in-addr.arpa, RFC 3596 ip6.arpa). */
public final class ReverseNames {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ReverseNames() {}

  /**
   * {@code 192.0.2.10 -> "10.2.0.192.in-addr.arpa"}; IPv6 gives the 32 reversed nibbles under
   * {@code ip6.arpa}. No trailing dot.
   */
  public static String of(InetAddress ip) {
    Objects.requireNonNull(ip, "ip");
    byte[] b = ip.getAddress();
    StringBuilder s = new StringBuilder(b.length == 4 ? 29 : 72);
    if (ip instanceof Inet4Address) {
      for (int i = 3; i >= 0; i--) {
        s.append(b[i] & 0xff).append('.');
      }
      return s.append("in-addr.arpa").toString();
    }
    for (int i = b.length - 1; i >= 0; i--) {
      s.append(HEX[b[i] & 0x0f]).append('.').append(HEX[(b[i] >> 4) & 0x0f]).append('.');
    }
    return s.append("ip6.arpa").toString();
  }
}
