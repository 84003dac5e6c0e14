package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec.SecretRef;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.ForwardingPtrProvider;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Built providers, one per ReverseDnsProvider, shared by the SendingIp gate and the ReverseDnsProvider reconciler.
 * An instance is reused while what it was built from is unchanged: the ReverseDnsProvider object (uid) and its spec
 * (generation, which status writes leave alone) and its Secret's resourceVersion; the Secret is read again (a GET
 * in the operator namespace) at most every {@code cacheRecheck}. Rebuilding on the controller's own status writes
 * used to close a provider under the calls it was making and drop GCP's memory of pending operations.
 *
 * <p>A replaced instance is retired, not closed: it finishes the calls in flight, and is closed once none has run
 * for {@code cacheRecheck} (checked at each look-up), so that a caller between two calls (read, then set) is not
 * left with a closed provider. Secrets are read only from the operator's own namespace: it has no RBAC elsewhere,
 * and a provider must not become a way to read other teams' Secrets.
 */
public final class ProviderInstances implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProviderInstances.class);

  private record Entry(String builtFrom, String secretVersion, InUse provider, Instant checkedAt) {}

  private final KubernetesClient client;
  private final ProviderSettings settings;
  private final PtrProviders factories;
  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();
  private final List<InUse> retired = new ArrayList<>();

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
    String builtFrom = builtFrom(resource);
    Instant now = clock.instant();
    closeIdleRetired(now);
    Entry cached = entries.get(name);
    if (!recheckSecret && cached != null && Objects.equals(cached.builtFrom(), builtFrom)
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
    if (cached != null && Objects.equals(cached.builtFrom(), builtFrom)
        && Objects.equals(cached.secretVersion(), secretVersion)) {
      entries.put(name, new Entry(builtFrom, secretVersion, cached.provider(), now));
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
    InUse provider = new InUse(built);
    entries.put(name, new Entry(builtFrom, secretVersion, provider, now));
    log.info("ReverseDnsProvider {}: built {} provider ({}, secret resourceVersion {})", name, type, builtFrom,
        secretVersion);
    return provider;
  }

  /** The object and spec version a provider is built from: uid (a re-created object is another) and generation. */
  private static String builtFrom(ReverseDnsProvider resource) {
    var metadata = resource.getMetadata();
    // generation is set by every API server; a resourceVersion is the safe stand-in where it is missing
    String version = metadata.getGeneration() != null ? "generation " + metadata.getGeneration()
        : "resourceVersion " + metadata.getResourceVersion();
    return "uid " + metadata.getUid() + ", " + version;
  }

  /** Forgets (and closes) the provider of a ReverseDnsProvider that was deleted. */
  public synchronized void forget(String name) {
    drop(name);
  }

  /** Retires the current provider of {@code name}: it is closed once its calls are done. */
  private void drop(String name) {
    Entry old = entries.remove(name);
    if (old != null) {
      old.provider().retire(clock.instant());
      retired.add(old.provider());
    }
  }

  private void closeIdleRetired(Instant now) {
    retired.removeIf(provider -> provider.closeIfIdleSince(now.minus(settings.cacheRecheck())));
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

  /** Closes every provider, current or retired: the operator has stopped and no call is made any more. */
  @Override
  public synchronized void close() {
    for (String name : Map.copyOf(entries).keySet()) {
      drop(name);
    }
    retired.forEach(InUse::closeNow);
    retired.clear();
  }

  /** A built provider that counts its calls in flight, so that a retired one is closed only when they are done. */
  private final class InUse extends ForwardingPtrProvider {
    private int inFlight;
    private Instant lastCallEnd;
    private Instant retiredAt;
    private boolean closed;

    InUse(PtrProvider delegate) {
      super(delegate);
    }

    /** Callers never close a shared provider; {@link ProviderInstances} does. */
    @Override
    public void close() {}

    @Override
    protected <T> T around(String operation, Call<T> call) throws ProviderException {
      synchronized (this) {
        inFlight++;
      }
      try {
        return call.run();
      } finally {
        synchronized (this) {
          inFlight--;
          lastCallEnd = clock.instant();
        }
      }
    }

    synchronized void retire(Instant now) {
      retiredAt = now;
    }

    /** Closes it when no call is running and none has ended (nor was it retired) after {@code since}. */
    synchronized boolean closeIfIdleSince(Instant since) {
      if (inFlight > 0 || retiredAt.isAfter(since) || (lastCallEnd != null && lastCallEnd.isAfter(since))) {
        return false;
      }
      closeNow();
      return true;
    }

    synchronized void closeNow() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        delegate.close();
      } catch (RuntimeException e) {
        log.debug("closing a {} provider: {}", delegate.type(), e.toString());
      }
    }
  }
}
