package dev.mailops.ptr.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class Rfc2136ProviderFactoryTest {

  @Test
  void serverAcceptsLiteralsWithAndWithoutPortAndNamesResolvedOnce() {
    assertThat(Rfc2136ProviderFactory.server("127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
    assertThat(Rfc2136ProviderFactory.server("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    assertThat(Rfc2136ProviderFactory.server("[::1]:5353").getPort()).isEqualTo(5353);
    assertThat(Rfc2136ProviderFactory.server("::1").getPort()).isEqualTo(53);
    assertThat(Rfc2136ProviderFactory.server("localhost:5300").getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void serverRefusesBadPortsWithTheFieldName() {
    assertThatThrownBy(() -> Rfc2136ProviderFactory.server("127.0.0.1:99999"))
        .hasMessageStartingWith("rfc2136.server:").hasMessageContaining("bad port");
    assertThatThrownBy(() -> Rfc2136ProviderFactory.server("127.0.0.1:0")).hasMessageContaining("bad port");
    assertThatThrownBy(() -> Rfc2136ProviderFactory.server("")).hasMessageContaining("empty");
  }
}
