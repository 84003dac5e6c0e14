package dev.mailops.ptr.provider.ovh;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.provider.http.JsonApi;
import java.util.Map;

/**
 * Builds the ovh provider: Secret keys applicationKey, applicationSecret and consumerKey (a consumer key whose rules
 * allow GET /ip, and GET, POST and DELETE /ip/*&#47;reverse*).
 */
public final class OvhProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "ovh";
  static final Map<String, String> REGIONS = Map.of("ovh-eu", "https://eu.api.ovh.com/1.0",
      "ovh-ca", "https://ca.api.ovh.com/1.0", "ovh-us", "https://api.us.ovhcloud.com/1.0");

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.OvhProvider spec = config.spec().getOvh();
    String region = spec.getRegion() == null || spec.getRegion().isBlank() ? "ovh-eu" : spec.getRegion();
    if (!REGIONS.containsKey(region)) {
      throw new IllegalArgumentException("unknown OVHcloud API region " + region + ": use ovh-eu, ovh-ca or ovh-us");
    }
    return new OvhPtrProvider(JsonApi.base(spec.getEndpoint(), REGIONS.get(region)),
        new OvhPtrProvider.Keys(config.requireSecret("applicationKey"), config.requireSecret("applicationSecret"),
            config.requireSecret("consumerKey")), JsonApi.DEFAULT_CALL_TIMEOUT);
  }
}
