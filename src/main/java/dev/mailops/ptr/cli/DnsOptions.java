package dev.mailops.ptr.cli;

import dev.mailops.ptr.verify.DnsSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** DNS flags shared by `run` and `check`, so both query the same way. */
final class DnsOptions {
  @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
      description = "DNS server to ask (repeatable, or comma separated). Default: the system resolvers. Env PTR_DNS_SERVERS.")
  List<String> servers = new ArrayList<>();

  @Option(names = "--dns-timeout", paramLabel = "DURATION", defaultValue = "${env:PTR_DNS_TIMEOUT:-2s}",
      description = "Timeout of one DNS query (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--dns-retries", defaultValue = "${env:PTR_DNS_RETRIES:-2}",
      description = "Retries of a query that timed out (default: ${DEFAULT-VALUE}).")
  int retries;

  DnsSettings settings() {
    List<String> specs = new ArrayList<>(servers);
    String fromEnv = System.getenv("PTR_DNS_SERVERS");
    if (specs.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
      specs.add(fromEnv);
    }
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException("--dns-retries must be 0 to 10");
    }
    Duration queryTimeout = Flags.positiveDuration("--dns-timeout", timeout);
    if (queryTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
      throw new IllegalArgumentException("--dns-timeout must be at most 30s, not '" + timeout + "'");
    }
    DnsSettings defaults = DnsSettings.defaults();
    List<InetSocketAddress> parsed = specs.stream().flatMap(s -> Arrays.stream(s.split(",")))
        .map(String::trim).filter(s -> !s.isEmpty()).map(DnsSettings::parseServer).toList();
    return new DnsSettings(parsed, queryTimeout, retries, defaults.maxCnameHops(), defaults.maxForwardNames());
  }
}
