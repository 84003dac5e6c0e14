package dev.mailops.ptr.cli;

import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The authoritative check's flags, shared by `run` and `check`. */
final class AuthoritativeOptions {
  @Option(names = "--authoritative", defaultValue = "${env:PTR_AUTHORITATIVE:-false}", fallbackValue = "true",
      arity = "0..1", description = "Also ask the authoritative servers of the reverse and forward zones directly and "
          + "compare them (condition AuthoritativeConsistent, status.authoritative) (default: ${DEFAULT-VALUE}).")
  boolean enabled;

  @Option(names = "--authoritative-port", defaultValue = "${env:PTR_AUTHORITATIVE_PORT:-53}",
      description = "Port the authoritative servers are asked on; only tests, whose servers cannot all listen on "
          + "53, change it (default: ${DEFAULT-VALUE}).")
  int port;

  /** Empty when the check is off; the DNS timeout and retries apply to authoritative servers too. */
  Optional<AuthoritativeSettings> settings(DnsSettings dns) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--authoritative-port must be 1 to 65535, not " + port);
    }
    if (!enabled) {
      return Optional.empty();
    }
    AuthoritativeSettings defaults = AuthoritativeSettings.defaults();
    return Optional.of(new AuthoritativeSettings(port, dns.timeout(), Math.min(dns.retries(), defaults.retries()),
        dns.maxCnameHops()));
  }
}
