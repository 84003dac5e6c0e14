package dev.mailops.ptr.verify.authority;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the authoritative servers answered for one IP: the reverse name's zone, one more zone per CNAME followed
 * (RFC 2317), then the forward name's zone when there is a forward name.
 *
 * @param zones in the order asked
 * @param checkedAt when the servers were asked
 */
public record AuthoritativeView(List<ZoneView> zones, Instant checkedAt) {

  public AuthoritativeView {
    zones = List.copyOf(zones);
  }

  /** The zone view that holds the PTR records: the last PTR question asked (after any CNAMEs). */
  public Optional<ZoneView> ptrZone() {
    return zones.stream().filter(z -> z.type().equals("PTR")).reduce((a, b) -> b);
  }

  /**
   * Every authoritative server of the PTR's zone answers exactly {@code hostname} (the change has landed
   * everywhere receivers' resolvers can ask).
   */
  public boolean allServersShow(String hostname) {
    return ptrZone().filter(ZoneView::unanimous)
        .flatMap(ZoneView::referenceAnswer)
        .filter(answer -> answer.equalsIgnoreCase(hostname))
        .isPresent();
  }
}
