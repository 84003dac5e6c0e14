package dev.mailops.ptr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the DigitalOcean API v2, limited to what the digitalocean provider calls, shaped after
 * DigitalOcean's public OpenAPI description:
 *
 * <ul>
 *   <li>{@code GET /v2/droplets?page=&per_page=}: {@code {"droplets": [...], "links": {"pages": {"first", "prev",
 *       "next", "last"}}, "meta": {"total"}}}, Droplets with {@code id, name, status, networks{v4[], v6[]}} whose
 *       entries are {@code {ip_address, netmask, gateway, type: public|private}};
 *   <li>{@code POST /v2/droplets/{id}/actions} with {@code {"type": "rename", "name": ...}}: 201 and {@code
 *       {"action": {id, status: "in-progress", type: "rename", started_at, completed_at, resource_id,
 *       resource_type: "droplet", region, region_slug}}};
 *   <li>{@code GET /v2/actions/{id}}: the action, {@code in-progress} for the first {@code actionPolls} polls, then
 *       {@code completed} (the Droplet renamed) or {@code errored};
 *   <li>{@code GET /v2/reserved_ips/{ip}}: {@code {"reserved_ip": {ip, droplet | null, region, locked}}};
 *   <li>every answer carries {@code ratelimit-limit}, {@code ratelimit-remaining} and {@code ratelimit-reset};
 *       errors are {@code {"id", "message", "request_id"}}: 401 unauthorized, 404 not_found, 422
 *       unprocessable_entity, 429 too_many_requests, 500 server_error.
 * </ul>
 */
public final class FakeDigitalOceanServer extends FakeHttpServer<FakeDigitalOceanServer.Failure> {

  /** Failures the next calls can be told to answer with. */
  public enum Failure {
    RATE_LIMITED(429, "too_many_requests", "API Rate limit exceeded."),
    INTERNAL(500, "server_error", "Server was unable to give you a response."),
    FORBIDDEN(403, "Forbidden", "You are not authorized to perform this operation"),
    /** Holds the request without answering until the server stops. */
    STALL(0, null, null);

    final int status;
    final String id;
    final String message;

    Failure(int status, String id, String message) {
      this.status = status;
      this.id = id;
      this.message = message;
    }
  }

  private static final Pattern DROPLETS = Pattern.compile("/v2/droplets");
  private static final Pattern DROPLET_ACTIONS = Pattern.compile("/v2/droplets/([0-9]+)/actions");
  private static final Pattern ACTION = Pattern.compile("/v2/actions/([0-9]+)");
  private static final Pattern RESERVED_IP = Pattern.compile("/v2/reserved_ips/([^/]+)");
  private static final int LIMIT = 5000;

  private final String token;
  private final Map<Long, ObjectNode> droplets = new ConcurrentHashMap<>();
  private final Map<String, Long> reservedIps = new ConcurrentHashMap<>();
  private final Map<Long, Action> actions = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(3164444);
  private final AtomicInteger remaining = new AtomicInteger(LIMIT);
  private volatile int actionPolls = 1;
  private volatile boolean nextActionErrors;
  private volatile boolean tokenSeenElsewhere;

  private static final class Action {
    final ObjectNode json;
    final Runnable apply;
    final boolean errors;
    int pollsLeft;

    Action(ObjectNode json, Runnable apply, int pollsLeft, boolean errors) {
      this.json = json;
      this.apply = apply;
      this.pollsLeft = pollsLeft;
      this.errors = errors;
    }
  }

  public FakeDigitalOceanServer(String token) throws IOException {
    super("fake-digitalocean", Failure.STALL);
    this.token = token;
  }

