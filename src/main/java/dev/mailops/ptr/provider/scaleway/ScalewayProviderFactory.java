package dev.mailops.ptr.provider.scaleway;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.provider.http.JsonApi;
import java.util.List;

/** Builds the scaleway provider: Secret key secretKey (an IAM API key's secret key), sent as X-Auth-Token. */
public final class ScalewayProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "scaleway";
  static final String PUBLIC_API = "https://api.scaleway.com";

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.ScalewayProvider spec = config.spec().getScaleway();
    String secretKey = config.requireSecret("secretKey");
    return new ScalewayPtrProvider(new JsonApi("Scaleway", JsonApi.base(spec.getEndpoint(), PUBLIC_API),
        JsonApi.DEFAULT_CALL_TIMEOUT, (request, method, uri, body) -> request.header("X-Auth-Token", secretKey),
        ScalewayPtrProvider::errorText, List.of(secretKey)), spec.getZone());
  }
}
