package dev.mailops.ptr.owner;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How owners are found.
 *
 * @param enabled false turns owner discovery off entirely (no lookup, no status.owner)
 * @param bootstrap RFC 9224 bootstrap registries: files or http(s) URLs, merged (IANA's ipv4.json and ipv6.json)
 * @param fallbackServer the RDAP base URL asked, following its redirects, when no bootstrap entry holds an IP or
 *     no bootstrap could be read; null for none
 * @param cloudRanges a directory of published cloud range files, or null
 * @param cacheTtl how long an RDAP answer holds for its whole network range
 * @param failureRetry how long a failed lookup (timeout, bad answer) stands before it is tried again
 * @param bootstrapRefresh how often bootstrap URLs are fetched again (files are re-read when they change)
 * @param timeout the bound on one HTTP exchange, headers and body
 * @param maxBodyBytes larger answers are dropped
 * @param maxRedirects redirects followed between registries before giving up
 */
public record OwnerSettings(boolean enabled, List<String> bootstrap, URI fallbackServer, Path cloudRanges,
    Duration cacheTtl, Duration failureRetry, Duration bootstrapRefresh, Duration timeout, long maxBodyBytes,
    int maxRedirects) {

  /** The files IANA publishes for its RDAP bootstrap registries of IPv4 and IPv6 address space. */
  public static final List<String> IANA_BOOTSTRAP =
      List.of("https://data.iana.org/rdap/ipv4.json", "https://data.iana.org/rdap/ipv6.json");
  /** A regional registry; RIRs redirect queries for resources they do not hold to the registry that does. */
  public static final URI DEFAULT_FALLBACK = URI.create("https://rdap.arin.net/registry/");

  public OwnerSettings {
    bootstrap = List.copyOf(bootstrap);
  }

  public static OwnerSettings defaults() {
    return new OwnerSettings(true, IANA_BOOTSTRAP, DEFAULT_FALLBACK, null, Duration.ofDays(7), Duration.ofHours(1),
        Duration.ofDays(1), Duration.ofSeconds(10), 2L * 1024 * 1024, 5);
  }

  /** No lookups; the limits are the defaults' (a settings object with discovery off still has valid ones). */
  public static OwnerSettings disabled() {
    OwnerSettings d = defaults();
    return new OwnerSettings(false, List.of(), null, null, d.cacheTtl, d.failureRetry, d.bootstrapRefresh, d.timeout,
        d.maxBodyBytes, d.maxRedirects);
  }

  public OwnerSettings withBootstrap(List<String> sources) {
    return new OwnerSettings(enabled, sources, fallbackServer, cloudRanges, cacheTtl, failureRetry, bootstrapRefresh,
        timeout, maxBodyBytes, maxRedirects);
  }

  public OwnerSettings withFallbackServer(URI server) {
    return new OwnerSettings(enabled, bootstrap, server, cloudRanges, cacheTtl, failureRetry, bootstrapRefresh,
        timeout, maxBodyBytes, maxRedirects);
  }

  public OwnerSettings withCloudRanges(Path directory) {
    return new OwnerSettings(enabled, bootstrap, fallbackServer, directory, cacheTtl, failureRetry, bootstrapRefresh,
        timeout, maxBodyBytes, maxRedirects);
  }

  public OwnerSettings withTimeout(Duration exchange) {
    return new OwnerSettings(enabled, bootstrap, fallbackServer, cloudRanges, cacheTtl, failureRetry,
        bootstrapRefresh, exchange, maxBodyBytes, maxRedirects);
  }

  public OwnerSettings withMaxBodyBytes(long bytes) {
    return new OwnerSettings(enabled, bootstrap, fallbackServer, cloudRanges, cacheTtl, failureRetry,
        bootstrapRefresh, timeout, bytes, maxRedirects);
  }

  public OwnerSettings withFailureRetry(Duration retry) {
    return new OwnerSettings(enabled, bootstrap, fallbackServer, cloudRanges, cacheTtl, retry, bootstrapRefresh,
        timeout, maxBodyBytes, maxRedirects);
  }
}
