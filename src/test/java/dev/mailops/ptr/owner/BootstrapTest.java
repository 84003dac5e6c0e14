package dev.mailops.ptr.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.InetAddresses;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** RFC 9224 bootstrap files written for the test, never IANA's. */
class BootstrapTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Bootstrap parse(String text) throws Exception {
    return Bootstrap.parse(JSON.readTree(text));
  }

  @Test
  void theMostSpecificPrefixWinsAndHttpsIsPreferred() throws Exception {
    Bootstrap b = parse("""
        {"version": "1.0", "publication": "2026-11-30T00:00:00Z", "description": "test",
         "services": [
           [["185.0.0.0/8"], ["http://rir-a.example/rdap/", "https://rir-a.example/rdap"]],
           [["185.199.0.0/16", "45.0.0.0/8"], ["http://rir-b.example/"]]]}
        """);
    assertThat(b.baseFor(InetAddresses.forString("185.1.1.1"))).contains(URI.create("https://rir-a.example/rdap/"));
    assertThat(b.baseFor(InetAddresses.forString("185.199.1.1"))).contains(URI.create("http://rir-b.example/"));
    assertThat(b.baseFor(InetAddresses.forString("45.1.1.1"))).contains(URI.create("http://rir-b.example/"));
    assertThat(b.baseFor(InetAddresses.forString("8.8.8.8"))).isEmpty();
  }

  @Test
  void ipv4AndIpv6FilesMerge() throws Exception {
    Bootstrap v4 = parse("{\"services\": [[[\"185.0.0.0/8\"], [\"https://a.example/\"]]]}");
    Bootstrap v6 = parse("{\"services\": [[[\"2a01::/16\"], [\"https://b.example/\"]]]}");
    Bootstrap both = v4.plus(v6);
    assertThat(both.baseFor(InetAddresses.forString("2a01:4f8::1"))).contains(URI.create("https://b.example/"));
    assertThat(both.baseFor(InetAddresses.forString("185.1.1.1"))).contains(URI.create("https://a.example/"));
  }

  @Test
  void aFileNotShapedAsRfc9224IsRefusedWithTheReason() {
    assertThatThrownBy(() -> parse("{\"version\": \"1.0\"}")).hasMessageContaining("no \"services\" array");
    assertThatThrownBy(() -> parse("{\"services\": [[\"185.0.0.0/8\"]]}")).hasMessageContaining("[[prefixes], [urls]]");
  }
}