  /** A Droplet with a public IPv4 (and a private one), and optionally a public IPv6; returns its id. */
  public long addDroplet(String name, String publicIpv4, String publicIpv6) {
    long id = ids.incrementAndGet();
    ObjectNode droplet = object();
    droplet.put("id", id);
    droplet.put("name", name);
    droplet.put("memory", 1024).put("vcpus", 1).put("disk", 25).put("locked", false).put("status", "active");
    droplet.put("created_at", "2026-11-01T10:00:00Z");
    ObjectNode networks = droplet.putObject("networks");
    ArrayNode v4 = networks.putArray("v4");
    v4.addObject().put("ip_address", publicIpv4).put("netmask", "255.255.240.0")
        .put("gateway", publicIpv4.replaceAll("\\.[0-9]+$", ".1")).put("type", "public");
    v4.addObject().put("ip_address", "10.110.0." + (id % 250 + 2)).put("netmask", "255.255.240.0")
        .put("gateway", "10.110.0.1").put("type", "private");
    ArrayNode v6 = networks.putArray("v6");
    if (publicIpv6 != null) {
      v6.addObject().put("ip_address", publicIpv6).put("netmask", 64).put("gateway", "2a03:b0c0:3:d0::1")
          .put("type", "public");
    }
    droplet.set("region", region());
    droplet.putArray("tags");
    droplets.put(id, droplet);
    return id;
  }

  /** A reserved IP, assigned to a Droplet or (dropletId null) to none. */
  public void addReservedIp(String ip, Long dropletId) {
    reservedIps.put(ip, dropletId == null ? -1L : dropletId);
  }

  public String dropletName(long id) {
    ObjectNode droplet = droplets.get(id);
    synchronized (droplet) {
      return droplet.path("name").asText();
    }
  }

  /** A rename action answers in-progress to this many polls, then completed. */
  public void actionPolls(int polls) {
    this.actionPolls = polls;
  }

  /** The next rename action ends errored (and renames nothing). */
  public void nextActionErrors() {
    this.nextActionErrors = true;
  }

  /** Renames asked for this Droplet so far. */
  public long renames(long dropletId) {
    return requests().stream().filter(r -> "POST".equals(r.method())
        && r.path().equals("/v2/droplets/" + dropletId + "/actions")).count();
  }

  /** True when the token arrived anywhere but the Authorization header. */
  public boolean tokenSeenElsewhere() {
    return tokenSeenElsewhere;
  }

  @Override
  protected String callName(Request request) {
    String path = request.path();
    if (DROPLETS.matcher(path).matches()) {
      return "droplets";
    }
    if (DROPLET_ACTIONS.matcher(path).matches()) {
      return "rename";
    }
    if (ACTION.matcher(path).matches()) {
      return "action";
    }
    if (RESERVED_IP.matcher(path).matches()) {
      return "reserved_ip";
    }
    return null;
  }

  @Override
  protected String jsonContentType() {
    return "application/json; charset=utf-8";
  }

  @Override
  protected Reply failure(Failure failure) {
    if (failure == Failure.RATE_LIMITED) {
      remaining.set(0);
    }
    return error(failure.status, failure.id, failure.message);
  }

  @Override
  protected Reply answer(Request request) {
    if (request.body().contains(token) || request.path().contains(token)
        || request.query().values().stream().anyMatch(v -> v.contains(token))) {
      tokenSeenElsewhere = true;
    }
    if (!("Bearer " + token).equals(request.authorization())) {
      return error(401, "unauthorized", "Unable to authenticate you");
    }
    Matcher dropletActions = DROPLET_ACTIONS.matcher(request.path());
    Matcher action = ACTION.matcher(request.path());
    Matcher reserved = RESERVED_IP.matcher(request.path());
    if (DROPLETS.matcher(request.path()).matches() && "GET".equals(request.method())) {
      return list(request);
    } else if (dropletActions.matches() && "POST".equals(request.method())) {
      return rename(Long.parseLong(dropletActions.group(1)), request.json());
    } else if (action.matches() && "GET".equals(request.method())) {
      return action(Long.parseLong(action.group(1)));
    } else if (reserved.matches() && "GET".equals(request.method())) {
      return reservedIp(reserved.group(1));
    } else {
      return notFound();
    }
  }

