package dev.mailops.ptr.provider.hetzner;

import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.provider.http.JsonApi;
import java.util.List;

/** Builds the hetzner provider: Secret key token (a Hetzner Cloud project API token with Read &amp; Write). */
public final class HetznerProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "hetzner";
  static final String PUBLIC_API = "https://api.hetzner.cloud/v1";

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    String token = config.requireSecret("token");
    return new HetznerPtrProvider(new JsonApi("Hetzner Cloud", JsonApi.base(config.spec().getHetzner().getEndpoint(),
        PUBLIC_API), JsonApi.DEFAULT_CALL_TIMEOUT, JsonApi.bearer(token), HetznerPtrProvider::errorText,
        List.of(token)));
  }
}
