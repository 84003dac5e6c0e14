package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.verify.IpAddresses;
import java.io.IOException;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Linode API v4 (https://techdocs.akamai.com/linode-api/reference) as far as reverse DNS goes:
 * {@code GET /v4/networking/ips} (paginated: {@code page}, {@code page_size} 25 to 500, {@code data}, {@code pages},
 * {@code results}), {@code GET} and {@code PUT /v4/networking/ips/{address}} with {@code {"rdns"}}; errors are
 * {@code {"errors": [{"reason", "field"}]}}; a token is {@code Authorization: Bearer}. Like Linode, a PUT with a name
 * that does not resolve to the IP (see {@link #addForwardRecord}) is refused with 400 on field {@code rdns}, and
 * {@code null} resets an IPv4 address to its {@code ip.linodeusercontent.com} name.
 */
public final class FakeLinodeServer extends FakeHosterServer {
  private final String token;
  private final Map<String, Map<String, Object>> ips = new ConcurrentHashMap<>();

  public FakeLinodeServer(String token) throws IOException {
    super("linode", "/v4");
    this.token = token;
  }

  @Override
  public ReverseDnsProviderSpec spec(String secretNs, String secretName, List<String> allowedCidrs) {
    return ReverseDnsProviders.hosted(allowedCidrs, ReverseDnsProviderSpec::setLinode,
        new ReverseDnsProviderSpec.HosterProvider(), endpoint(), secretNs, secretName);
  }

  @Override
  public Map<String, String> secretData() {
    return Map.of("token", token);
  }

  @Override
  public boolean checksForwardRecord() {
    return true;
  }

  @Override
  public void addIp(String ip) {
    String address = canonical(ip);
    boolean v6 = IpAddresses.parse(ip) instanceof Inet6Address;
    Map<String, Object> object = new HashMap<>(map("address", address, "gateway", v6 ? "fe80::1" : null,
        "subnet_mask", v6 ? "ffff:ffff:ffff:ffff::" : "255.255.255.0", "prefix", v6 ? 64 : 24,
        "type", v6 ? "ipv6" : "ipv4", "public", true, "linode_id", 123, "region", "de-fra-2", "reserved", false,
        "vpc_nat_1_1", null));
    object.put("rdns", defaultPtr(address).orElse(null));
    ips.put(address, object);
  }

  @Override
  public void holdPtr(String ip, String hostname) {
    ips.get(canonical(ip)).put("rdns", hostname);
  }

  @Override
  public Optional<String> held(String ip) {
    Map<String, Object> object = ips.get(canonical(ip));
    return object == null ? Optional.empty() : Optional.ofNullable((String) object.get("rdns"))
        .map(FakeHosterServer::normalise);
  }

  @Override
  public Optional<String> defaultPtr(String ip) {
    return ip.contains(":") ? Optional.empty() : Optional.of(ip.replace('.', '-') + ".ip.linodeusercontent.com");
  }

  @Override
  protected String callName(Request request) {
    return request.method() + " " + (request.segments("/v4").size() > 2 ? "ip" : "ips");
  }

  @Override
  protected Optional<Reply> refuse(Request request) {
    String auth = request.header("Authorization");
    return auth != null && auth.equals("Bearer " + token) ? Optional.empty()
        : Optional.of(error(401, null, "Invalid Token"));
  }

  @Override
  protected Reply failure(Failure failure) {
    return switch (failure) {
      case THROTTLE -> new Reply(429, errors(null, "Too Many Requests"), Map.of("Retry-After", "1",
          "X-RateLimit-Limit", "800", "X-RateLimit-Remaining", "0"));
      case INTERNAL -> error(500, null, "Internal Server Error");
      case UNAVAILABLE -> error(503, null, "Service Unavailable");
      case UNAUTHORIZED -> error(401, null, "Invalid Token");
      case FORBIDDEN -> error(403, null, "Unauthorized");
      case STALL -> throw new IllegalStateException();
    };
  }

  @Override
  protected Reply answer(Request request) {
    List<String> s = request.segments("/v4");
    if (s.size() == 2 && s.get(0).equals("networking") && s.get(1).equals("ips") && request.method().equals("GET")) {
      int page = Integer.parseInt(request.query().getOrDefault("page", "1"));
      int size = Integer.parseInt(request.query().getOrDefault("page_size", "100"));
      if (size < 25 || size > 500) {
        return error(400, "page_size", "Must be 25-500");
      }
      List<Map<String, Object>> all = new ArrayList<>(ips.values());
      int pages = Math.max(1, (all.size() + size - 1) / size);
      return Reply.of(200, map("data", all.subList(Math.min(all.size(), (page - 1) * size),
          Math.min(all.size(), page * size)), "page", page, "pages", pages, "results", all.size()));
    }
    if (s.size() != 3 || !s.get(0).equals("networking") || !s.get(1).equals("ips")) {
      return error(404, null, "Not found");
    }
    String address;
    try {
      address = canonical(s.get(2));
    } catch (IllegalArgumentException e) {
      return error(404, null, "Not found");
    }
    Map<String, Object> object = ips.get(address);
    if (object == null) {
      return error(404, null, "Not found");
    }
    if (request.method().equals("GET")) {
      return Reply.of(200, object);
    }
    if (!request.method().equals("PUT")) {
      return error(405, null, "Method Not Allowed");
    }
    wrote(address);
    if (!request.json().has("rdns")) {
      return Reply.of(200, object);
    }
    String rdns = request.json().path("rdns").isNull() ? null : request.json().path("rdns").asText();
    if (rdns != null && !forwardResolves(rdns, address)) {
      return error(400, "rdns", "No match was found for '" + rdns + "'. Reverse DNS must have a matching forward"
          + " entry.");
    }
    object.put("rdns", rdns == null ? defaultPtr(address).orElse(null) : rdns);
    return Reply.of(200, object);
  }

  private static Map<String, Object> errors(String field, String reason) {
    Map<String, Object> error = new HashMap<>();
    error.put("reason", reason);
    if (field != null) {
      error.put("field", field);
    }
    return map("errors", List.of(error));
  }

  private static Reply error(int status, String field, String reason) {
    return Reply.of(status, errors(field, reason));
  }
}
