package dev.mailops.ptr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.verify.IpAddresses;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The common loop of the local stand-ins for the hosters' JSON APIs (Hetzner Cloud, Linode, Vultr, Scaleway,
 * OVHcloud): a JDK HttpServer on 127.0.0.1, every request recorded and counted by call name, credentials checked
 * first, then injected failures (rendered in the provider's own error shape), then the provider's routes.
 *
 * <p>Each subclass follows its provider's published reference (paths, bodies, error shapes, pagination) and offers
 * the same test contract: add an IP the account holds, see the PTR it holds, count writes, require a forward record
 * where the provider checks one.
 */
public abstract class FakeHosterServer implements AutoCloseable {
  protected static final ObjectMapper JSON = new ObjectMapper();

  /** Failures the next calls can be told to answer with; each server renders them in its own error shape. */
  public enum Failure {
    THROTTLE(429), INTERNAL(500), UNAVAILABLE(503), UNAUTHORIZED(401), FORBIDDEN(403),
    /** Holds the request without answering until the server stops (beyond any client timeout). */
    STALL(0);

    public final int status;

    Failure(int status) {
      this.status = status;
    }
  }

  /** One request as received; target is the raw path and query. */
  public record Request(String method, String target, String path, Map<String, String> query, String rawBody, JsonNode body,
      Map<String, List<String>> headers) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    /** Path segments after the API root, e.g. [primary_ips, 7, actions, change_dns_ptr]. */
    public List<String> segments(String root) {
      String rest = path.startsWith(root) ? path.substring(root.length()) : path;
      List<String> parts = new ArrayList<>();
      for (String s : rest.split("/")) {
        if (!s.isEmpty()) {
          parts.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        }
      }
      return parts;
    }
  }

  /** One answer: status, JSON body (null for none) and extra headers. */
  public record Reply(int status, Object body, Map<String, String> headers) {
    public static Reply of(int status, Object body) {
      return new Reply(status, body, Map.of());
    }

    public static Reply noContent() {
      return new Reply(204, null, Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final InjectedFailures<Failure> failures = new InjectedFailures<>();
  private final Map<String, String> forwardRecords = new ConcurrentHashMap<>();
  private final String root;
  private final String type;
  private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
  private volatile String neverOnWire;
  private volatile boolean secretSeen;

  /** @param root the API's path prefix, e.g. /v1 */
  /** @param type the provider type it stands in for, e.g. hetzner */
  protected FakeHosterServer(String type, String root) throws IOException {
    this.type = type;
    this.root = root;
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-" + type);
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The scheme, host and port requests arrive at. */
  protected String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The API root to put in the ReverseDnsProvider's endpoint. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + root);
  }

  // --- the test contract ---------------------------------------------------------------------------------------

  /** The provider type name of the ReverseDnsProvider spec. */
  public String type() {
    return type;
  }

  /** A ReverseDnsProvider spec pointing here, credentials from Secret {@code secretName} in {@code secretNs}. */
  public abstract ReverseDnsProviderSpec spec(String secretNs, String secretName, List<String> allowedCidrs);

  /** The entries of the credentials Secret this server accepts. */
  public abstract Map<String, String> secretData();

  /** The account now holds this IP, with the provider's default PTR. */
  public abstract void addIp(String ip);

  /** Sets the PTR the provider holds for an IP it holds (as if set earlier), lower case without trailing dot. */
  public abstract void holdPtr(String ip, String hostname);

  /** The PTR the provider holds (applied) for the IP, normalised; empty when none. */
  public abstract Optional<String> held(String ip);

  /** The provider's default PTR of the IP (what a reset returns to), normalised; empty when it has none. */
  public abstract Optional<String> defaultPtr(String ip);

  /** How many PTR writes (set or reset) reached this server for the IP, successful or not. */
  public int writes(String ip) {
    AtomicInteger n = writes.get(canonical(ip));
    return n == null ? 0 : n.get();
  }

  /** Counts one PTR write for the IP. */
  protected void wrote(String ip) {
    writes.computeIfAbsent(canonical(ip), k -> new AtomicInteger()).incrementAndGet();
  }

  /** The canonical text of an IP literal. */
  protected static String canonical(String ip) {
    return IpAddresses.format(IpAddresses.parse(ip));
  }

  /** The /64 network an IPv6 address lies in, as text without the prefix length. */
  protected static String network64(String ip) {
    byte[] b = IpAddresses.parse(ip).getAddress();
    java.util.Arrays.fill(b, 8, 16, (byte) 0);
    try {
      return IpAddresses.format(InetAddress.getByAddress(b));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the provider itself refuses a name that does not resolve to the IP. */
  public boolean checksForwardRecord() {
    return false;
  }

  /** Whether a change is applied later than the call that makes it (then {@link #pendingPolls} applies). */
  public boolean asynchronous() {
    return false;
  }

  /** A later change stays pending for this many polls (providers with asynchronous changes). */
  public void pendingPolls(int polls) {}

  /** The forward record the provider's own resolver sees for {@code name} (lower case, no trailing dot). */
  public void addForwardRecord(String name, String ip) {
    forwardRecords.put(name, ip);
  }

  protected boolean forwardResolves(String name, String ip) {
    return name != null && ip.equals(forwardRecords.get(normalise(name)));
  }

  /** The next {@code n} calls fail with {@code failure}. */
  public void failNext(int n, Failure failure) {
    failures.next(n, failure);
  }

  public void clearFailures() {
    failures.clear();
  }

  /** A credential that must never travel (OVH's application secret: only its signature does). */
  protected void neverOnWire(String secret) {
    this.neverOnWire = secret;
  }

  public boolean secretSeen() {
    return secretSeen;
  }

  public int calls(String name) {
    AtomicInteger n = calls.get(name);
    return n == null ? 0 : n.get();
  }

  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    stopped.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  // --- what each server implements -----------------------------------------------------------------------------

  /** A short name of the call for counting, e.g. "change_dns_ptr". */
  protected abstract String callName(Request request);

  /** Empty when the request carries valid credentials, else the provider's answer to it. */
  protected abstract Optional<Reply> authenticate(Request request);

  /** The injected failure in the provider's error shape. */
  protected abstract Reply failure(Failure failure);

  /** The answer of a request that passed authentication. */
  protected abstract Reply route(Request request) throws Exception;

  protected static String normalise(String name) {
    return name == null ? null : name.strip().toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
  }

  protected static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  // --- the loop ------------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, List<String>> headers = Map.copyOf(exchange.getRequestHeaders());
      String secret = neverOnWire;
      if (secret != null && (raw.contains(secret) || String.valueOf(exchange.getRequestURI()).contains(secret)
          || headers.values().stream().flatMap(List::stream).anyMatch(v -> v.contains(secret)))) {
        secretSeen = true;
      }
      JsonNode body = MissingNode.getInstance();
      if (!raw.isBlank()) {
        try {
          body = JSON.readTree(raw);
        } catch (IOException e) {
          body = MissingNode.getInstance();
        }
      }
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          exchange.getRequestURI().getRawPath(),
          query(exchange.getRequestURI().getRawQuery()), raw, body, headers);
      requests.add(request);
      calls.computeIfAbsent(callName(request), c -> new AtomicInteger()).incrementAndGet();
      Optional<Reply> refused = authenticate(request);
      Reply reply;
      if (refused.isPresent()) {
        reply = refused.get();
      } else {
        Failure failure = failures.take(callName(request));
        if (failure == Failure.STALL) {
          stopped.await(5, TimeUnit.MINUTES);
          return;
        }
        reply = failure != null ? failure(failure) : route(request);
      }
      send(exchange, reply);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      send(exchange, Reply.of(500, map("error", "fake server: " + e)));
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (reply.body() == null) {
      exchange.sendResponseHeaders(reply.status(), -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(reply.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
