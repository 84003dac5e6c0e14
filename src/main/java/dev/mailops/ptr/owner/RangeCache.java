package dev.mailops.ptr.owner;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Owners by registered network range, so one RDAP answer serves every IP of the range until it expires. Nested
 * registrations (a customer's /24 inside a hoster's /16) are kept apart; the most specific one wins.
 */
public final class RangeCache {
  private record Entry(IpRange range, Owner owner, Instant expires) {}

  /** How far back from an address the search walks; nested registrations are rarely deeper than this. */
  private static final int MAX_CANDIDATES = 64;

  private final NavigableMap<BigInteger, Map<BigInteger, Entry>> v4 = new ConcurrentSkipListMap<>();
  private final NavigableMap<BigInteger, Map<BigInteger, Entry>> v6 = new ConcurrentSkipListMap<>();

  /** Remembers the owner of a range until {@code expires}. */
  public void put(IpRange range, Owner owner, Instant expires) {
    (range.v4() ? v4 : v6).computeIfAbsent(range.start(), k -> new java.util.concurrent.ConcurrentHashMap<>())
        .put(range.end(), new Entry(range, owner, expires));
  }

  /** The owner of the most specific unexpired range holding the IP. */
  public Optional<Owner> get(InetAddress ip, Instant now) {
    boolean isV4 = ip instanceof java.net.Inet4Address;
    BigInteger value = IpRange.value(ip);
    int looked = 0;
    Entry best = null;
    for (Map<BigInteger, Entry> sameStart : (isV4 ? v4 : v6).headMap(value, true).descendingMap().values()) {
      for (Entry e : sameStart.values()) {
        if (e.expires().isAfter(now) && e.range().contains(ip)
            && (best == null || e.range().size().compareTo(best.range().size()) < 0)) {
          best = e;
        }
      }
      if (best != null || ++looked >= MAX_CANDIDATES) {
        break;
      }
    }
    return Optional.ofNullable(best).map(Entry::owner);
  }

  /** Drops expired ranges, so a long-running process does not keep every range it ever saw. */
  public void evictExpired(Instant now) {
    for (NavigableMap<BigInteger, Map<BigInteger, Entry>> family : java.util.List.of(v4, v6)) {
      family.values().forEach(m -> m.values().removeIf(e -> !e.expires().isAfter(now)));
      family.values().removeIf(Map::isEmpty);
    }
  }

  public int size() {
    return v4.values().stream().mapToInt(Map::size).sum() + v6.values().stream().mapToInt(Map::size).sum();
  }
}
