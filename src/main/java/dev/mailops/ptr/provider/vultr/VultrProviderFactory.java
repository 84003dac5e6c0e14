package dev.mailops.ptr.provider.vultr;

import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.provider.http.JsonApi;

/** Builds the vultr provider: Secret key token (a Vultr API key). */
public final class VultrProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "vultr";
  static final String PUBLIC_API = "https://api.vultr.com/v2";

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    return new VultrPtrProvider(JsonApi.withSecretToken(config, "Vultr", config.spec().getVultr()
        .getEndpoint(), PUBLIC_API, VultrPtrProvider::errorText));
  }
}
