package dev.mailops.ptr.provider.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * JSON over the JDK HTTP client, for provider APIs called as plain REST (Azure Resource Manager, DigitalOcean).
 * No retries of its own: the operator's backoff is the only retry loop. Transport failures (refused, reset,
 * timeout) become {@code UNAVAILABLE}; answers of any status are returned for the provider to classify.
 */
public final class JsonHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One answer: status, headers, and the body as JSON (a MissingNode when it is empty or not JSON). */
  public record Response(int status, java.net.http.HttpHeaders headers, JsonNode body) {
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient client;
  private final Duration timeout;

  public JsonHttp(Duration timeout) {
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public static ObjectMapper json() {
    return JSON;
  }

  /** A request with this client's timeout and an Accept header for JSON. */
  public HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
  }

  /** A JSON body for {@link HttpRequest.Builder#method}. */
  public static HttpRequest.BodyPublisher body(JsonNode json) {
    try {
      return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(json));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends it and reads the answer.
   *
   * @param what names the call for messages, e.g. "Azure publicIPAddresses list"
   * @throws ProviderException UNAVAILABLE when no answer came (connection refused, reset, timeout)
   */
  public Response send(String what, HttpRequest request) throws ProviderException {
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ProviderException(Kind.UNAVAILABLE, what + " failed: no answer from " + request.uri().getHost()
          + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.UNAVAILABLE, what + " interrupted", e);
    }
    return new Response(response.statusCode(), response.headers(), parse(response.body()));
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** The failure kind an HTTP status means on its own: 429 throttled, 5xx unavailable, 401/403 credentials. */
  public static Kind kindOf(int status) {
    if (status == 429) {
      return Kind.THROTTLED;
    }
    if (status >= 500) {
      return Kind.UNAVAILABLE;
    }
    if (status == 401 || status == 403) {
      return Kind.AUTHENTICATION;
    }
    return Kind.REJECTED;
  }

  /**
   * True when {@code link} (a next page, an operation to poll) points to the same scheme, host and port as
   * {@code base}: the token is only ever sent to the configured endpoint.
   */
  public static boolean sameOrigin(URI base, URI link) {
    return link.isAbsolute() && Objects.equals(base.getScheme(), link.getScheme())
        && base.getHost() != null && base.getHost().equalsIgnoreCase(link.getHost())
        && port(base) == port(link);
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** A DNS name as providers compare it: trimmed, lower case, no trailing dot; null or empty stays empty. */
  public static Optional<String> hostname(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    while (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    return n.isEmpty() ? Optional.empty() : Optional.of(n);
  }

  /** A text field of a JSON object, empty when absent, null or not text. */
  public static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || !value.isTextual() ? Optional.empty() : Optional.of(value.asText());
  }
}
