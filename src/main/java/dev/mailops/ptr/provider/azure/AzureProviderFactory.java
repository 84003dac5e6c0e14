package dev.mailops.ptr.provider.azure;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviderFactory;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import java.net.URI;

/**
 * Builds the azure provider: a service principal from Secret keys tenantId, clientId and clientSecret, or, without a
 * Secret reference, Azure Workload Identity from the environment its webhook sets.
 */
public final class AzureProviderFactory implements PtrProviderFactory {
  public static final String TYPE = "azure";

  @Override
  public PtrProvider create(ResolvedProviderConfig config) {
    ReverseDnsProviderSpec.AzureProvider spec = config.spec().getAzure();
    AzureSettings.Credentials credentials;
    if (spec.getCredentialsSecretRef() != null) {
      credentials = new AzureSettings.ServicePrincipal(config.requireSecret("tenantId"),
          config.requireSecret("clientId"), config.requireSecret("clientSecret"));
    } else {
      credentials = AzureSettings.workloadIdentityFromEnvironment().orElseThrow(() -> new IllegalArgumentException(
          "no credentialsSecretRef and no Azure Workload Identity in the operator's environment (AZURE_TENANT_ID,"
              + " AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE): give the ReverseDnsProvider a Secret with tenantId,"
              + " clientId and clientSecret, or set up workload identity for the operator's ServiceAccount"));
    }
    URI endpoint = ResolvedProviderConfig.endpoint(spec.getEndpoint()).orElse(null);
    URI authority = ResolvedProviderConfig.endpoint(spec.getAuthorityHost())
        .or(AzureSettings::authorityHostFromEnvironment).orElse(null);
    return new AzurePtrProvider(new AzureSettings(spec.getSubscriptionId(), spec.getResourceGroups(), endpoint,
        authority, credentials));
  }
}