  private Reply list(Request request) {
    int page = Integer.parseInt(request.query().getOrDefault("page", "1"));
    int perPage = Math.min(200, Integer.parseInt(request.query().getOrDefault("per_page", "20")));
    List<Long> all = new ArrayList<>(droplets.keySet());
    all.sort(Long::compare);
    int last = Math.max(1, (all.size() + perPage - 1) / perPage);
    ObjectNode answer = object();
    ArrayNode items = answer.putArray("droplets");
    for (Long id : all.subList(Math.min(all.size(), (page - 1) * perPage), Math.min(all.size(), page * perPage))) {
      ObjectNode droplet = droplets.get(id);
      synchronized (droplet) {
        items.add(droplet.deepCopy());
      }
    }
    ObjectNode pages = answer.putObject("links").putObject("pages");
    String base = endpoint() + "/v2/droplets?per_page=" + perPage + "&page=";
    if (page > 1) {
      pages.put("first", base + 1).put("prev", base + (page - 1));
    }
    if (page < last) {
      pages.put("next", base + (page + 1)).put("last", base + last);
    }
    answer.putObject("meta").put("total", all.size());
    return Reply.of(200, answer, rateLimit());
  }

  private Reply rename(long dropletId, JsonNode request) {
    ObjectNode droplet = droplets.get(dropletId);
    if (droplet == null) {
      return notFound();
    }
    if (!"rename".equals(request.path("type").asText())) {
      return error(422, "unprocessable_entity", "Type is not a valid action type");
    }
    String name = request.path("name").asText("");
    if (name.isEmpty() || !name.matches("[a-zA-Z0-9.-]+")) {
      return error(422, "unprocessable_entity", "Name Only valid hostname characters are allowed. (a-z, A-Z,"
          + " 0-9, . and -)");
    }
    long id = ids.incrementAndGet();
    ObjectNode json = object();
    json.put("id", id).put("status", "in-progress").put("type", "rename")
        .put("started_at", Instant.now().toString()).putNull("completed_at")
        .put("resource_id", dropletId).put("resource_type", "droplet");
    json.set("region", region());
    json.put("region_slug", "fra1");
    boolean errors = nextActionErrors;
    nextActionErrors = false;
    Runnable apply = () -> {
      synchronized (droplet) {
        droplet.put("name", name);
      }
    };
    actions.put(id, new Action(json, apply, actionPolls, errors));
    return Reply.of(201, object().set("action", json.deepCopy()), rateLimit());
  }

  private Reply action(long id) {
    Action action = actions.get(id);
    if (action == null) {
      return notFound();
    }
    synchronized (action) {
      if ("in-progress".equals(action.json.path("status").asText())) {
        if (action.pollsLeft > 1) {
          action.pollsLeft--;
        } else {
          if (!action.errors) {
            action.apply.run();
          }
          action.json.put("status", action.errors ? "errored" : "completed")
              .put("completed_at", Instant.now().toString());
        }
      }
      return Reply.of(200, object().set("action", action.json.deepCopy()), rateLimit());
    }
  }

  private Reply reservedIp(String ip) {
    Long dropletId = reservedIps.get(ip);
    if (dropletId == null) {
      return notFound();
    }
    ObjectNode reserved = object().put("ip", ip);
    reserved.set("region", region());
    ObjectNode droplet = droplets.get(dropletId);
    if (droplet == null) {
      reserved.putNull("droplet");
    } else {
      synchronized (droplet) {
        reserved.set("droplet", droplet.deepCopy());
      }
    }
    reserved.put("locked", false).put("project_id", "746c6152-2fa2-11ed-92d3-27aaa54e4988");
    return Reply.of(200, object().set("reserved_ip", reserved), rateLimit());
  }

  private static ObjectNode region() {
    ObjectNode region = object().put("name", "Frankfurt 1").put("slug", "fra1").put("available", true);
    region.putArray("features").add("ipv6");
    return region;
  }

  private Reply notFound() {
    return error(404, "not_found", "The resource you were accessing could not be found.");
  }

  private Reply error(int status, String id, String message) {
    return Reply.of(status, object().put("id", id).put("message", message)
        .put("request_id", java.util.UUID.randomUUID().toString()), rateLimit());
  }

  private Map<String, String> rateLimit() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ratelimit-limit", String.valueOf(LIMIT));
    headers.put("ratelimit-remaining", String.valueOf(Math.max(0, remaining.getAndDecrement())));
    headers.put("ratelimit-reset", String.valueOf(Instant.now().plusSeconds(60).getEpochSecond()));
    return headers;
  }
}
