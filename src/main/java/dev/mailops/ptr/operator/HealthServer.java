package dev.mailops.ptr.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Liveness (/healthz), readiness (/readyz) and any extra plain-text endpoints (such as /metrics) on one port. */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  /** A probe's answer: healthy or not, with a line saying why. */
  public record Probe(boolean ok, String detail) {}

  public HealthServer(int port, Supplier<Probe> liveness, Supplier<Probe> readiness,
      Map<String, Supplier<String>> extraEndpoints) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "health-server");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/healthz", exchange -> answer(exchange, liveness.get()));
    server.createContext("/readyz", exchange -> answer(exchange, readiness.get()));
    new LinkedHashMap<>(extraEndpoints).forEach((path, body) ->
        server.createContext(path, exchange -> respond(exchange, 200, body.get())));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, Probe probe) throws IOException {
    respond(exchange, probe.ok() ? 200 : 503, probe.detail() + "\n");
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
