package dev.mailops.ptr.provider.aws;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach EC2 for one ReverseDnsProvider.
 *
 * @param region the AWS region that holds the Elastic IPs, e.g. us-east-1
 * @param endpoint overrides the EC2 endpoint (tests, or a VPC interface endpoint)
 * @param credentials static keys from a Secret; empty means the SDK's default chain (IRSA on EKS, Pod Identity,
 *     environment, instance profile)
 */
public record AwsSettings(String region, Optional<URI> endpoint, Optional<StaticCredentials> credentials) {

  public AwsSettings {
    Objects.requireNonNull(region, "region");
    if (region.isBlank()) {
      throw new IllegalArgumentException("region must not be blank");
    }
    endpoint = endpoint == null ? Optional.empty() : endpoint;
    credentials = credentials == null ? Optional.empty() : credentials;
  }
}
