package dev.mailops.ptr.provider.aws;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import java.util.Optional;

/** Builds the aws provider: Secret keys accessKeyId and secretAccessKey (sessionToken optional), or none at all. */
public final class AwsProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "aws";

  /** Without a Secret reference the SDK's default chain is used (IRSA on EKS). */
  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.AwsProvider spec = config.spec().getAws();
    Optional<StaticCredentials> credentials = Optional.empty();
    if (spec.getCredentialsSecretRef() != null) {
      credentials = Optional.of(new StaticCredentials(config.requireSecret("accessKeyId"),
          config.requireSecret("secretAccessKey"), config.secret("sessionToken")));
    }
    return new AwsPtrProvider(new AwsSettings(spec.getRegion(), ResolvedProviderConfig.endpoint(spec.getEndpoint()),
        credentials));
  }
}
