package dev.mailops.ptr.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mailops.ptr.owner.IpRange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Regional registries on 127.0.0.1 answering RDAP IP queries as RFC 7480 and RFC 9083 say: {@code GET
 * /<registry>/ip/<address>} gives an "ip network" object (application/rdap+json), a redirect to the registry that
 * holds the range, 404 with an RFC 9083 error object, or 429 with Retry-After; and, for tests of bad input,
 * malformed JSON, an endless body or one that trickles. Several registries share one server under path prefixes.
 */
public final class RdapTestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Kind { ANSWER, REDIRECT, RATE_LIMIT, MALFORMED, HUGE, SLOW }

  private record Rule(String registry, IpRange range, Kind kind, String body, String target, AtomicInteger times,
      int retryAfterSeconds) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "rdap-test-server");
    t.setDaemon(true);
    return t;
  });
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Map<String, String> files = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private RdapTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static RdapTestServer start() {
    try {
      return new RdapTestServer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base URL of a registry, as a bootstrap file lists it (with the trailing slash RFC 9224 asks for). */
  public URI base(String registry) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + registry + "/");
  }

  /** Answers queries for IPs in {@code cidr} with this RFC 9083 body. */
  public RdapTestServer answer(String registry, String cidr, String body) {
    return add(new Rule(registry, IpRange.parseCidr(cidr), Kind.ANSWER, body, null, null, 0));
  }

  /** Redirects (301, as RIRs do for transferred resources) queries for {@code cidr} to another registry. */
  public RdapTestServer redirect(String registry, String cidr, String toRegistry) {
    return add(new Rule(registry, IpRange.parseCidr(cidr), Kind.REDIRECT, null, toRegistry, null, 0));
  }

  /** The first {@code times} queries for {@code cidr} get 429 with Retry-After; then the rules below apply. */
  public RdapTestServer rateLimit(String registry, String cidr, int times, int retryAfterSeconds) {
    return add(new Rule(registry, IpRange.parseCidr(cidr), Kind.RATE_LIMIT, null, null, new AtomicInteger(times),
        retryAfterSeconds));
  }

  /** 200 with a body that is not JSON. */
  public RdapTestServer malformed(String registry, String cidr) {
    return add(new Rule(registry, IpRange.parseCidr(cidr), Kind.MALFORMED, null, null, null, 0));
  }

  /** 200 with a valid start and then {@code bytes} bytes more, far beyond any sane RDAP answer. */
  public RdapTestServer huge(String registry, String cidr, int bytes) {
    return add(new Rule(registry, IpRange.parseCidr(cidr), Kind.HUGE, null, null, new AtomicInteger(bytes), 0));
  }

  /** 200 and headers at once, then one byte every 200 ms until the client gives up or the server closes. */
  public RdapTestServer slow(String registry, String cidr) {
    return add(new Rule(registry, IpRange.parseCidr(cidr), Kind.SLOW, null, null, null, 0));
  }

  /** Serves a file at {@code /files/<name>} (a bootstrap registry fetched by URL). */
  public URI serveFile(String name, String content) {
    files.put(name, content);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + name);
  }

  /** How many queries for this IP this registry received. */
  public int requests(String registry, String ip) {
    return requests.getOrDefault(registry + " " + ip, new AtomicInteger()).get();
  }

  /** All IP queries received, by every registry. */
  public int totalRequests() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * An RFC 9224 bootstrap registry ({@code version}, {@code publication}, {@code services} as
   * {@code [[prefixes], [base URLs]]}) sending each prefix to a registry of this server.
   */
  public String bootstrap(Map<String, String> registryByPrefix) {
    ObjectNode root = JSON.createObjectNode().put("version", "1.0").put("publication", "2026-11-30T00:00:00Z")
        .put("description", "RDAP bootstrap file for tests");
    ArrayNode services = root.putArray("services");
    Map<String, List<String>> byRegistry = new LinkedHashMap<>();
    registryByPrefix.forEach((prefix, registry) -> byRegistry.computeIfAbsent(registry, r -> new ArrayList<>())
        .add(prefix));
    byRegistry.forEach((registry, prefixes) -> {
      ArrayNode service = services.addArray();
      ArrayNode keys = service.addArray();
      prefixes.forEach(keys::add);
      service.addArray().add(base(registry).toString());
    });
    return root.toPrettyString();
  }

  /** Writes {@link #bootstrap} to {@code file} and returns it. */
  public Path writeBootstrap(Path file, Map<String, String> registryByPrefix) {
    try {
      Files.writeString(file, bootstrap(registryByPrefix));
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An RFC 9083 "ip network" object for {@code start}-{@code end} held by {@code registrant}, whose abuse contact
   * is nested inside the registrant entity (as ARIN nests points of contact in organisations), with a technical
   * contact beside it and a self link into {@code registry}.
   */
  public String network(String registry, String handle, String name, String start, String end, String registrant,
      String registrantHandle, String abuseEmail) {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("rdapConformance").add("rdap_level_0").add("cidr0");
    n.put("objectClassName", "ip network").put("handle", handle).put("startAddress", start).put("endAddress", end)
        .put("ipVersion", start.contains(":") ? "v6" : "v4").put("name", name).put("type", "ASSIGNED PA")
        .put("country", "DE");
    n.putArray("status").add("active");
    ArrayNode entities = n.putArray("entities");
    ObjectNode org = entities.addObject().put("objectClassName", "entity").put("handle", registrantHandle);
    org.putArray("roles").add("registrant");
    org.set("vcardArray", vcard("org", registrant, null));
    ObjectNode abuse = org.putArray("entities").addObject().put("objectClassName", "entity")
        .put("handle", registrantHandle + "-ABUSE");
    abuse.putArray("roles").add("abuse");
    abuse.set("vcardArray", vcard("group", "Abuse desk", abuseEmail));
    ObjectNode tech = entities.addObject().put("objectClassName", "entity").put("handle", registrantHandle + "-NOC");
    tech.putArray("roles").add("technical").add("administrative");
    tech.set("vcardArray", vcard("group", "Network operations", "noc@" + abuseEmail.substring(abuseEmail.indexOf('@') + 1)));
    ArrayNode links = n.putArray("links");
    links.addObject().put("value", base(registry) + "ip/" + start).put("rel", "self")
        .put("href", base(registry) + "ip/" + start).put("type", "application/rdap+json");
    n.putArray("events").addObject().put("eventAction", "registration").put("eventDate", "2019-01-01T00:00:00Z");
    return n.toPrettyString();
  }

  /** A jCard (RFC 7095): ["vcard", [["version", {}, "text", "4.0"], ["fn", ...], ["kind", ...], ...]]. */
  private static ArrayNode vcard(String kind, String fn, String email) {
    ArrayNode card = JSON.createArrayNode().add("vcard");
    ArrayNode properties = card.addArray();
    properties.addArray().add("version").add(JSON.createObjectNode()).add("text").add("4.0");
    properties.addArray().add("fn").add(JSON.createObjectNode()).add("text").add(fn);
    properties.addArray().add("kind").add(JSON.createObjectNode()).add("text").add(kind);
    if (email != null) {
      properties.addArray().add("email").add(JSON.createObjectNode().put("type", "work")).add("text").add(email);
    }
    properties.addArray().add("adr").add(JSON.createObjectNode().put("label", "Example Street 1\n12345 Example"))
        .add("text").add(JSON.createArrayNode().add("").add("").add("").add("").add("").add("").add(""));
    return card;
  }

  private RdapTestServer add(Rule rule) {
    rules.add(rule);
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/files/")) {
        String content = files.get(path.substring("/files/".length()));
        respond(exchange, content == null ? 404 : 200, "application/json", content == null ? "" : content);
        return;
      }
      String[] parts = path.split("/", 4); // "", registry, "ip", address
      if (parts.length < 4 || !parts[2].equals("ip")) {
        respond(exchange, 400, "application/rdap+json", error(400, "Bad request", "expected /<registry>/ip/<address>"));
        return;
      }
      String registry = parts[1];
      InetAddress ip;
      try {
        ip = com.google.common.net.InetAddresses.forString(parts[3]);
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, "application/rdap+json", error(400, "Bad request", "not an IP address"));
        return;
      }
      requests.computeIfAbsent(registry + " " + parts[3], k -> new AtomicInteger()).incrementAndGet();
      Optional<Rule> rule = match(registry, ip);
      if (rule.isEmpty()) {
        respond(exchange, 404, "application/rdap+json", error(404, "Not Found", "no network holds " + parts[3]));
        return;
      }
      Rule r = rule.get();
      switch (r.kind()) {
        case ANSWER -> respond(exchange, 200, "application/rdap+json", r.body());
        case REDIRECT -> {
          exchange.getResponseHeaders().add("Location", base(r.target()) + "ip/" + parts[3]);
          exchange.sendResponseHeaders(301, -1);
        }
        case RATE_LIMIT -> {
          exchange.getResponseHeaders().add("Retry-After", Integer.toString(r.retryAfterSeconds()));
          respond(exchange, 429, "application/rdap+json", error(429, "Too Many Requests", "slow down"));
        }
        case MALFORMED -> respond(exchange, 200, "application/rdap+json",
            "{\"objectClassName\": \"ip network\", \"handle\": \"NET-1\", \"entities\": [{\"roles\": [\"registrant\"");
        case HUGE -> {
          exchange.getResponseHeaders().add("Content-Type", "application/rdap+json");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          out.write("{\"objectClassName\": \"ip network\", \"remarks\": [{\"description\": [\"".getBytes(StandardCharsets.UTF_8));
          byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
          for (int sent = 0; sent < r.times().get() && !closed; sent += chunk.length) {
            out.write(chunk);
          }
          out.write("\"]}]}".getBytes(StandardCharsets.UTF_8));
        }
        case SLOW -> {
          exchange.getResponseHeaders().add("Content-Type", "application/rdap+json");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          while (!closed) {
            out.write(' ');
            out.flush();
            Thread.sleep(200);
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client hung up (too large, too slow): what the tests provoke
    }
  }

  /** The most specific rule of the registry holding the IP; a rate limit that still has refusals comes first. */
  private Optional<Rule> match(String registry, InetAddress ip) {
    List<Rule> holding = rules.stream().filter(r -> r.registry().equals(registry) && r.range().contains(ip))
        .sorted(Comparator.comparing(r -> r.range().size())).toList();
    for (Rule r : holding) {
      if (r.kind() == Kind.RATE_LIMIT && r.times().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Optional.of(r);
      }
    }
    return holding.stream().filter(r -> r.kind() != Kind.RATE_LIMIT).findFirst();
  }

  private void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  /** An RFC 9083 section 6 error response. */
  private static String error(int code, String title, String description) {
    ObjectNode e = JSON.createObjectNode().put("errorCode", code).put("title", title);
    e.putArray("rdapConformance").add("rdap_level_0");
    e.putArray("description").add(description);
    return e.toString();
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
