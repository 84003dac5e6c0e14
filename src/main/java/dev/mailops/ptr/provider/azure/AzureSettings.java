package dev.mailops.ptr.provider.azure;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Azure Resource Manager for one ReverseDnsProvider.
 *
 * @param subscriptionId the subscription holding the public IP addresses
 * @param resourceGroups where to look; empty: the whole subscription
 * @param endpoint Resource Manager, {@code https://management.azure.com} unless overridden (sovereign clouds, tests)
 * @param authorityHost Microsoft Entra ID, {@code https://login.microsoftonline.com} unless overridden
 * @param credentials a service principal from a Secret, or workload identity
 */
public record AzureSettings(String subscriptionId, List<String> resourceGroups, URI endpoint, URI authorityHost,
    Credentials credentials) {

  public static final URI PUBLIC_CLOUD = URI.create("https://management.azure.com");
  public static final URI PUBLIC_AUTHORITY = URI.create("https://login.microsoftonline.com");

  /** Who the operator is towards Microsoft Entra ID; both end in a client credentials token request. */
  public sealed interface Credentials permits ServicePrincipal, WorkloadIdentity {
    String tenantId();

    String clientId();
  }

  /** Secret keys tenantId, clientId, clientSecret; {@link #toString()} hides the secret. */
  public record ServicePrincipal(String tenantId, String clientId, String clientSecret) implements Credentials {
    public ServicePrincipal {
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientSecret, "clientSecret");
    }

    @Override
    public String toString() {
      return "ServicePrincipal[tenantId=" + tenantId + ", clientId=" + clientId + ", clientSecret=<redacted>]";
    }
  }

  /**
   * Azure Workload Identity: the webhook injects AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE (a
   * projected ServiceAccount token, re-read for every token request because the kubelet rotates it).
   */
  public record WorkloadIdentity(String tenantId, String clientId, Path tokenFile) implements Credentials {}

  public AzureSettings {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    resourceGroups = resourceGroups == null ? List.of() : List.copyOf(resourceGroups);
    endpoint = trim(endpoint == null ? PUBLIC_CLOUD : endpoint);
    authorityHost = trim(authorityHost == null ? PUBLIC_AUTHORITY : authorityHost);
    Objects.requireNonNull(credentials, "credentials");
  }

  /** Workload identity from the environment the Azure Workload Identity webhook sets up. */
  public static Optional<WorkloadIdentity> workloadIdentityFromEnvironment() {
    String tenant = System.getenv("AZURE_TENANT_ID");
    String client = System.getenv("AZURE_CLIENT_ID");
    String file = System.getenv("AZURE_FEDERATED_TOKEN_FILE");
    if (tenant == null || tenant.isBlank() || client == null || client.isBlank() || file == null || file.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new WorkloadIdentity(tenant, client, Path.of(file)));
  }

  /** AZURE_AUTHORITY_HOST, as the webhook sets it, when present. */
  public static Optional<URI> authorityHostFromEnvironment() {
    String host = System.getenv("AZURE_AUTHORITY_HOST");
    return host == null || host.isBlank() ? Optional.empty() : Optional.of(URI.create(host.strip()));
  }

  private static URI trim(URI uri) {
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }
}
