package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.verify.IpAddresses;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Vultr API v2 (https://www.vultr.com/api/) as far as reverse DNS goes: {@code GET /v2/instances} with cursor
 * pagination ({@code per_page}, {@code cursor}, {@code meta.total}, {@code meta.links.next/prev}),
 * {@code GET /v2/instances/{id}/ipv4} ({@code ipv4s} with {@code reverse}), {@code POST .../ipv4/reverse}
 * {@code {ip, reverse}}, {@code POST .../ipv4/reverse/default} {@code {ip}}, {@code GET .../ipv6/reverse}
 * ({@code reverse_ipv6s}), {@code POST .../ipv6/reverse} and {@code DELETE .../ipv6/reverse/{ip}}, each write
 * answering 204. Errors are {@code {"error": "...", "status": N}}; a key is {@code Authorization: Bearer}. Each IP
 * added is the main IPv4 of its own instance, or an IPv6 in its instance's /64; the instances are listed two per
 * page so finding one follows the cursor.
 */
public final class FakeVultrServer extends FakeHosterServer {
  private static final int PER_PAGE_CAP = 2;

  private static final class Instance {
    final String id = UUID.randomUUID().toString();
    final String mainIp;
    final String v6Network;
    final Map<String, String> reverse = new ConcurrentHashMap<>();

    Instance(String mainIp, String v6Network) {
      this.mainIp = mainIp;
      this.v6Network = v6Network;
    }
  }

  private final String token;
  private final List<Instance> instances = new CopyOnWriteArrayList<>();

  public FakeVultrServer(String token) throws IOException {
    super("vultr", "/v2");
    this.token = token;
    for (int i = 1; i <= 3; i++) {
      instances.add(new Instance("192.0.2." + i, ""));
    }
  }

  @Override
  public ReverseDnsProviderSpec spec(String secretNs, String secretName, List<String> allowedCidrs) {
    return ReverseDnsProviders.hosted(allowedCidrs, ReverseDnsProviderSpec::setVultr,
        new ReverseDnsProviderSpec.HosterProvider(), endpoint(), secretNs, secretName);
  }

  @Override
  public Map<String, String> secretData() {
    return Map.of("token", token);
  }

  @Override
  public void addIp(String ip) {
    if (ip.contains(":")) {
      instances.add(new Instance("192.0.2.99", network64(ip)));
    } else {
      Instance instance = new Instance(ip, "");
      instance.reverse.put(ip, defaultPtr(ip).orElseThrow());
      instances.add(instance);
    }
  }

  @Override
  public void holdPtr(String ip, String hostname) {
    instance(canonical(ip)).orElseThrow().reverse.put(canonical(ip), hostname);
  }

  @Override
  public Optional<String> held(String ip) {
    return instance(canonical(ip)).map(i -> i.reverse.get(canonical(ip))).map(FakeHosterServer::normalise);
  }

  @Override
  public Optional<String> defaultPtr(String ip) {
    return ip.contains(":") ? Optional.empty() : Optional.of(ip.replace('.', '-') + ".vultrusercontent.com");
  }

  @Override
  protected String callName(Request request) {
    List<String> s = request.segments("/v2");
    return request.method() + " " + String.join("/", s.size() > 1 ? s.subList(2, Math.min(s.size(), 4)) : s);
  }

  @Override
  protected Optional<Reply> refuse(Request request) {
    String auth = request.header("Authorization");
    return auth != null && auth.equals("Bearer " + token) ? Optional.empty()
        : Optional.of(error(401, "Invalid API token."));
  }

  @Override
  protected Reply failure(Failure failure) {
    return switch (failure) {
      case THROTTLE -> new Reply(429, map("error", "Rate limit reached - please try your request again later.",
          "status", 429), Map.of("Retry-After", "1"));
      case INTERNAL -> error(500, "Internal server error.");
      case UNAVAILABLE -> error(503, "Service temporarily unavailable.");
      case UNAUTHORIZED -> error(401, "Invalid API token.");
      case FORBIDDEN -> error(403, "Unauthorized IP address: 127.0.0.1");
      case STALL -> throw new IllegalStateException();
    };
  }

  @Override
  protected Reply answer(Request request) {
    List<String> s = request.segments("/v2");
    if (s.isEmpty() || !s.get(0).equals("instances")) {
      return error(404, "Invalid API path.");
    }
    if (s.size() == 1 && request.method().equals("GET")) {
      return list(request.query());
    }
    Instance instance = instances.stream().filter(i -> i.id.equals(s.get(1))).findFirst().orElse(null);
    if (instance == null) {
      return error(404, "Invalid instance-id.");
    }
    String rest = String.join("/", s.subList(2, s.size()));
    String method = request.method();
    if (method.equals("GET") && rest.equals("ipv4")) {
      List<Object> ipv4s = new ArrayList<>();
      ipv4s.add(map("ip", instance.mainIp, "netmask", "255.255.254.0", "gateway", "192.0.2.254", "type", "main_ip",
          "reverse", instance.reverse.getOrDefault(instance.mainIp, instance.mainIp)));
      return Reply.of(200, map("ipv4s", ipv4s, "meta", map("total", 1, "links", map("next", "", "prev", ""))));
    }
    if (method.equals("GET") && rest.equals("ipv6/reverse")) {
      List<Object> reverses = new ArrayList<>();
      instance.reverse.forEach((ip, name) -> {
        if (ip.contains(":")) {
          reverses.add(map("ip", ip, "reverse", name));
        }
      });
      return Reply.of(200, map("reverse_ipv6s", reverses));
    }
    if (method.equals("POST") && (rest.equals("ipv4/reverse") || rest.equals("ipv6/reverse"))) {
      String ip = request.json().path("ip").asText("");
      String reverse = request.json().path("reverse").asText("");
      if (!holds(instance, ip, rest.startsWith("ipv6"))) {
        return error(400, "Invalid IP address.");
      }
      if (reverse.isEmpty()) {
        return error(400, "Invalid reverse.");
      }
      wrote(canonical(ip));
      instance.reverse.put(canonical(ip), reverse);
      return Reply.noContent();
    }
    if (method.equals("POST") && rest.equals("ipv4/reverse/default")) {
      String ip = request.json().path("ip").asText("");
      if (!holds(instance, ip, false)) {
        return error(400, "Invalid IP address.");
      }
      wrote(canonical(ip));
      instance.reverse.put(canonical(ip), defaultPtr(ip).orElseThrow());
      return Reply.noContent();
    }
    if (method.equals("DELETE") && s.size() == 5 && rest.startsWith("ipv6/reverse/")) {
      String ip = s.get(4);
      if (!holds(instance, ip, true)) {
        return error(400, "Invalid IP address.");
      }
      wrote(canonical(ip));
      instance.reverse.remove(canonical(ip));
      return Reply.noContent();
    }
    return error(404, "Invalid API path.");
  }

  private Reply list(Map<String, String> query) {
    int perPage = Math.min(PER_PAGE_CAP, Integer.parseInt(query.getOrDefault("per_page", "100")));
    int start = query.containsKey("cursor") ? Integer.parseInt(new String(java.util.Base64.getDecoder()
        .decode(query.get("cursor")), java.nio.charset.StandardCharsets.UTF_8).substring("next__".length())) : 0;
    List<Object> page = new ArrayList<>();
    for (Instance i : instances.subList(Math.min(start, instances.size()), Math.min(start + perPage,
        instances.size()))) {
      page.add(map("id", i.id, "main_ip", i.mainIp, "v6_network", i.v6Network, "v6_main_ip", "",
          "v6_network_size", i.v6Network.isEmpty() ? 0 : 64, "label", "mta", "status", "active", "region", "fra"));
    }
    String next = start + perPage < instances.size() ? java.util.Base64.getEncoder().encodeToString(
        ("next__" + (start + perPage)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : "";
    return Reply.of(200, map("instances", page, "meta", map("total", instances.size(), "links",
        map("next", next, "prev", ""))));
  }

  private Optional<Instance> instance(String ip) {
    return instances.stream().filter(i -> holds(i, ip, ip.contains(":"))).findFirst();
  }

  private static boolean holds(Instance instance, String ip, boolean v6) {
    try {
      InetAddress address = IpAddresses.parse(ip);
      return v6 ? !instance.v6Network.isEmpty() && address instanceof Inet6Address
          && IpAddresses.inCidr(address, instance.v6Network + "/64")
          : IpAddresses.parse(instance.mainIp).equals(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Reply error(int status, String message) {
    return Reply.of(status, map("error", message, "status", status));
  }
}
