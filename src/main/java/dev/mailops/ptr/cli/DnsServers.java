package dev.mailops.ptr.cli;

import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Parses HOST[:PORT] and [V6]:PORT server arguments; names are not resolved, so only IP literals are taken. */
final class DnsServers {
  private DnsServers() {}

  static List<InetSocketAddress> parse(List<String> specs) {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String spec : specs) {
      for (String one : spec.split(",")) {
        if (!one.isBlank()) {
          servers.add(parseOne(one.trim()));
        }
      }
    }
    return servers;
  }

  static InetSocketAddress parseOne(String spec) {
    String host = spec;
    int port = 53;
    if (spec.startsWith("[")) {
      int close = spec.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("DNS server " + spec + ": missing ']'");
      }
      host = spec.substring(1, close);
      if (close + 1 < spec.length()) {
        port = port(spec, spec.substring(close + 1));
      }
    } else if (spec.chars().filter(c -> c == ':').count() == 1) {
      int colon = spec.indexOf(':');
      host = spec.substring(0, colon);
      port = port(spec, spec.substring(colon));
    }
    InetAddress address;
    try {
      address = IpAddresses.parse(host);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("DNS server " + spec + ": give an IP address, such as 127.0.0.1:5353");
    }
    return new InetSocketAddress(address, port);
  }

  private static int port(String spec, String colonAndPort) {
    try {
      int port = Integer.parseInt(colonAndPort.substring(1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("DNS server " + spec + ": port must be 1 to 65535");
    }
  }
}
