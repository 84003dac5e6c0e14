package dev.mailops.ptr.provider.gcp;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import java.util.Optional;

/** Builds the gcp provider: Secret key credentials.json (a service account key), or none at all. */
public final class GcpProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "gcp";

  /** Without a Secret reference Application Default Credentials are used (Workload Identity on GKE). */
  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.GcpProvider spec = config.spec().getGcp();
    Optional<String> json = spec.getCredentialsSecretRef() == null ? Optional.empty()
        : Optional.of(config.requireSecret("credentials.json"));
    return new GcpPtrProvider(new GcpSettings(spec.getProject(), ResolvedProviderConfig.endpoint(spec.getEndpoint()),
        json));
  }
}
