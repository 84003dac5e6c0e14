package dev.mailops.ptr.provider.digitalocean;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;

/** Builds the digitalocean provider: an API token from the Secret's key {@code token}. */
public final class DigitalOceanProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "digitalocean";

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.DigitalOceanProvider spec = config.spec().getDigitalocean();
    return new DigitalOceanPtrProvider(ResolvedProviderConfig.endpoint(spec.getEndpoint()).orElse(null),
        config.requireSecret("token"));
  }
}
