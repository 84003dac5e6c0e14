package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.10", "0.0.0.0", "255.255.255.255", "10.0.0.1", "1.2.3.4"})
  void acceptsDottedQuads(String text) {
    InetAddress a = IpAddresses.parse(text);
    assertThat(a).isInstanceOf(Inet4Address.class);
    assertThat(a.getHostAddress()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"::1", "2001:db8::10", "2001:0DB8:0000:0000:0000:0000:0000:0010",
      "2001:db8:0:0:0:0:0:10", "::", "64:ff9b::192.0.2.10", "::192.0.2.10", "fe80::1"})
  void acceptsIpv6TextualForms(String text) {
    assertThat(IpAddresses.parse(text)).isInstanceOf(Inet6Address.class);
  }

  @Test
  void differentIpv6FormsAreEqual() {
    assertThat(IpAddresses.parse("2001:db8::10"))
        .isEqualTo(IpAddresses.parse("2001:0DB8:0:0:0:0:0:0010"));
    assertThat(IpAddresses.parse("::1")).isEqualTo(IpAddresses.parse("0:0:0:0:0:0:0:1"));
  }

  @Test
  void ipv4MappedIpv6BecomesIpv4() {
    assertThat(IpAddresses.parse("::ffff:192.0.2.10")).isEqualTo(IpAddresses.parse("192.0.2.10"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"999.1.1.1", "256.0.0.1", "1.2.3", "1.2.3.4.5", "::g", "", " 1.2.3.4",
      "1.2.3.4 ", "01.2.3.4", "010.0.0.1", "1.2.3.04", "1.2.3.4/24", "2001:db8::/32",
      "fe80::1%eth0", "fe80::1%1", "١.٢.٣.٤", "localhost", "mail.example.com", "1.2.3.4-1.2.3.9",
      "1.2.3.*", "0x7f.0.0.1", "2130706433", "1:2:3:4:5:6:7:8:9", "::ffff:01.2.3.4", "[::1]",
      "1.2.3.4\n", "12345::1", ":::1"})
  void rejectsEverythingElse(String text) {
    assertThatThrownBy(() -> IpAddresses.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> IpAddresses.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tryParseIsEmptyWhereParseRefusesAndNeverResolvesNames() {
    assertThat(IpAddresses.tryParse("2600:1900:4000:1::")).contains(IpAddresses.parse("2600:1900:4000:1:0:0:0:0"));
    assertThat(IpAddresses.tryParse("localhost")).isEmpty();
    assertThat(IpAddresses.tryParse("")).isEmpty();
    assertThat(IpAddresses.tryParse(null)).isEmpty();
  }

  @Test
  void formatsIpv4AsDottedQuadAndIpv6Compressed() {
    assertThat(IpAddresses.format(IpAddresses.of(new byte[] {(byte) 192, 0, 2, 10}))).isEqualTo("192.0.2.10");
    byte[] v6 = new byte[16];
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[2] = 0x0d;
    v6[3] = (byte) 0xb8;
    v6[15] = 0x25;
    assertThat(IpAddresses.format(IpAddresses.of(v6))).isEqualTo("2001:db8::25");
    assertThatThrownBy(() -> IpAddresses.of(new byte[5])).isInstanceOf(IllegalArgumentException.class);
  }
}
