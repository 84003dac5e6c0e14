package dev.mailops.ptr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the JSON REST test servers (Azure Resource Manager, DigitalOcean) share: a JDK HTTP server on 127.0.0.1, a
 * log of requests and counts by call name, injected failures, a stall that holds an answer until the server stops,
 * and a check that a secret never arrives where it must not.
 *
 * @param <F> the server's failure kinds
 */
public abstract class JsonApiServer<F> implements AutoCloseable {
  protected static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  public record Request(String call, String method, String path, Map<String, String> query, String authorization,
      String body) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  protected final InjectedFailures<F> failures = new InjectedFailures<>();

  protected JsonApiServer(String threadName) throws IOException {
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

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
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

  /** Names the call (for counts and failures); null for a path this server does not know. */
  protected abstract String callName(String method, String path);

  /** Answers one call that has no injected failure. */
  protected abstract void handle(HttpExchange exchange, Request request) throws IOException;

  /** Answers with an injected failure; a stall is handled before. */
  protected abstract void fail(HttpExchange exchange, F failure) throws IOException;

  /** Whether injected failures apply to this call; all do unless a server says otherwise. */
  protected boolean injectable(String call) {
    return true;
  }

  /** True for the failure that holds the answer until the server stops. */
  protected abstract boolean isStall(F failure);

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      String name = callName(method, path);
      Request request = new Request(name == null ? "unknown" : name, method, path,
          parseQuery(exchange.getRequestURI().getRawQuery()),
          exchange.getRequestHeaders().getFirst("Authorization"), body);
      requests.add(request);
      calls.computeIfAbsent(request.call(), n -> new AtomicInteger()).incrementAndGet();
      F failure = injectable(request.call()) ? failures.take(request.call()) : null;
      if (failure != null && isStall(failure)) {
        stopped.await(5, TimeUnit.MINUTES);
        return;
      }
      if (failure != null) {
        fail(exchange, failure);
        return;
      }
      handle(exchange, request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      send(exchange, 500, JSON.createObjectNode().put("message", "test server: " + e), Map.of());
    }
  }

  protected static void send(HttpExchange exchange, int status, JsonNode json, Map<String, String> headers)
      throws IOException {
    byte[] bytes = json == null ? new byte[0] : JSON.writeValueAsBytes(json);
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (json != null) {
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    }
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  protected static ObjectNode object() {
    return JSON.createObjectNode();
  }

  protected static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? object() : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  protected static Map<String, String> parseQuery(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }
}
