package dev.mailops.ptr.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.ResolvedProviderConfig;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Names;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one client of every provider spoken to as JSON over HTTP (the hosters, Azure Resource Manager and Entra ID,
 * DigitalOcean): one JDK HttpClient call with a bound and no redirects, credentials added by an
 * {@link Authenticator} that sees the final request, the status classified into a {@link ProviderException.Kind}
 * (429 throttled with its Retry-After, 5xx and network failures unavailable, 401/403 credentials, other 4xx
 * rejected), the provider's own error text pulled out of the body, and no message ever carrying a credential. No
 * retries of its own: the operator's backoff is the only retry loop.
 */
public final class JsonApi {
  /** Default bound of one API call (connect, send, read); the operator retries with backoff. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(20);
  /** For endpoints that take no credentials (a token endpoint that gets them in the form). */
  public static final Authenticator NO_CREDENTIALS = (request, method, uri, body) -> { };
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Adds the credential headers to one request; sees the final URI and body (OVH signs both). */
  @FunctionalInterface
  public interface Authenticator {
    void authenticate(HttpRequest.Builder request, String method, URI uri, String body) throws ProviderException;
  }

  /** One answer: status, parsed JSON body (missing node when empty or not JSON), and its headers. */
  public record Response(int status, JsonNode body, HttpHeaders headers) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public Optional<String> retryAfter() {
      return header("Retry-After");
    }

    /** Retry-After as a delay, when it is a number of seconds. */
    public Optional<Duration> retryAfterDelay() {
      try {
        return retryAfter().map(s -> Duration.ofSeconds(Long.parseLong(s.strip())));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
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
    this.base = URI.create(base.toString().replaceAll("/+$", ""));
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

  /** The API root, without trailing slash. */
  public URI base() {
    return base;
  }

  /** Sends one request to a path under the API root; only a network failure or timeout throws. */
  public Response call(String method, String pathAndQuery, Object body) throws ProviderException {
    return call(method, URI.create(base + pathAndQuery), body);
  }

  /**
   * Sends one request to a URI the API handed over (a next page, an operation to poll); it must be on the API's own
   * origin ({@link #follow}).
   */
  public Response call(String method, URI uri, Object body) throws ProviderException {
    String text;
    try {
      text = body == null ? "" : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return send(method, uri, body == null ? null : "application/json", text);
  }

  /** A form POST (OAuth token requests) to a path under the API root. */
  public Response postForm(String path, Map<String, String> form) throws ProviderException {
    String text = form.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return send("POST", URI.create(base + path), "application/x-www-form-urlencoded", text);
  }

  private Response send(String method, URI uri, String contentType, String text) throws ProviderException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
        .method(method, contentType == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    authenticator.authenticate(request, method, uri, text);
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ProviderException(Kind.UNAVAILABLE, redact(provider + " " + method + " " + uri.getRawPath()
          + " failed: the API did not answer (" + e.getClass().getSimpleName()
          + (e.getMessage() != null ? ": " + e.getMessage() : "") + ")"), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.UNAVAILABLE, provider + " call interrupted", e);
    }
    return new Response(response.statusCode(), parse(response.body()), response.headers());
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
    Kind kind = kindOf(status);
    if (kind == Kind.THROTTLED) {
      message += response.retryAfter().map(s -> " (Retry-After " + s + ")").orElse("");
    } else if (kind == Kind.AUTHENTICATION && authAdvice != null) {
      message += ". " + authAdvice;
    }
    return new ProviderException(kind, redact(message));
  }

  /**
   * A provider that resolves the name itself refused it because the forward record is not there (yet): REJECTED,
   * naming the record to create; the operator retries with backoff.
   *
   * @param why how this provider checks, e.g. "Linode looks up the name itself"
   */
  public ProviderException forwardRecordMissing(Response response, String hostname, InetAddress ip, String why) {
    return new ProviderException(Kind.REJECTED, redact(provider + ": " + errorText(response) + ". " + why
        + ": create the forward record " + hostname + ". " + (ip instanceof Inet4Address ? "A " : "AAAA ")
        + IpAddresses.format(ip) + " where " + provider + "'s resolvers see it (it may take a while to propagate);"
        + " retrying"));
  }

  /** What a change does, for messages: "setting the PTR of 192.0.2.1", or "resetting" when there is no name. */
  public static String change(InetAddress ip, String hostname) {
    return (hostname == null ? "resetting" : "setting") + " the PTR of " + IpAddresses.format(ip);
  }

  /** Whether a provider's IP text (without prefix length) is this address; false for anything not an IP. */
  public static boolean sameIp(String text, InetAddress ip) {
    return IpAddresses.tryParse(text).filter(ip::equals).isPresent();
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

  /**
   * A link the API answered with (a next page, an operation to poll), or an UNAVAILABLE failure when it leaves the
   * API's scheme, host and port: the credentials are only ever sent to the configured endpoint.
   *
   * @param what what the link is, e.g. "a nextLink"
   */
  public URI follow(String link, String what) throws ProviderException {
    URI uri = URI.create(link);
    if (!sameOrigin(base, uri)) {
      throw new ProviderException(Kind.UNAVAILABLE, provider + " returned " + what + " outside " + base + " ("
          + uri.getHost() + "); not following it with the operator's credentials");
    }
    return uri;
  }

  private static boolean sameOrigin(URI base, URI link) {
    return link.isAbsolute() && Objects.equals(base.getScheme(), link.getScheme())
        && base.getHost() != null && base.getHost().equalsIgnoreCase(link.getHost())
        && port(base) == port(link);
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** An API with bearer token authentication at its public root or the test endpoint. */
  public static JsonApi withBearer(String provider, String endpoint, String publicApi, String token,
      Duration timeout, Function<JsonNode, String> errorText) {
    return new JsonApi(provider, base(endpoint, publicApi), timeout, bearer(token), errorText, List.of(token));
  }

  /**
   * The API of a provider whose Secret holds one bearer token under key {@code token} (Hetzner, Linode, Vultr,
   * DigitalOcean), at its public root or the spec's test endpoint.
   */
  public static JsonApi withSecretToken(ResolvedProviderConfig config, String provider, String endpoint,
      String publicApi, Function<JsonNode, String> errorText) {
    return withBearer(provider, endpoint, publicApi, config.requireSecret("token"), DEFAULT_CALL_TIMEOUT, errorText);
  }

  /** Bearer token authentication. */
  public static Authenticator bearer(String token) {
    return (request, method, uri, body) -> request.header("Authorization", "Bearer " + token);
  }

  /** A text field of a JSON node, or null when absent, null or not text. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  /** A PTR name as providers hand it over, in the form desired names have ({@link Names#canonical}); null when empty. */
  public static String hostname(String raw) {
    String name = raw == null ? "" : Names.canonical(raw);
    return name.isEmpty() ? null : name;
  }

  /** The URI of the API: the public one, or the test endpoint of the spec. */
  public static URI base(String endpoint, String publicApi) {
    return ResolvedProviderConfig.endpoint(endpoint).orElse(URI.create(publicApi));
  }
}
