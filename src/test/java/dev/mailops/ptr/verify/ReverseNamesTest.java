package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReverseNamesTest {

  @Test
  void ipv4ReversesOctetsUnderInAddrArpa() {
    assertThat(ReverseNames.of(IpAddresses.parse("192.0.2.10"))).isEqualTo("10.2.0.192.in-addr.arpa");
    assertThat(ReverseNames.of(IpAddresses.parse("0.0.0.0"))).isEqualTo("0.0.0.0.in-addr.arpa");
    assertThat(ReverseNames.of(IpAddresses.parse("255.255.255.255")))
        .isEqualTo("255.255.255.255.in-addr.arpa");
  }

  @Test
  void ipv6GivesReversedNibblesUnderIp6Arpa() {
    String expected = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
    assertThat(ReverseNames.of(IpAddresses.parse("2001:db8::1"))).isEqualTo(expected);
    assertThat(ReverseNames.of(IpAddresses.parse("2001:0DB8:0000:0000:0000:0000:0000:0001")))
        .isEqualTo(expected);
  }

  @Test
  void ipv6WithEmbeddedIpv4UsesTheNibblesOfTheWholeAddress() {
    assertThat(ReverseNames.of(IpAddresses.parse("64:ff9b::192.0.2.10")))
        .isEqualTo("a.0.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa");
  }

  @Test
  void ipv4MappedIpv6IsTheIpv4Address() {
    assertThat(ReverseNames.of(IpAddresses.parse("::ffff:192.0.2.10")))
        .isEqualTo("10.2.0.192.in-addr.arpa");
  }

  @Test
  void loopbackIpv6() {
    assertThat(ReverseNames.of(IpAddresses.parse("::1")))
        .startsWith("1.0.0.0.").endsWith(".0.ip6.arpa").hasSize(64 + 8);
  }
}
