package dev.mailops.ptr.provider;

import dev.mailops.ptr.provider.aws.AwsPtrProvider;
import dev.mailops.ptr.provider.aws.AwsSettings;
import dev.mailops.ptr.provider.aws.StaticCredentials;
import dev.mailops.ptr.provider.gcp.GcpPtrProvider;
import dev.mailops.ptr.provider.gcp.GcpSettings;
import java.net.URI;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.api.ReverseDnsProviderSpec.SecretRef;
import dev.mailops.ptr.provider.rfc2136.Rfc2136PtrProvider;
import dev.mailops.ptr.provider.rfc2136.Rfc2136Settings;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of provider types the operator can build: type name (as in the ReverseDnsProvider spec) to factory.
 * Immutable; {@link #with} returns a copy with one more type (tests plug in counting fakes that way).
 */
public final class PtrProviders {
  /** Secret key holding the base64 TSIG secret when the reference names none. */
  public static final String DEFAULT_TSIG_KEY = "secret";

  private final Map<String, PtrProviderFactory> factories;

  private PtrProviders(Map<String, PtrProviderFactory> factories) {
    this.factories = Map.copyOf(factories);
  }

  /** No provider type at all. */
  public static PtrProviders none() {
    return new PtrProviders(Map.of());
  }

  /** The types built into this module: rfc2136, with the default DNS timeout. */
  public static PtrProviders defaults() {
    return defaults(Rfc2136Settings.DEFAULT_TIMEOUT);
  }

  /** rfc2136 with the given timeout for one DNS answer (tests use short ones). */
  public static PtrProviders defaults(Duration dnsTimeout) {
    return none().with(Rfc2136PtrProvider.TYPE, config -> rfc2136(config, dnsTimeout));
  }

  /** Every provider type this operator ships: rfc2136, aws and gcp. */
  public static PtrProviders all(Duration dnsTimeout) {
    return defaults(dnsTimeout).with("aws", PtrProviders::aws).with("gcp", PtrProviders::gcp);
  }

  public PtrProviders with(String type, PtrProviderFactory factory) {
    Map<String, PtrProviderFactory> copy = new LinkedHashMap<>(factories);
    copy.put(type, factory);
    return new PtrProviders(copy);
  }

  /** The same types, each built provider reporting its calls to {@code observer} (metrics). */
  public PtrProviders observed(ObservedPtrProvider.Observer observer) {
    Map<String, PtrProviderFactory> wrapped = new LinkedHashMap<>();
    factories.forEach((type, factory) ->
        wrapped.put(type, config -> new ObservedPtrProvider(factory.create(config), observer)));
    return new PtrProviders(wrapped);
  }

  public boolean supports(String type) {
    return factories.containsKey(type);
  }

  /**
   * @throws UnsupportedOperationException when this operator has no factory for the type
   * @throws IllegalArgumentException when the configuration cannot work
   */
  public PtrProvider create(ResolvedProviderConfig config) {
    String type = typeOf(config.spec());
    PtrProviderFactory factory = factories.get(type);
    if (factory == null) {
      throw new UnsupportedOperationException("this operator build has no support for provider type " + type);
    }
    return factory.create(config);
  }

  /** aws, gcp or rfc2136: which block of the spec is set ("unknown" when none is). */
  public static String typeOf(ReverseDnsProviderSpec spec) {
    if (spec == null) {
      return "unknown";
    }
    if (spec.getAws() != null) {
      return "aws";
    }
    if (spec.getGcp() != null) {
      return "gcp";
    }
    if (spec.getRfc2136() != null) {
      return Rfc2136PtrProvider.TYPE;
    }
    return "unknown";
  }

  /** The Secret the spec references, if any. */
  public static Optional<SecretRef> secretRef(ReverseDnsProviderSpec spec) {
    if (spec == null) {
      return Optional.empty();
    }
    if (spec.getAws() != null) {
      return Optional.ofNullable(spec.getAws().getCredentialsSecretRef());
    }
    if (spec.getGcp() != null) {
      return Optional.ofNullable(spec.getGcp().getCredentialsSecretRef());
    }
    if (spec.getRfc2136() != null) {
      return Optional.ofNullable(spec.getRfc2136().getTsigSecretRef());
    }
    return Optional.empty();
  }

  /** Secret keys accessKeyId and secretAccessKey (sessionToken optional); none at all: the SDK's default chain. */
  static PtrProvider aws(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.AwsProvider spec = config.spec().getAws();
    Optional<StaticCredentials> credentials = Optional.empty();
    if (spec.getCredentialsSecretRef() != null) {
      String keyId = config.secret("accessKeyId").orElseThrow(() -> missingKey(spec.getCredentialsSecretRef(),
          "accessKeyId"));
      String secret = config.secret("secretAccessKey").orElseThrow(() -> missingKey(spec.getCredentialsSecretRef(),
          "secretAccessKey"));
      credentials = Optional.of(new StaticCredentials(keyId, secret, config.secret("sessionToken")));
    }
    return new AwsPtrProvider(new AwsSettings(spec.getRegion(), endpoint(spec.getEndpoint()), credentials));
  }

  /** Secret key credentials.json (a service account key); none at all: Application Default Credentials. */
  static PtrProvider gcp(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.GcpProvider spec = config.spec().getGcp();
    Optional<String> json = Optional.empty();
    if (spec.getCredentialsSecretRef() != null) {
      json = Optional.of(config.secret("credentials.json").orElseThrow(() -> missingKey(
          spec.getCredentialsSecretRef(), "credentials.json")));
    }
    return new GcpPtrProvider(new GcpSettings(spec.getProject(), endpoint(spec.getEndpoint()), json));
  }

  private static Optional<URI> endpoint(String text) {
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(URI.create(text.strip()));
  }

  private static IllegalArgumentException missingKey(SecretRef ref, String key) {
    return new IllegalArgumentException("Secret " + ref.getNamespace() + "/" + ref.getName() + " has no key " + key);
  }

  static PtrProvider rfc2136(ResolvedProviderConfig config, Duration timeout) {
    ReverseDnsProviderSpec.Rfc2136Provider spec = config.spec().getRfc2136();
    SecretRef ref = spec.getTsigSecretRef();
    String key = ref == null || ref.getKey() == null || ref.getKey().isBlank() ? DEFAULT_TSIG_KEY : ref.getKey();
    String secret = config.secret(key).orElseThrow(() -> new IllegalArgumentException(
        "Secret " + (ref == null ? "" : ref.getNamespace() + "/" + ref.getName()) + " has no key " + key
            + " with the base64 TSIG secret"));
    Rfc2136Settings settings = new Rfc2136Settings(server(spec.getServer()), Optional.ofNullable(spec.getZone()),
        spec.getTtl() == null ? Rfc2136Settings.DEFAULT_TTL : spec.getTtl(), spec.getTsigKeyName(),
        spec.getTsigAlgorithm(), secret, timeout);
    return new Rfc2136PtrProvider(settings);
  }

  /** host, host:port, [v6]:port or a bare v6 literal; a host name is resolved once, here. Default port 53. */
  static InetSocketAddress server(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("rfc2136.server is empty");
    }
    String host = text.strip();
    int port = 53;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("rfc2136.server: missing ']' in " + text);
      }
      if (close + 1 < host.length()) {
        port = port(host.substring(close + 1), text);
      }
      host = host.substring(1, close);
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = port(host.substring(host.indexOf(':')), text);
      host = host.substring(0, host.indexOf(':'));
    }
    try {
      return new InetSocketAddress(IpAddresses.parse(host), port);
    } catch (IllegalArgumentException notLiteral) {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("rfc2136.server: cannot resolve " + host);
      }
    }
  }

  private static int port(String colonPort, String text) {
    try {
      int port = Integer.parseInt(colonPort.substring(1));
      if (colonPort.startsWith(":") && port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      // below
    }
    throw new IllegalArgumentException("rfc2136.server: bad port in " + text);
  }
}
