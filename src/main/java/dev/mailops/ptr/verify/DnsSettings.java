package dev.mailops.ptr.verify;

import com.google.common.net.HostAndPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Function;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the {@link Verifier} talks to DNS.
 *
 * @param servers servers to query, in order of preference; empty means the system resolvers
 *     (/etc/resolv.conf, via dnsjava {@code ResolverConfig})
 * @param timeout how long to wait for one answer (default 2s)
 * @param retries further attempts after the first, on timeouts and network errors, rotating through
 *     the servers; SERVFAIL/REFUSED are retried only on another server (default 2)
 * @param maxCnameHops most CNAMEs followed for one lookup (default 8)
 * @param maxForwardNames most PTR names resolved forward (default 10)
 */
public record DnsSettings(
    List<InetSocketAddress> servers,
    Duration timeout,
    int retries,
    int maxCnameHops,
    int maxForwardNames) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_RETRIES = 2;
  public static final int DEFAULT_MAX_CNAME_HOPS = 8;
  public static final int DEFAULT_MAX_FORWARD_NAMES = 10;

  public DnsSettings {
    servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0: " + retries);
    }
    if (maxCnameHops < 0) {
      throw new IllegalArgumentException("maxCnameHops must be >= 0: " + maxCnameHops);
    }
    if (maxForwardNames < 1) {
      throw new IllegalArgumentException("maxForwardNames must be >= 1: " + maxForwardNames);
    }
  }

  /** System resolvers and default limits. */
  public static DnsSettings defaults() {
    return new DnsSettings(
        List.of(), DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_MAX_CNAME_HOPS,
        DEFAULT_MAX_FORWARD_NAMES);
  }

  /** The given servers with default limits. */
  public static DnsSettings of(List<InetSocketAddress> servers) {
    return defaults().withServers(servers);
  }

  public DnsSettings withServers(List<InetSocketAddress> newServers) {
    return new DnsSettings(newServers, timeout, retries, maxCnameHops, maxForwardNames);
  }

  public DnsSettings withTimeout(Duration newTimeout) {
    return new DnsSettings(servers, newTimeout, retries, maxCnameHops, maxForwardNames);
  }

  public DnsSettings withRetries(int newRetries) {
    return new DnsSettings(servers, timeout, newRetries, maxCnameHops, maxForwardNames);
  }

  public DnsSettings withMaxCnameHops(int hops) {
    return new DnsSettings(servers, timeout, retries, hops, maxForwardNames);
  }

  public DnsSettings withMaxForwardNames(int names) {
    return new DnsSettings(servers, timeout, retries, maxCnameHops, names);
  }

  /**
   * Parses {@code HOST[:PORT]}, {@code [IPV6]:PORT} or a bare IPv6 literal; HOST must be an IP
   * literal (no DNS lookup). Default port 53.
   *
   * @throws IllegalArgumentException on bad input
   */
  public static InetSocketAddress parseServer(String text) {
    return parseServer(text, IpAddresses::parse);
  }

  /**
   * Like {@link #parseServer(String)}, with {@code hostToAddress} turning HOST into an address (it may accept
   * names, or only literals).
   */
  public static InetSocketAddress parseServer(String text, Function<String, InetAddress> hostToAddress) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("DNS server is empty");
    }
    HostAndPort parsed;
    try {
      parsed = HostAndPort.fromString(text.strip()).withDefaultPort(53);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad port or brackets in '" + text + "'");
    }
    if (parsed.getPort() < 1 || parsed.getHost().isEmpty()) {
      throw new IllegalArgumentException("bad port in '" + text + "'");
    }
    return new InetSocketAddress(hostToAddress.apply(parsed.getHost()), parsed.getPort());
  }
}
