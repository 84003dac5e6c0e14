package dev.mailops.ptr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loop every local provider stand-in shares (the hosters, Resource Manager, DigitalOcean, EC2, Compute): a JDK
 * HttpServer on 127.0.0.1, every request recorded and counted by call name, a check that no credential arrives
 * where it must not, then the server's own refusal (method, credentials), then an injected failure (a stall holds
 * the answer until the server stops), then the server's routes. Each subclass answers in its provider's documented
 * wire format; this loop only carries the bytes.
 *
 * @param <F> the server's failure kinds
 */
public abstract class FakeHttpServer<F> implements AutoCloseable {
  protected static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One request as received: the call name it was counted under, the raw path and query ({@code target}), the
   * decoded query, headers and body text.
   */
  public record Request(String call, String method, String target, String path, Map<String, String> query,
      Map<String, List<String>> headers, String body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public String authorization() {
      return header("Authorization");
    }

    /** The body as JSON; a missing node when it is empty or not JSON. */
    public JsonNode json() {
      if (body.isBlank()) {
        return MissingNode.getInstance();
      }
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return MissingNode.getInstance();
      }
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

    private Request named(String name) {
      return new Request(name, method, target, path, query, headers, body);
    }
  }

  /** A body that is not JSON (EC2's XML, Compute's Gson output) with its content type. */
  public record Raw(String contentType, String text) {}

  /** One answer: status, body (null for none, a {@link Raw} text, else serialized as JSON) and extra headers. */
  public record Reply(int status, Object body, Map<String, String> headers) {
    public static Reply of(int status, Object body) {
      return new Reply(status, body, Map.of());
    }

    public static Reply of(int status, Object body, Map<String, String> headers) {
      return new Reply(status, body, headers);
    }

    public static Reply noContent() {
      return new Reply(204, null, Map.of());
    }

    public static Reply raw(int status, String contentType, String text) {
      return new Reply(status, new Raw(contentType, text), Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<String> neverOnWire = new CopyOnWriteArrayList<>();
  protected final InjectedFailures<F> failures = new InjectedFailures<>();
  private final F stall;
  private volatile boolean secretSeen;

  /**
   * Starts on 127.0.0.1 and an ephemeral port.
   *
   * @param stall the failure that holds the answer until the server stops
   */
  protected FakeHttpServer(String threadName, F stall) throws IOException {
    this.stall = stall;
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::receive);
    server.start();
  }

  /** The scheme, host and port requests arrive at. */
  protected String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public URI endpoint() {
    return URI.create(origin());
  }

  /** The next {@code n} calls, whatever they are, fail with {@code failure}. */
  public void failNext(int n, F failure) {
    failures.next(n, failure);
  }

  /** The next call named {@code call} (as counted by {@link #calls}) fails with {@code failure}. */
  public void failNextOn(String call, F failure) {
    failures.nextOn(call, failure);
  }

  /** Forgets every failure not yet used: the fault is over. */
  public void clearFailures() {
    failures.clear();
  }

  public int calls(String call) {
    AtomicInteger n = calls.get(call);
    return n == null ? 0 : n.get();
  }

  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Every request received, oldest first. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** A credential that must never travel in a request this server gets (see {@link #secretMayTravel}). */
  protected void neverOnWire(String secret) {
    neverOnWire.add(secret);
  }

  /** True when a credential registered with {@link #neverOnWire} arrived in a path, header or body. */
  public boolean secretSeen() {
    return secretSeen;
  }

  @Override
  public void close() {
    stopped.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  // --- what each server implements -----------------------------------------------------------------------------

  /** A short name of the call for counting and failures, e.g. "change_dns_ptr"; {@code request.call()} is null. */
  protected abstract String callName(Request request);

  /** The injected failure in the provider's error shape. */
  protected abstract Reply failure(F failure);

  /** The answer of a request that was neither refused nor failed. */
  protected abstract Reply answer(Request request) throws Exception;

  /**
   * Whether this failure holds the answer until the server stops (beyond any client timeout); a server may first
   * apply the change, so the caller never learns its write landed.
   */
  protected boolean stalls(Request request, F failure) {
    return failure == stall;
  }

  /** Empty when the request may go on to failures and routes, else the provider's answer (bad credentials). */
  protected Optional<Reply> refuse(Request request) {
    return Optional.empty();
  }

  /** Whether injected failures apply to this call; all do unless a server says otherwise. */
  protected boolean injectable(String call) {
    return true;
  }

  /** Where a credential of {@link #neverOnWire} belongs (a token endpoint gets the client secret). */
  protected boolean secretMayTravel(Request request) {
    return false;
  }

  /** The Content-Type of this provider's JSON answers. */
  protected String jsonContentType() {
    return "application/json";
  }

  /** The answer when the fake itself failed: a 500, so the test sees it. */
  protected Reply broken(Exception e) {
    return Reply.of(500, Map.of("message", "fake server: " + e));
  }

  protected static ObjectNode object() {
    return JSON.createObjectNode();
  }

  protected static Map<String, String> parseQuery(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
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

  // --- the loop ------------------------------------------------------------------------------------------------

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      Request unnamed = new Request(null, exchange.getRequestMethod(), uri.toString(), uri.getRawPath(),
          parseQuery(uri.getRawQuery()), Map.copyOf(exchange.getRequestHeaders()),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String name = callName(unnamed);
      Request request = unnamed.named(name == null ? "unknown" : name);
      if (!secretMayTravel(request) && carriesSecret(request)) {
        secretSeen = true;
      }
      requests.add(request);
      calls.computeIfAbsent(request.call(), c -> new AtomicInteger()).incrementAndGet();
      Reply reply;
      try {
        Optional<Reply> refused = refuse(request);
        F failure = refused.isPresent() || !injectable(request.call()) ? null : failures.take(request.call());
        if (failure != null && stalls(request, failure)) {
          stopped.await(5, TimeUnit.MINUTES);
          return;
        }
        reply = refused.orElse(failure != null ? failure(failure) : null);
        if (reply == null) {
          reply = answer(request);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        reply = broken(e);
      }
      send(exchange, reply);
    }
  }

  private boolean carriesSecret(Request request) {
    for (String secret : neverOnWire) {
      if (request.body().contains(secret) || request.target().contains(secret) || request.headers().values().stream()
          .flatMap(List::stream).anyMatch(v -> v.contains(secret))) {
        return true;
      }
    }
    return false;
  }

  private void send(HttpExchange exchange, Reply reply) throws IOException {
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (reply.body() == null) {
      exchange.sendResponseHeaders(reply.status(), -1);
      return;
    }
    byte[] bytes;
    if (reply.body() instanceof Raw raw) {
      bytes = raw.text().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", raw.contentType());
    } else {
      bytes = JSON.writeValueAsBytes(reply.body());
      exchange.getResponseHeaders().set("Content-Type", jsonContentType());
    }
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
