package dev.mailops.ptr.verify.authority;

/** SOA serial arithmetic (RFC 1982, 32 bits): serials wrap, so "behind" is not plain less-than. */
final class Serials {
  private Serials() {}

  /** {@code a} comes before {@code b}. */
  static boolean before(long a, long b) {
    long diff = (b - a) & 0xffffffffL;
    return diff != 0 && diff < 0x80000000L;
  }
}
