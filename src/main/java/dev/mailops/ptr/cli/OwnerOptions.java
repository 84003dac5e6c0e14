package dev.mailops.ptr.cli;

import dev.mailops.ptr.api.Durations;
import dev.mailops.ptr.owner.OwnerSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** Owner discovery flags shared by `run` and `check`. */
final class OwnerOptions {
  @Option(names = "--no-owner", defaultValue = "${env:PTR_NO_OWNER:-false}",
      description = "Do not look up who controls each IP (RDAP, cloud ranges). Env PTR_NO_OWNER.")
  boolean noOwner;

  @Option(names = "--rdap-bootstrap", paramLabel = "FILE|URL", split = ",",
      description = "RFC 9224 bootstrap registry (repeatable, or comma separated; IPv4 and IPv6 files are merged). "
          + "Default: IANA's ipv4.json and ipv6.json, fetched and refreshed daily. Env PTR_RDAP_BOOTSTRAP.")
  List<String> bootstrap = new ArrayList<>();

  @Option(names = "--rdap-server", paramLabel = "URL", defaultValue = "${env:PTR_RDAP_SERVER:-https://rdap.arin.net/registry/}",
      description = "RDAP registry asked, following its redirects, when the bootstrap has no entry for an IP or "
          + "cannot be read; 'none' for no fallback (default: ${DEFAULT-VALUE}).")
  String fallback;

  @Option(names = "--cloud-ranges", paramLabel = "DIR", defaultValue = "${env:PTR_CLOUD_RANGES}",
      description = "Directory of published cloud range files (AWS ip-ranges.json, Google cloud.json, Azure service "
          + "tags, Oracle public_ip_ranges.json, DigitalOcean geofeed .csv); re-read when they change. Env PTR_CLOUD_RANGES.")
  Path cloudRanges;

  @Option(names = "--rdap-timeout", paramLabel = "DURATION", defaultValue = "${env:PTR_RDAP_TIMEOUT:-10s}",
      description = "Bound on one RDAP exchange, body included (default: ${DEFAULT-VALUE}).")
  String timeout;

  OwnerSettings settings() {
    if (noOwner) {
      return OwnerSettings.disabled();
    }
    List<String> sources = new ArrayList<>(bootstrap);
    String fromEnv = System.getenv("PTR_RDAP_BOOTSTRAP");
    if (sources.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
      sources.addAll(Arrays.stream(fromEnv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
    if (sources.isEmpty()) {
      sources.addAll(OwnerSettings.IANA_BOOTSTRAP);
    }
    for (String source : sources) {
      if (source.startsWith("http://") || source.startsWith("https://")) {
        uri(source, "--rdap-bootstrap");
      } else if (!Files.isRegularFile(Path.of(source))) {
        throw new IllegalArgumentException("--rdap-bootstrap: no such file: " + source);
      }
    }
    URI server = fallback == null || fallback.isBlank() || fallback.equals("none") ? null
        : uri(fallback.endsWith("/") ? fallback : fallback + "/", "--rdap-server");
    if (cloudRanges != null && !Files.isDirectory(cloudRanges)) {
      throw new IllegalArgumentException("--cloud-ranges: not a directory: " + cloudRanges);
    }
    Duration exchange = Durations.parse(timeout);
    if (exchange.isZero() || exchange.compareTo(Duration.ofMinutes(2)) > 0) {
      throw new IllegalArgumentException("--rdap-timeout must be above 0 and at most 2m");
    }
    return OwnerSettings.defaults().withBootstrap(sources).withFallbackServer(server).withCloudRanges(cloudRanges)
        .withTimeout(exchange);
  }

  private static URI uri(String text, String flag) {
    try {
      URI uri = URI.create(text);
      if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": not an http(s) URL: " + text);
    }
  }
}
