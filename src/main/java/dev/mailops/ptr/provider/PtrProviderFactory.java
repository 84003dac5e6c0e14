package dev.mailops.ptr.provider;

/** Builds the PtrProvider of one provider type from its resolved configuration; one per provider package. */
@FunctionalInterface
public interface PtrProviderFactory {

  /**
   * @throws IllegalArgumentException when the configuration cannot work (missing Secret key, bad server); the
   *     message is shown to users and must not contain secret values
   */
  PtrProvider create(ResolvedProviderConfig config);
}
