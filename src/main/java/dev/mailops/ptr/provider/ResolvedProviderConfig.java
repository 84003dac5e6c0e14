package dev.mailops.ptr.provider;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A ReverseDnsProvider with its credentials already read: what a {@link PtrProviderFactory} needs to build a
 * {@link PtrProvider}. The operator reads the Secret (only from its own namespace) and hands its decoded entries
 * here; a factory never talks to Kubernetes.
 *
 * @param name the ReverseDnsProvider's name, for messages
 * @param spec its spec, exactly one provider block set
 * @param secretData the referenced Secret's entries, decoded (UTF-8); empty when no Secret is referenced (cloud
 *     default credential chains)
 */
public record ResolvedProviderConfig(String name, ReverseDnsProviderSpec spec, Map<String, String> secretData) {

  public ResolvedProviderConfig {
    secretData = Map.copyOf(secretData);
  }

  /** One Secret entry, when present and not blank. */
  public Optional<String> secret(String key) {
    return Optional.ofNullable(secretData.get(key)).filter(v -> !v.isBlank());
  }

  /** One Secret entry that the provider cannot work without. */
  public String requireSecret(String key) {
    return secret(key).orElseThrow(() -> new IllegalArgumentException("Secret "
        + spec.credentialsSecret().map(ref -> ref.getNamespace() + "/" + ref.getName()).orElse("") + " has no key "
        + key));
  }

  /** An endpoint override from the spec; blank means the provider's public one. */
  public static Optional<URI> endpoint(String text) {
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(URI.create(text.strip()));
  }

  /** Never prints secret values, only which keys exist. */
  @Override
  public String toString() {
    return "ResolvedProviderConfig[name=" + name + ", type=" + spec.type() + ", secretKeys="
        + new TreeSet<>(secretData.keySet()) + "]";
  }
}
