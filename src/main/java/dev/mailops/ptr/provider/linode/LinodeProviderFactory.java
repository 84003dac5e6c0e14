package dev.mailops.ptr.provider.linode;

import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.provider.http.JsonApi;

/** Builds the linode provider: Secret key token (a personal access token with IPs read/write). */
public final class LinodeProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "linode";
  static final String PUBLIC_API = "https://api.linode.com/v4";

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    return new LinodePtrProvider(JsonApi.withSecretToken(config, "Linode", config.spec().getLinode()
        .getEndpoint(), PUBLIC_API, LinodePtrProvider::errorText));
  }
}
