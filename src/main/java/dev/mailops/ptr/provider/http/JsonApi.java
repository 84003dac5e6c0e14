package dev.mailops.ptr.provider.http;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The small part every hoster's JSON API has in common: one JDK HttpClient call with a bound, the status classified
 * into a {@link ProviderException.Kind} (429 throttled with its Retry-After, 5xx and network failures unavailable,
 * 401/403 credentials, other 4xx rejected), the provider's own error text pulled out of the body, and no message
 * ever carrying a credential.
 */
public final class JsonApi {
  /** Default bound of one API call (connect, send, read); the operator retries with backoff. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Adds the credential headers to one request; sees the final URI and body (OVH signs both). */
  @FunctionalInterface
  public interface Authenticator {
    void authenticate(HttpRequest.Builder request, String method, URI uri, String body) throws ProviderException;
  }

  /** One answer: status, parsed JSON body (missing node when empty or not JSON), and Retry-After if sent. */
  public record Response(int status, JsonNode body, Optional<String> retryAfter) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final String provider;
  private final URI base;
  private final Duration timeout;
  private final Authenticator authenticator;
  private final Function<JsonNode, String> errorText;
  private final List<String> secrets;
  private final HttpClient http;

  /**
   * @param provider the name used in messages, e.g. "Hetzner Cloud"
   * @param base the API root, e.g. https://api.hetzner.cloud/v1 (paths are appended)
   * @param errorText pulls the provider's error message out of an error body (may return null)
   * @param secrets values that must never appear in a message (tokens, keys)
   */
  public JsonApi(String provider, URI base, Duration timeout, Authenticator authenticator,
      Function<JsonNode, String> errorText, List<String> secrets) {
    this.provider = provider;
    String root = base.toString();
    this.base = URI.create(root.endsWith("/") ? root.substring(0, root.length() - 1) : root);
    this.timeout = timeout;
    this.authenticator = authenticator;
    this.errorText = errorText;
    this.secrets = List.copyOf(secrets);
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public static ObjectMapper json() {
    return JSON;
  }

  public String provider() {
    return provider;
  }

  /** Sends one request and returns whatever status came back; only a network failure or timeout throws. */
  public Response call(String method, String pathAndQuery, Object body) throws ProviderException {
    String text;
    try {
      text = body == null ? "" : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    URI uri = URI.create(base + pathAndQuery);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    authenticator.authenticate(request, method, uri, text);
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ProviderException(Kind.UNAVAILABLE, redact(provider + " " + method + " " + pathOnly(pathAndQuery)
          + " failed: the API did not answer (" + e.getClass().getSimpleName()
          + (e.getMessage() != null ? ": " + e.getMessage() : "") + ")"), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.UNAVAILABLE, provider + " call interrupted", e);
    }
    JsonNode parsed = MissingNode.getInstance();
    if (response.body() != null && !response.body().isBlank()) {
      try {
        parsed = JSON.readTree(response.body());
      } catch (IOException e) {
        parsed = MissingNode.getInstance();
      }
    }
    return new Response(response.statusCode(), parsed, response.headers().firstValue("Retry-After"));
  }

  /** Like {@link #call} but a non-2xx answer throws, classified by {@link #failure}. */
  public JsonNode expectOk(String method, String pathAndQuery, Object body, String what, String authAdvice)
      throws ProviderException {
    Response response = call(method, pathAndQuery, body);
    if (!response.ok()) {
      throw failure(response, what, authAdvice);
    }
    return response.body();
  }

  /**
   * The exception for a failed answer: 429 THROTTLED (Retry-After in the message), 5xx UNAVAILABLE, 401/403
   * AUTHENTICATION (with {@code authAdvice}), anything else REJECTED.
   *
   * @param what what was being done, e.g. "setting the PTR of 203.0.113.10"
   */
  public ProviderException failure(Response response, String what, String authAdvice) {
    int status = response.status();
    String detail = errorText(response);
    String message = provider + ": " + what + " failed: HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
    Kind kind;
    if (status == 429) {
      kind = Kind.THROTTLED;
      message += response.retryAfter().map(s -> " (Retry-After " + s + ")").orElse("");
    } else if (status >= 500) {
      kind = Kind.UNAVAILABLE;
    } else if (status == 401 || status == 403) {
      kind = Kind.AUTHENTICATION;
      if (authAdvice != null) {
        message += ". " + authAdvice;
      }
    } else {
      kind = Kind.REJECTED;
    }
    return new ProviderException(kind, redact(message));
  }

  /** The provider's own error text of an answer, or empty. */
  public String errorText(Response response) {
    String text = response.body().isMissingNode() ? null : errorText.apply(response.body());
    return text == null ? "" : redact(text.strip());
  }

  /** No message leaves a provider with a credential in it. */
  public String redact(String message) {
    String m = message;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        m = m.replace(secret, "<redacted>");
      }
    }
    return m;
  }

  private static String pathOnly(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  /** An API with bearer token authentication (Hetzner, Linode, Vultr) at its public root or the test endpoint. */
  public static JsonApi withBearer(String provider, String endpoint, String publicApi, String token,
      Function<JsonNode, String> errorText) {
    return new JsonApi(provider, base(endpoint, publicApi), DEFAULT_CALL_TIMEOUT, bearer(token), errorText,
        List.of(token));
  }

  /** Bearer token authentication (Hetzner, Linode, Vultr). */
  public static Authenticator bearer(String token) {
    return (request, method, uri, body) -> request.header("Authorization", "Bearer " + token);
  }

  /** A text field of a JSON node, or null when absent or null. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  /** A PTR name as providers hand it over, normalised (lower case, no trailing dot); null when empty. */
  public static String hostname(String raw) {
    if (raw == null) {
      return null;
    }
    String n = raw.strip().toLowerCase(java.util.Locale.ROOT);
    while (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    return n.isEmpty() ? null : n;
  }

  /** The URI of the API: the public one, or the test endpoint of the spec. */
  public static URI base(String endpoint, String publicApi) {
    return dev.mailops.ptr.provider.ResolvedProviderConfig.endpoint(endpoint).orElse(URI.create(publicApi));
  }
}
