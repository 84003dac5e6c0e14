package dev.mailops.ptr.verify.authority;

/**
 * What one authoritative server (one address of one NS name) answered.
 *
 * @param server the NS name, lower case, no trailing dot
 * @param address the address asked
 * @param state whether it answered with authority, is lame, or could not be heard
 * @param answer for {@link State#ANSWERED}: the records' data, sorted and comma separated, or {@code CNAME target},
 *     or {@code NXDOMAIN} or {@code NODATA}; otherwise null
 * @param serial the zone's SOA serial as this server gave it (null when it gave none)
 * @param ttl the TTL of the answer's records (null without records)
 * @param detail for the other states, why (e.g. "REFUSED", "no answer within 2000 ms")
 */
public record ServerAnswer(String server, String address, State state, String answer, Long serial, Long ttl,
    String detail) {

  public enum State {
    /** Authoritative answer (AA set, NOERROR or NXDOMAIN). */
    ANSWERED,
    /**
     * Definitively not serving the zone: REFUSED, NOTAUTH, an answer without the AA flag, or an NS name that does
     * not exist.
     */
    LAME,
    /**
     * Could not be heard (timeout, network error, SERVFAIL, the NS name's address could not be looked up): may be
     * temporary, so it never counts as a definitive problem.
     */
    UNREACHABLE
  }

  public static ServerAnswer answered(String server, String address, String answer, Long serial, Long ttl) {
    return new ServerAnswer(server, address, State.ANSWERED, answer, serial, ttl, null);
  }

  public static ServerAnswer lame(String server, String address, String detail) {
    return new ServerAnswer(server, address, State.LAME, null, null, null, detail);
  }

  public static ServerAnswer unreachable(String server, String address, String detail) {
    return new ServerAnswer(server, address, State.UNREACHABLE, null, null, null, detail);
  }

  /** "ns2.example.net (192.0.2.53)". */
  public String label() {
    return address == null ? server : server + " (" + address + ")";
  }
}
