package dev.mailops.ptr.provider.gcp;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Compute Engine for one ReverseDnsProvider.
 *
 * @param project the project that owns the VM instances
 * @param endpoint overrides the Compute endpoint (tests: {@code http://127.0.0.1:PORT})
 * @param credentialsJson a service account key ({@code credentials.json} in the Secret); empty means Application
 *     Default Credentials (Workload Identity on GKE), or no credentials at all when an endpoint is set (tests)
 */
public record GcpSettings(String project, Optional<URI> endpoint, Optional<String> credentialsJson) {

  public GcpSettings {
    Objects.requireNonNull(project, "project");
    if (project.isBlank()) {
      throw new IllegalArgumentException("project must not be blank");
    }
    endpoint = endpoint == null ? Optional.empty() : endpoint;
    credentialsJson = credentialsJson == null ? Optional.empty() : credentialsJson.filter(j -> !j.isBlank());
  }

  @Override
  public String toString() {
    return "GcpSettings[project=" + project + ", endpoint=" + endpoint.map(URI::toString).orElse("<default>")
        + ", credentialsJson=" + (credentialsJson.isPresent() ? "<redacted>" : "<application default>") + "]";
  }
}
