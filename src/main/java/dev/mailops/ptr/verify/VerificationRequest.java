package dev.mailops.ptr.verify;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What to verify.
 *
 * @param ip the sending IP
 * @param hostname the desired PTR target, normalised ({@link Names#normalise}); empty = any PTR
 * @param domain the sending domain the names should belong to, normalised; empty = no domain rule
 */
public record VerificationRequest(InetAddress ip, Optional<String> hostname, Optional<String> domain) {
  public VerificationRequest {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(domain, "domain");
  }

  /**
   * Parses and normalises user input. {@code hostname} and {@code domain} may be null or blank.
   *
   * @throws IllegalArgumentException with a message naming the bad field
   */
  public static VerificationRequest of(String ip, String hostname, String domain) {
    InetAddress address;
    try {
      address = IpAddresses.parse(ip);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ip: " + e.getMessage(), e);
    }
    return new VerificationRequest(address, optionalName("hostname", hostname),
        optionalName("domain", domain));
  }

  private static Optional<String> optionalName(String field, String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Names.normalise(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }
}
