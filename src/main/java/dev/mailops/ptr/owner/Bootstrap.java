package dev.mailops.ptr.owner;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 9224 bootstrap registry for IP addresses (IANA's ipv4.json and ipv6.json, merged): each service is a
 * pair of prefix list and base URL list; the most specific prefix holding an address names its RDAP servers.
 */
public final class Bootstrap {
  private record Service(IpRange prefix, URI base) {}

  public static final Bootstrap EMPTY = new Bootstrap(List.of());

  private final List<Service> services;

  private Bootstrap(List<Service> services) {
    this.services = List.copyOf(services);
  }

  /**
   * Reads one bootstrap file.
   *
   * @throws IllegalArgumentException when it is not shaped as RFC 9224 says
   */
  public static Bootstrap parse(JsonNode json) {
    JsonNode array = json == null ? null : json.get("services");
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("not an RFC 9224 bootstrap file: no \"services\" array");
    }
    List<Service> services = new ArrayList<>();
    for (JsonNode service : array) {
      if (!service.isArray() || service.size() < 2 || !service.get(0).isArray() || !service.get(1).isArray()) {
        throw new IllegalArgumentException("not an RFC 9224 bootstrap file: a service is not [[prefixes], [urls]]");
      }
      Optional<URI> base = preferredUrl(service.get(1));
      if (base.isEmpty()) {
        continue;
      }
      for (JsonNode prefix : service.get(0)) {
        try {
          services.add(new Service(IpRange.parseCidr(prefix.asText()), base.get()));
        } catch (IllegalArgumentException e) {
          // one bad entry must not hide the rest of the registry
        }
      }
    }
    return new Bootstrap(services);
  }

  /** This registry and another (IPv4 and IPv6 files together). */
  public Bootstrap plus(Bootstrap other) {
    List<Service> all = new ArrayList<>(services);
    all.addAll(other.services);
    return new Bootstrap(all);
  }

  /** The base URL of the RDAP service for this address: the most specific prefix wins. */
  public Optional<URI> baseFor(InetAddress ip) {
    return services.stream().filter(s -> s.prefix().contains(ip))
        .min(Comparator.comparing(s -> s.prefix().size()))
        .map(Service::base);
  }

  public boolean isEmpty() {
    return services.isEmpty();
  }

  /** HTTPS when offered (RFC 9224 says clients should prefer it), else the first http URL; always ending in '/'. */
  private static Optional<URI> preferredUrl(JsonNode urls) {
    URI chosen = null;
    for (JsonNode url : urls) {
      String text = url.asText();
      if (!text.startsWith("https://") && !text.startsWith("http://")) {
        continue;
      }
      URI uri;
      try {
        uri = URI.create(text.endsWith("/") ? text : text + "/");
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (chosen == null || ("https".equals(uri.getScheme()) && !"https".equals(chosen.getScheme()))) {
        chosen = uri;
      }
    }
    return Optional.ofNullable(chosen);
  }
}
