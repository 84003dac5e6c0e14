package dev.mailops.ptr.verify.authority;

import java.time.Duration;
import java.util.Objects;

/**
 * How the authoritative servers are asked.
 *
 * @param port the port authoritative servers are asked on: 53 in every real deployment; tests run all their
 *     servers on one other port (on different 127.0.0.x addresses) and set it here
 * @param timeout how long to wait for one answer
 * @param retries further attempts after a timeout or network error, at the same server
 * @param maxCnameHops most CNAMEs followed from zone to zone (RFC 2317 delegations)
 */
public record AuthoritativeSettings(int port, Duration timeout, int retries, int maxCnameHops) {
  public static final int DEFAULT_PORT = 53;
  /** How long a zone's servers and SOA are kept at most, whatever their TTL says. */
  public static final Duration MAX_CACHE = Duration.ofHours(1);

  public AuthoritativeSettings {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("authoritative port must be 1 to 65535, not " + port);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (retries < 0 || maxCnameHops < 0) {
      throw new IllegalArgumentException("retries and maxCnameHops must be >= 0");
    }
  }

  /** Port 53, 2 s timeout, 1 retry, 8 CNAME hops. */
  public static AuthoritativeSettings defaults() {
    return new AuthoritativeSettings(DEFAULT_PORT, Duration.ofSeconds(2), 1, 8);
  }

  public AuthoritativeSettings withPort(int newPort) {
    return new AuthoritativeSettings(newPort, timeout, retries, maxCnameHops);
  }

  public AuthoritativeSettings withTimeout(Duration newTimeout) {
    return new AuthoritativeSettings(port, newTimeout, retries, maxCnameHops);
  }
}
