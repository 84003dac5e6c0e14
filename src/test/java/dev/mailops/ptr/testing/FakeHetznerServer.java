package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.verify.IpAddresses;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Hetzner Cloud API (https://docs.hetzner.cloud) as far as reverse DNS goes: {@code GET /v1/primary_ips},
 * {@code /v1/floating_ips} and {@code /v1/load_balancers} (paginated: {@code page}, {@code per_page} at most 50,
 * {@code meta.pagination.next_page}), {@code POST /v1/{collection}/{id}/actions/change_dns_ptr} with
 * {@code {ip, dns_ptr}} answering 201 with an action, and {@code GET /v1/actions/{id}}. Errors are
 * {@code {"error": {"code", "message", "details"}}}; a token is {@code Authorization: Bearer}. A change's action stays
 * {@code running} for {@link #pendingPolls} polls and is applied when it succeeds. Hetzner checks no forward record.
 * Primary IPs are listed after {@value #FILLER} unrelated ones, so finding them takes a second page.
 */
public final class FakeHetznerServer extends FakeHosterServer {
  private static final int FILLER = 55;

  /** One Primary IP (IPv4 address, or IPv6 /64 with one PTR per address), Floating IP or Load Balancer. */
  private static final class Resource {
    final String collection;
    final long id;
    final String ip;
    final Map<String, String> ptrs = new ConcurrentHashMap<>();

    Resource(String collection, long id, String ip) {
      this.collection = collection;
      this.id = id;
      this.ip = ip;
    }
  }

  private record Action(long id, Resource resource, String ip, String value, int[] pollsLeft) {}

  private final String token;
  private final List<Resource> resources = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<Long, Action> actions = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(4711);
  private volatile int pendingPolls;

  public FakeHetznerServer(String token) throws IOException {
    super("hetzner", "/v1");
    this.token = token;
    for (int i = 0; i < FILLER; i++) {
      resources.add(new Resource("primary_ips", ids.incrementAndGet(), "192.0.2." + (i + 1)));
    }
  }

  @Override
  public ReverseDnsProviderSpec spec(String secretNs, String secretName, List<String> allowedCidrs) {
    return ReverseDnsProviders.hosted(allowedCidrs, ReverseDnsProviderSpec::setHetzner,
        new ReverseDnsProviderSpec.HosterProvider(), endpoint(), secretNs, secretName);
  }

  @Override
  public Map<String, String> secretData() {
    return Map.of("token", token);
  }

  /** IPv4: a Primary IP; IPv6: a Primary IP of its /64. */
  @Override
  public void addIp(String ip) {
    add("primary_ips", ip);
  }

  public void addFloatingIp(String ip) {
    add("floating_ips", ip);
  }

  public void addLoadBalancer(String ip) {
    add("load_balancers", ip);
  }

  private void add(String collection, String ip) {
    InetAddress address = IpAddresses.parse(ip);
    Resource r = new Resource(collection, ids.incrementAndGet(), address instanceof Inet6Address
        && !collection.equals("load_balancers") ? network64(ip) + "/64" : ip);
    if (!(address instanceof Inet6Address)) {
      r.ptrs.put(ip, defaultPtr(ip).orElseThrow());
    }
    resources.add(r);
  }

  @Override
  public void holdPtr(String ip, String hostname) {
    resource(ip).orElseThrow().ptrs.put(canonical(ip), hostname);
  }

  @Override
  public Optional<String> held(String ip) {
    return resource(ip).map(r -> r.ptrs.get(canonical(ip))).map(FakeHosterServer::normalise);
  }

  @Override
  public Optional<String> defaultPtr(String ip) {
    InetAddress address = IpAddresses.parse(ip);
    if (address instanceof Inet6Address) {
      return Optional.empty();
    }
    String[] o = ip.split("\\.");
    return Optional.of("static." + o[3] + "." + o[2] + "." + o[1] + "." + o[0] + ".clients.your-server.de");
  }

  @Override
  public boolean asynchronous() {
    return true;
  }

  @Override
  public void pendingPolls(int polls) {
    this.pendingPolls = polls;
  }

  @Override
  protected String callName(Request request) {
    List<String> s = request.segments("/v1");
    if (s.size() == 4 && "change_dns_ptr".equals(s.get(3))) {
      return "change_dns_ptr";
    }
    return s.isEmpty() ? "" : s.get(0) + (s.size() > 1 ? "/{id}" : "");
  }

  @Override
  protected Optional<Reply> refuse(Request request) {
    String auth = request.header("Authorization");
    if (auth == null || !auth.equals("Bearer " + token)) {
      return Optional.of(error(401, "unauthorized", "unable to authenticate"));
    }
    return Optional.empty();
  }

  @Override
  protected Reply failure(Failure failure) {
    return switch (failure) {
      case THROTTLE -> new Reply(429, errorBody("rate_limit_exceeded", "limit of 3600 requests per hour reached"),
          Map.of("RateLimit-Limit", "3600", "RateLimit-Remaining", "0",
              "RateLimit-Reset", String.valueOf(Instant.now().getEpochSecond() + 1)));
      case INTERNAL -> error(500, "server_error", "Error within the API backend");
      case UNAVAILABLE -> error(503, "unavailable", "A service or product is currently not available");
      case UNAUTHORIZED -> error(401, "unauthorized", "unable to authenticate");
      case FORBIDDEN -> error(403, "forbidden", "insufficient permissions for this request");
      case STALL -> throw new IllegalStateException();
    };
  }

  @Override
  protected Reply answer(Request request) {
    List<String> s = request.segments("/v1");
    if (request.method().equals("GET") && s.size() == 1 && List.of("primary_ips", "floating_ips", "load_balancers")
        .contains(s.get(0))) {
      return list(s.get(0), request.query());
    }
    if (request.method().equals("GET") && s.size() == 2 && s.get(0).equals("actions")) {
      Action action = actions.get(Long.parseLong(s.get(1)));
      return action == null ? error(404, "not_found", "action with ID '" + s.get(1) + "' not found")
          : Reply.of(200, map("action", poll(action)));
    }
    if (request.method().equals("POST") && s.size() == 4 && s.get(2).equals("actions")
        && s.get(3).equals("change_dns_ptr")) {
      return changeDnsPtr(s.get(0), Long.parseLong(s.get(1)), request);
    }
    return error(404, "not_found", "not found");
  }

  private Reply list(String collection, Map<String, String> query) {
    int page = Integer.parseInt(query.getOrDefault("page", "1"));
    int perPage = Math.min(50, Integer.parseInt(query.getOrDefault("per_page", "25")));
    List<Resource> all = resources.stream().filter(r -> r.collection.equals(collection)).toList();
    int lastPage = Math.max(1, (all.size() + perPage - 1) / perPage);
    List<Object> items = new ArrayList<>();
    for (Resource r : all.subList(Math.min(all.size(), (page - 1) * perPage), Math.min(all.size(), page * perPage))) {
      items.add(json(r));
    }
    return Reply.of(200, map(collection, items, "meta", map("pagination", map("page", page, "per_page", perPage,
        "previous_page", page > 1 ? page - 1 : null, "next_page", page < lastPage ? page + 1 : null,
        "last_page", lastPage, "total_entries", all.size()))));
  }

  private Object json(Resource r) {
    if (r.collection.equals("load_balancers")) {
      boolean v6 = r.ip.contains(":");
      Map<String, Object> none = map("ip", null, "dns_ptr", null);
      Map<String, Object> net = map("ip", r.ip, "dns_ptr", r.ptrs.get(canonical(r.ip)));
      return map("id", r.id, "name", "lb-" + r.id, "public_net", map("enabled", true,
          "ipv4", v6 ? none : net, "ipv6", v6 ? net : none));
    }
    List<Object> ptrs = new ArrayList<>();
    r.ptrs.forEach((ip, ptr) -> ptrs.add(map("ip", ip, "dns_ptr", ptr)));
    return map("id", r.id, "name", r.collection + "-" + r.id, "ip", r.ip, "type", r.ip.contains(":") ? "ipv6" : "ipv4",
        "dns_ptr", ptrs, "blocked", false, "labels", Map.of());
  }

  private Reply changeDnsPtr(String collection, long id, Request request) {
    Resource r = resources.stream().filter(x -> x.collection.equals(collection) && x.id == id).findFirst()
        .orElse(null);
    if (r == null) {
      return error(404, "not_found", collection.replaceAll("s$", "") + " with ID '" + id + "' not found");
    }
    String ip = request.json().path("ip").asText("");
    if (!request.json().has("dns_ptr")) {
      return invalidInput("dns_ptr", "Missing data for required field.");
    }
    String value = request.json().path("dns_ptr").isNull() ? null : request.json().path("dns_ptr").asText();
    InetAddress address;
    try {
      address = IpAddresses.parse(ip);
    } catch (IllegalArgumentException e) {
      return invalidInput("ip", "Not a valid IP address.");
    }
    if (r.ip.contains("/") ? !IpAddresses.inCidr(address, r.ip) : !IpAddresses.parse(r.ip).equals(address)) {
      return invalidInput("ip", "IP does not belong to this " + collection.replaceAll("s$", ""));
    }
    wrote(canonical(ip));
    if (value == null) {
      value = defaultPtr(ip).orElse(null);
    }
    Action action = new Action(ids.incrementAndGet(), r, canonical(ip), value, new int[] {pendingPolls});
    actions.put(action.id(), action);
    return Reply.of(201, map("action", poll(action)));
  }

  /** The action as Hetzner shows it; counts one poll, applying the change once no polls are left. */
  private Map<String, Object> poll(Action action) {
    boolean done;
    synchronized (action) {
      done = action.pollsLeft()[0]-- <= 0;
      if (done) {
        if (action.value() == null) {
          action.resource().ptrs.remove(action.ip());
        } else {
          action.resource().ptrs.put(action.ip(), action.value());
        }
      }
    }
    return map("id", action.id(), "command", "change_dns_ptr", "status", done ? "success" : "running",
        "progress", done ? 100 : 0, "started", Instant.now().toString(), "finished", done ? Instant.now().toString()
            : null, "resources", List.of(map("id", action.resource().id, "type",
            action.resource().collection.replaceAll("s$", ""))), "error", null);
  }

  private Optional<Resource> resource(String ip) {
    InetAddress address = IpAddresses.parse(ip);
    return resources.stream().filter(r -> r.ip.contains("/") ? IpAddresses.inCidr(address, r.ip)
        : IpAddresses.parse(r.ip).equals(address)).findFirst();
  }

  private static Reply invalidInput(String field, String message) {
    return Reply.of(400, map("error", map("code", "invalid_input", "message", "invalid input in field '" + field + "'",
        "details", map("fields", List.of(map("name", field, "messages", List.of(message)))))));
  }

  private static Map<String, Object> errorBody(String code, String message) {
    return map("error", map("code", code, "message", message, "details", Map.of()));
  }

  private static Reply error(int status, String code, String message) {
    return Reply.of(status, errorBody(code, message));
  }
}
