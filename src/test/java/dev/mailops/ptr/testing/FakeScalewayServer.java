package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Scaleway Instance API (https://www.scaleway.com/en/developers/api/instance/) as far as flexible IP reverse DNS
 * goes: {@code GET /instance/v1/zones/{zone}/ips} ({@code page}, {@code per_page} up to 100, {@code X-Total-Count})
 * and {@code PATCH /instance/v1/zones/{zone}/ips/{id}} with {@code {"reverse"}} answering {@code {"ip": ...}};
 * {@code X-Auth-Token} carries the secret key; errors are {@code {"type", "message"}} (with {@code details} for
 * {@code invalid_arguments}). A reverse that does not resolve to the IP (see {@link #addForwardRecord}) is refused
 * with 400 {@code invalid_arguments} on {@code reverse} (wording approximated); {@code null} resets it to the
 * default. 60 unrelated IPs come first, so finding one takes a second page.
 */
public final class FakeScalewayServer extends FakeHosterServer {
  public static final String ZONE = "fr-par-1";
  private static final int FILLER = 60;

  private final String secretKey;
  /** By address, in creation order. */
  private final Map<String, Map<String, Object>> ips = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

  public FakeScalewayServer(String secretKey) throws IOException {
    super("scaleway", "");
    this.secretKey = secretKey;
    for (int i = 1; i <= FILLER; i++) {
      addIp("192.0.2." + i);
    }
  }

  @Override
  public ReverseDnsProviderSpec spec(String secretNs, String secretName, List<String> allowedCidrs) {
    var spec = ReverseDnsProviders.base(allowedCidrs);
    var block = ReverseDnsProviders.hoster(new ReverseDnsProviderSpec.ScalewayProvider(), endpoint(), secretNs,
        secretName);
    block.setZone(ZONE);
    spec.setScaleway(block);
    return spec;
  }

  @Override
  public Map<String, String> secretData() {
    return Map.of("secretKey", secretKey);
  }

  @Override
  public boolean checksForwardRecord() {
    return true;
  }

  @Override
  public void addIp(String ip) {
    Map<String, Object> object = new LinkedHashMap<>(map("id", UUID.randomUUID().toString(), "address", ip,
        "prefix", null, "server", null, "organization", "org", "project", "proj", "tags", List.of(),
        "zone", ZONE, "type", "routed_ipv4", "state", "detached", "ipam_id", UUID.randomUUID().toString()));
    object.put("reverse", null);
    ips.put(canonical(ip), object);
  }

  @Override
  public void holdPtr(String ip, String hostname) {
    ips.get(canonical(ip)).put("reverse", hostname);
  }

  @Override
  public Optional<String> held(String ip) {
    Map<String, Object> object = ips.get(canonical(ip));
    return object == null ? Optional.empty() : Optional.ofNullable((String) object.get("reverse"))
        .map(FakeHosterServer::normalise);
  }

  @Override
  public Optional<String> defaultPtr(String ip) {
    return Optional.empty();
  }

  @Override
  protected String callName(Request request) {
    return request.method() + " ips";
  }

  @Override
  protected Optional<Reply> refuse(Request request) {
    return secretKey.equals(request.header("X-Auth-Token")) ? Optional.empty()
        : Optional.of(Reply.of(401, map("message", "authentication is denied", "method", "api_key",
            "reason", "invalid_argument", "type", "denied_authentication")));
  }

  @Override
  protected Reply failure(Failure failure) {
    return switch (failure) {
      case THROTTLE -> new Reply(429, map("message", "too many requests", "type", "too_many_requests"),
          Map.of("Retry-After", "1"));
      case INTERNAL -> Reply.of(500, map("message", "internal error", "type", "internal_error"));
      case UNAVAILABLE -> Reply.of(503, map("message", "service unavailable", "type", "service_unavailable"));
      case UNAUTHORIZED -> Reply.of(401, map("message", "authentication is denied", "method", "api_key",
          "reason", "invalid_argument", "type", "denied_authentication"));
      case FORBIDDEN -> Reply.of(403, map("message", "insufficient permissions", "type", "permissions_denied",
          "details", List.of(map("resource", "instance_ip", "action", "write"))));
      case STALL -> throw new IllegalStateException();
    };
  }

  @Override
  protected Reply answer(Request request) {
    List<String> s = request.segments("");
    if (s.size() < 5 || !s.get(0).equals("instance") || !s.get(1).equals("v1") || !s.get(2).equals("zones")
        || !s.get(4).equals("ips")) {
      return notFound("path", request.path());
    }
    if (!s.get(3).equals(ZONE)) {
      return notFound("zone", s.get(3));
    }
    if (s.size() == 5 && request.method().equals("GET")) {
      int page = Integer.parseInt(request.query().getOrDefault("page", "1"));
      int perPage = Math.min(100, Integer.parseInt(request.query().getOrDefault("per_page", "50")));
      List<Map<String, Object>> all;
      synchronized (ips) {
        all = new ArrayList<>(ips.values());
      }
      return new Reply(200, map("ips", all.subList(Math.min(all.size(), (page - 1) * perPage),
          Math.min(all.size(), page * perPage))), Map.of("X-Total-Count", String.valueOf(all.size())));
    }
    if (s.size() == 6 && request.method().equals("PATCH")) {
      Map<String, Object> object;
      synchronized (ips) {
        object = ips.values().stream().filter(o -> o.get("id").equals(s.get(5))).findFirst().orElse(null);
      }
      if (object == null) {
        return notFound("instance_ip", s.get(5));
      }
      String address = (String) object.get("address");
      wrote(address);
      if (request.json().has("reverse")) {
        String reverse = request.json().path("reverse").isNull() ? null : request.json().path("reverse").asText();
        if (reverse != null && !reverse.isEmpty() && !forwardResolves(reverse, address)) {
          return Reply.of(400, map("message", "invalid argument(s)", "type", "invalid_arguments", "details",
              List.of(map("argument_name", "reverse", "reason", "constraint", "help_message",
                  "reverse " + reverse + " does not resolve to " + address))));
        }
        object.put("reverse", reverse == null || reverse.isEmpty() ? null : reverse);
      }
      return Reply.of(200, map("ip", object));
    }
    return notFound("path", request.path());
  }

  private static Reply notFound(String resource, String id) {
    return Reply.of(404, map("message", "resource is not found", "resource", resource, "resource_id", id,
        "type", "not_found"));
  }
}
