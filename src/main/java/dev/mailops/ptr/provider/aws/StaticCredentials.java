package dev.mailops.ptr.provider.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * AWS access keys read from a Secret (keys {@code accessKeyId}, {@code secretAccessKey}, optional
 * {@code sessionToken}). {@link #toString()} shows the access key id only.
 */
public record StaticCredentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {

  public StaticCredentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    sessionToken = sessionToken == null ? Optional.empty() : sessionToken.filter(t -> !t.isEmpty());
  }

  @Override
  public String toString() {
    return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=<redacted>, sessionToken="
        + (sessionToken.isPresent() ? "<redacted>" : "<none>") + "]";
  }
}
