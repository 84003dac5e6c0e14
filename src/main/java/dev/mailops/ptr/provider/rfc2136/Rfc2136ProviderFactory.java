package dev.mailops.ptr.provider.rfc2136;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.verify.DnsSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/** Builds the rfc2136 provider: the TSIG secret (base64) from the referenced Secret key, "secret" by default. */
public final class Rfc2136ProviderFactory implements PtrProviderFactory {
  public static final String DEFAULT_TSIG_KEY = "secret";

  private final Duration timeout;

  /** @param timeout how long to wait for one DNS answer */
  public Rfc2136ProviderFactory(Duration timeout) {
    this.timeout = timeout;
  }

  public Rfc2136ProviderFactory() {
    this(Rfc2136Settings.DEFAULT_TIMEOUT);
  }

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.Rfc2136Provider spec = config.spec().getRfc2136();
    var ref = spec.getTsigSecretRef();
    String key = ref == null || ref.getKey() == null || ref.getKey().isBlank() ? DEFAULT_TSIG_KEY : ref.getKey();
    String secret = config.secret(key).orElseThrow(() -> new IllegalArgumentException(
        "Secret " + (ref == null ? "" : ref.getNamespace() + "/" + ref.getName()) + " has no key " + key
            + " with the base64 TSIG secret"));
    return new Rfc2136PtrProvider(new Rfc2136Settings(server(spec.getServer()), Optional.ofNullable(spec.getZone()),
        spec.getTtl() == null ? Rfc2136Settings.DEFAULT_TTL : spec.getTtl(), spec.getTsigKeyName(),
        spec.getTsigAlgorithm(), secret, timeout));
  }

  /** HOST[:PORT] as DnsSettings reads it, except that HOST may be a name, resolved once, here. */
  static InetSocketAddress server(String text) {
    try {
      return DnsSettings.parseServer(text, host -> {
        try {
          return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
          throw new IllegalArgumentException("cannot resolve " + host);
        }
      });
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rfc2136.server: " + e.getMessage());
    }
  }
}
