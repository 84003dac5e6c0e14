package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec.SecretRef;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Built providers, one per ReverseDnsProvider, shared by the SendingIp gate and the ReverseDnsProvider reconciler.
 * An instance is reused while the ReverseDnsProvider's and its Secret's resourceVersions are unchanged; the Secret
 * is read again (a GET in the operator namespace) at most every {@code cacheRecheck}. A replaced instance is
 * closed. Secrets are read only from the operator's own namespace: it has no RBAC elsewhere, and a provider must
 * not become a way to read other teams' Secrets.
 */
public final class ProviderInstances implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProviderInstances.class);

  private record Entry(String providerVersion, String secretVersion, PtrProvider provider, Instant checkedAt) {}

  private final KubernetesClient client;
  private final ProviderSettings settings;
  private final PtrProviders factories;
  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();

  public ProviderInstances(KubernetesClient client, ProviderSettings settings, PtrProviders factories, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.factories = factories;
    this.clock = clock;
  }

  /** The provider for this ReverseDnsProvider, built or reused. */
  public PtrProvider get(ReverseDnsProvider resource) throws ProviderConfigException {
    return get(resource, false);
  }

  /**
   * The provider for this ReverseDnsProvider; with {@code recheckSecret} the Secret is read again even if it was
   * read less than cacheRecheck ago (the ReverseDnsProvider controller does, so a rotated Secret is picked up as
   * soon as its watch fires).
   */
  public synchronized PtrProvider get(ReverseDnsProvider resource, boolean recheckSecret)
      throws ProviderConfigException {
    String name = resource.getMetadata().getName();
    String providerVersion = resource.getMetadata().getResourceVersion();
    Instant now = clock.instant();
    Entry cached = entries.get(name);
    if (!recheckSecret && cached != null && Objects.equals(cached.providerVersion(), providerVersion)
        && cached.checkedAt().plus(settings.cacheRecheck()).isAfter(now)) {
      return cached.provider();
    }
    String type = resource.getSpec().type();
    if (!factories.supports(type)) {
      drop(name);
      throw new ProviderConfigException(ProviderConfigException.UNSUPPORTED,
          "this operator build cannot use provider type " + type);
    }
    var ref = resource.getSpec().credentialsSecret();
    Map<String, String> data = Map.of();
    String secretVersion = null;
    if (ref.isPresent()) {
      Secret secret = readSecret(name, ref.get());
      secretVersion = secret.getMetadata().getResourceVersion();
      data = decode(secret);
    }
    if (cached != null && Objects.equals(cached.providerVersion(), providerVersion)
        && Objects.equals(cached.secretVersion(), secretVersion)) {
      entries.put(name, new Entry(providerVersion, secretVersion, cached.provider(), now));
      return cached.provider();
    }
    PtrProvider built;
    try {
      built = factories.create(new ResolvedProviderConfig(name, resource.getSpec(), data));
    } catch (IllegalArgumentException e) {
      drop(name);
      throw new ProviderConfigException(ProviderConfigException.INVALID_CONFIG,
          "ReverseDnsProvider " + name + ": " + e.getMessage());
    } catch (UnsupportedOperationException e) {
      drop(name);
      throw new ProviderConfigException(ProviderConfigException.UNSUPPORTED, e.getMessage());
    }
    drop(name);
    entries.put(name, new Entry(providerVersion, secretVersion, built, now));
    log.info("ReverseDnsProvider {}: built {} provider (resourceVersion {}, secret resourceVersion {})", name, type,
        providerVersion, secretVersion);
    return built;
  }

  /** Forgets (and closes) the provider of a ReverseDnsProvider that was deleted. */
  public synchronized void forget(String name) {
    drop(name);
  }

  private void drop(String name) {
    Entry old = entries.remove(name);
    if (old != null) {
      try {
        old.provider().close();
      } catch (RuntimeException e) {
        log.debug("closing provider {}: {}", name, e.toString());
      }
    }
  }

  private Secret readSecret(String provider, SecretRef ref) throws ProviderConfigException {
    String own = settings.operatorNamespace();
    if (!own.equals(ref.getNamespace())) {
      throw new ProviderConfigException(ProviderConfigException.SECRET_OUTSIDE_OPERATOR_NAMESPACE,
          "ReverseDnsProvider " + provider + " references Secret " + ref.getNamespace() + "/" + ref.getName()
              + ": credentials must live in namespace " + own + ", the operator's own");
    }
    Secret secret;
    try {
      secret = client.secrets().inNamespace(own).withName(ref.getName()).get();
    } catch (KubernetesClientException e) {
      throw new ProviderConfigException(ProviderConfigException.SECRET_NOT_FOUND, "ReverseDnsProvider " + provider
          + ": could not read Secret " + own + "/" + ref.getName() + " (HTTP " + e.getCode() + ")");
    }
    if (secret == null) {
      throw new ProviderConfigException(ProviderConfigException.SECRET_NOT_FOUND, "ReverseDnsProvider " + provider
          + ": Secret " + own + "/" + ref.getName() + " not found; create it in namespace " + own);
    }
    if (ref.getKey() != null && !ref.getKey().isBlank()
        && (secret.getData() == null || !secret.getData().containsKey(ref.getKey()))) {
      throw new ProviderConfigException(ProviderConfigException.SECRET_NOT_FOUND, "ReverseDnsProvider " + provider
          + ": Secret " + own + "/" + ref.getName() + " has no key " + ref.getKey());
    }
    return secret;
  }

  private static Map<String, String> decode(Secret secret) {
    Map<String, String> out = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> {
        try {
          out.put(k, new String(Base64.getDecoder().decode(v == null ? "" : v), StandardCharsets.UTF_8).strip());
        } catch (IllegalArgumentException e) {
          // not base64: the API server never returns that; skip the entry rather than echo it
        }
      });
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> out.putIfAbsent(k, v == null ? "" : v.strip()));
    }
    return out;
  }

  @Override
  public synchronized void close() {
    for (String name : Map.copyOf(entries).keySet()) {
      drop(name);
    }
  }
}
