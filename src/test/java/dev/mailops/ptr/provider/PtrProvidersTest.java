package dev.mailops.ptr.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.rfc2136.Rfc2136ProviderFactory;
import dev.mailops.ptr.provider.rfc2136.Rfc2136PtrProvider;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PtrProvidersTest {
  private static final String SECRET = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  static ReverseDnsProviderSpec rfc2136(String server) {
    var spec = new ReverseDnsProviderSpec();
    var rfc = new ReverseDnsProviderSpec.Rfc2136Provider();
    rfc.setServer(server);
    rfc.setTsigKeyName("ddns-key");
    var ref = new ReverseDnsProviderSpec.SecretRef();
    ref.setNamespace("ptr-system");
    ref.setName("tsig");
    rfc.setTsigSecretRef(ref);
    spec.setRfc2136(rfc);
    return spec;
  }

  @Test
  void buildsRfc2136WithTheDefaultKeyAndRefusesOtherTypesItDoesNotKnow() {
    PtrProviders providers = PtrProviders.none().with("rfc2136", new Rfc2136ProviderFactory());
    PtrProvider built = providers.create(new ResolvedProviderConfig("p", rfc2136("127.0.0.1:53"), Map.of("secret", SECRET)));
    assertThat(built).isInstanceOf(Rfc2136PtrProvider.class);
    assertThat(built.toString()).doesNotContain(SECRET);
    assertThatThrownBy(() -> providers.create(new ResolvedProviderConfig("p", rfc2136("127.0.0.1"), Map.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key secret");
    var aws = new ReverseDnsProviderSpec();
    aws.setAws(new ReverseDnsProviderSpec.AwsProvider());
    assertThatThrownBy(() -> providers.create(new ResolvedProviderConfig("a", aws, Map.of())))
        .isInstanceOf(UnsupportedOperationException.class);
    PtrProviders withAws = providers.with("aws", config -> built);
    assertThat(withAws.create(new ResolvedProviderConfig("a", aws, Map.of()))).isSameAs(built);
    assertThat(new ResolvedProviderConfig("p", rfc2136("x"), Map.of("secret", SECRET)).toString())
        .doesNotContain(SECRET);
  }
}
