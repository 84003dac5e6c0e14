package dev.mailops.ptr.owner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RangeCacheTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private static final Instant LATER = NOW.plus(Duration.ofDays(7));
  private final RangeCache cache = new RangeCache();

  private static Owner owner(String name) {
    return new Owner(name, Owner.Kind.ISP, null, "https://rdap.example/ip/x", null, null, null);
  }

  private static InetAddress ip(String text) {
    return InetAddresses.forString(text);
  }

  @Test
  void oneRangeAnswersForEveryAddressInItAndNoneOutside() {
    cache.put(IpRange.between("185.199.0.0", "185.199.255.255"), owner("Hoster"), LATER);
    assertThat(cache.get(ip("185.199.0.0"), NOW)).map(Owner::name).contains("Hoster");
    assertThat(cache.get(ip("185.199.128.7"), NOW)).map(Owner::name).contains("Hoster");
    assertThat(cache.get(ip("185.199.255.255"), NOW)).map(Owner::name).contains("Hoster");
    assertThat(cache.get(ip("185.200.0.0"), NOW)).isEmpty();
    assertThat(cache.get(ip("185.198.255.255"), NOW)).isEmpty();
  }

  @Test
  void theMostSpecificNestedRegistrationWins() {
    cache.put(IpRange.parseCidr("185.199.0.0/16"), owner("Hoster"), LATER);
    cache.put(IpRange.parseCidr("185.199.4.0/24"), owner("Customer"), LATER);
    cache.put(IpRange.parseCidr("185.199.0.0/24"), owner("Same start, smaller"), LATER);
    assertThat(cache.get(ip("185.199.4.9"), NOW)).map(Owner::name).contains("Customer");
    assertThat(cache.get(ip("185.199.5.9"), NOW)).map(Owner::name).contains("Hoster");
    assertThat(cache.get(ip("185.199.0.9"), NOW)).map(Owner::name).contains("Same start, smaller");
  }

  @Test
  void expiredRangesAreNotAnswersAndAreEvicted() {
    cache.put(IpRange.parseCidr("185.199.0.0/16"), owner("Hoster"), NOW.plusSeconds(60));
    assertThat(cache.get(ip("185.199.1.1"), NOW)).isPresent();
    assertThat(cache.get(ip("185.199.1.1"), NOW.plusSeconds(60))).isEmpty();
    cache.evictExpired(NOW.plusSeconds(61));
    assertThat(cache.size()).isZero();
  }

  @Test
  void familiesAreKeptApart() {
    cache.put(IpRange.parseCidr("0.0.0.0/0"), owner("Every IPv4"), LATER);
    cache.put(IpRange.parseCidr("2a01:4f8::/32"), owner("V6"), LATER);
    assertThat(cache.get(ip("2a01:4f8::1"), NOW)).map(Owner::name).contains("V6");
    assertThat(cache.get(ip("2a02::1"), NOW)).isEmpty();
    assertThat(cache.get(ip("8.8.8.8"), NOW)).map(Owner::name).contains("Every IPv4");
  }

  @Test
  void rangeTextRoundTripsAsCidrOrFirstAndLast() {
    assertThat(IpRange.parse(IpRange.parseCidr("2a01:4f8::/32").toString())).isEqualTo(IpRange.parseCidr("2a01:4f8::/32"));
    IpRange odd = IpRange.between("185.199.0.0", "185.199.2.255");
    assertThat(odd.toString()).isEqualTo("185.199.0.0 - 185.199.2.255");
    assertThat(IpRange.parse(odd.toString())).isEqualTo(odd);
  }
}
