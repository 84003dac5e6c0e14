package dev.mailops.ptr.provider.digitalocean;

import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.provider.http.JsonApi;
import java.time.Duration;

/** Builds the digitalocean provider: an API token from the Secret's key {@code token}. */
public final class DigitalOceanProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "digitalocean";
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    return new DigitalOceanPtrProvider(JsonApi.withBearer("DigitalOcean", config.spec().getDigitalocean()
        .getEndpoint(), DigitalOceanPtrProvider.PUBLIC_API, config.requireSecret("token"), CALL_TIMEOUT,
        DigitalOceanPtrProvider::errorText));
  }
}
