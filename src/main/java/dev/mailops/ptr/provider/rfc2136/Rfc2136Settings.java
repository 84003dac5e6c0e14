package dev.mailops.ptr.provider.rfc2136;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * How to reach and authenticate to one primary server that accepts RFC 2136 dynamic updates.
 *
 * @param server the primary (host literal and port)
 * @param zone the reverse zone to update; empty: found by SOA for every name (always found by SOA after an RFC
 *     2317 CNAME, whose target usually lives in a delegated child zone)
 * @param ttl TTL of the PTR records written (default 3600)
 * @param keyName TSIG key name
 * @param algorithm TSIG algorithm name, hmac-sha1 .. hmac-sha512 (default hmac-sha256)
 * @param secret the base64 TSIG secret; never printed by {@link #toString()}
 * @param timeout how long to wait for one answer
 */
public record Rfc2136Settings(InetSocketAddress server, Optional<String> zone, long ttl, String keyName,
    String algorithm, String secret, Duration timeout) {

  public static final long DEFAULT_TTL = 3600;
  public static final String DEFAULT_ALGORITHM = "hmac-sha256";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final Map<String, Name> ALGORITHMS = Map.of(
      "hmac-sha1", TSIG.HMAC_SHA1,
      "hmac-sha224", TSIG.HMAC_SHA224,
      "hmac-sha256", TSIG.HMAC_SHA256,
      "hmac-sha384", TSIG.HMAC_SHA384,
      "hmac-sha512", TSIG.HMAC_SHA512);

  public Rfc2136Settings {
    Objects.requireNonNull(server, "server");
    zone = Objects.requireNonNull(zone, "zone").map(String::strip).filter(z -> !z.isEmpty());
    if (ttl < 0 || ttl > 604800) {
      throw new IllegalArgumentException("ttl must be between 0 and 604800, not " + ttl);
    }
    if (keyName == null || keyName.isBlank()) {
      throw new IllegalArgumentException("TSIG key name is missing");
    }
    algorithm = algorithm == null || algorithm.isBlank() ? DEFAULT_ALGORITHM : algorithm.strip().toLowerCase(Locale.ROOT);
    if (!ALGORITHMS.containsKey(algorithm)) {
      throw new IllegalArgumentException("unsupported TSIG algorithm " + algorithm + "; use one of "
          + ALGORITHMS.keySet().stream().sorted().toList());
    }
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("TSIG secret is empty");
    }
    secret = secret.strip();
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(secret);
    } catch (IllegalArgumentException e) {
      // the decoder's message can quote input characters: never pass it on
      throw new IllegalArgumentException("TSIG secret is not valid base64");
    }
    if (decoded.length == 0) {
      throw new IllegalArgumentException("TSIG secret is empty");
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /** The dnsjava algorithm name for {@link #algorithm()}. */
  Name algorithmName() {
    return ALGORITHMS.get(algorithm);
  }

  /** Everything but the secret. */
  @Override
  public String toString() {
    return "Rfc2136Settings[server=" + server.getHostString() + ":" + server.getPort() + ", zone=" + zone.orElse("(by SOA)")
        + ", ttl=" + ttl + ", keyName=" + keyName + ", algorithm=" + algorithm + ", secret=(redacted), timeout="
        + timeout + "]";
  }
}
