package dev.mailops.ptr.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry of provider types the operator can build: type name (as in the ReverseDnsProvider spec) to factory.
 * Immutable; {@link #with} returns a copy with one more type. Each provider package owns its factory; the operator
 * registers the ones it ships (tests plug in counting fakes the same way).
 */
public final class PtrProviders {
  private final Map<String, PtrProviderFactory> factories;

  private PtrProviders(Map<String, PtrProviderFactory> factories) {
    this.factories = Map.copyOf(factories);
  }

  /** No provider type at all. */
  public static PtrProviders none() {
    return new PtrProviders(Map.of());
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
    String type = config.spec().type();
    PtrProviderFactory factory = factories.get(type);
    if (factory == null) {
      throw new UnsupportedOperationException("this operator build has no support for provider type " + type);
    }
    return factory.create(config);
  }
}
