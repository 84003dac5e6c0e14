package dev.mailops.ptr.provider.hetzner;

import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.provider.http.JsonApi;

/** Builds the hetzner provider: Secret key token (a Hetzner Cloud project API token with Read &amp; Write). */
public final class HetznerProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "hetzner";
  static final String PUBLIC_API = "https://api.hetzner.cloud/v1";

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    return new HetznerPtrProvider(JsonApi.withSecretToken(config, "Hetzner Cloud", config.spec().getHetzner()
        .getEndpoint(), PUBLIC_API, HetznerPtrProvider::errorText));
  }
}
