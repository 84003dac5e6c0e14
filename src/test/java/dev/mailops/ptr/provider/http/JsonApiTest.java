package dev.mailops.ptr.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonApiTest {
  private static final String TOKEN = "tok-3f9a";
  private final JsonApi api = new JsonApi("Example", URI.create("https://api.example.net/v1/"),
      JsonApi.DEFAULT_CALL_TIMEOUT, JsonApi.bearer(TOKEN), body -> JsonApi.text(body, "error"), List.of(TOKEN));

  private static JsonApi.Response response(int status, String json, String retryAfter) throws Exception {
    JsonNode body = JsonApi.json().readTree(json);
    Map<String, List<String>> headers = retryAfter == null ? Map.of() : Map.of("Retry-After", List.of(retryAfter));
    return new JsonApi.Response(status, body, HttpHeaders.of(headers, (name, value) -> true));
  }

  @Test
  void rateLimitedIsThrottledAndCarriesRetryAfter() throws Exception {
    ProviderException e = api.failure(response(429, "{\"error\":\"slow down\"}", "7"), "setting the PTR", null);
    assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
    assertThat(e.getMessage()).contains("HTTP 429: slow down").contains("Retry-After 7");
  }

  @Test
  void serverErrorsAreUnavailableAndRetryable() throws Exception {
    for (int status : new int[] {500, 502, 503}) {
      ProviderException e = api.failure(response(status, "{}", null), "reading", null);
      assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
      assertThat(e.kind().retryable()).isTrue();
    }
  }

  @Test
  void unauthorizedAndForbiddenAreCredentialsWithAdvice() throws Exception {
    for (int status : new int[] {401, 403}) {
      ProviderException e = api.failure(response(status, "{\"error\":\"bad token\"}", null), "reading", "Check it");
      assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
      assertThat(e.getMessage()).endsWith("bad token. Check it");
    }
  }

  @Test
  void otherClientErrorsAreRejectedWithTheProvidersText() throws Exception {
    ProviderException e = api.failure(response(400, "{\"error\":\"invalid reverse\"}", null), "setting", null);
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).isEqualTo("Example: setting failed: HTTP 400: invalid reverse");
  }

  @Test
  void aTokenEchoedByTheProviderNeverReachesTheMessage() throws Exception {
    ProviderException e = api.failure(response(401, "{\"error\":\"token " + TOKEN + " unknown\"}", null), "x", null);
    assertThat(e.getMessage()).doesNotContain(TOKEN).contains("<redacted>");
  }

  @Test
  void aLinkToAnotherOriginIsNotFollowedWithTheCredentials() throws Exception {
    assertThat(api.follow("https://api.example.net/v1/items?page=2", "a next page"))
        .isEqualTo(URI.create("https://api.example.net/v1/items?page=2"));
    for (String elsewhere : new String[] {"https://evil.example.org/v1/items", "http://api.example.net/v1/items",
        "https://api.example.net:8443/v1/items", "/v1/items"}) {
      assertThatThrownBy(() -> api.follow(elsewhere, "a next page")).isInstanceOfSatisfying(ProviderException.class,
          e -> assertThat(e.getMessage()).contains("not following it"));
    }
  }

  @Test
  void aNumericRetryAfterIsADelayAndAnythingElseIsNone() throws Exception {
    assertThat(response(429, "{}", "17").retryAfterDelay()).contains(Duration.ofSeconds(17));
    assertThat(response(429, "{}", "Wed, 21 Oct 2026 07:28:00 GMT").retryAfterDelay()).isEmpty();
    assertThat(response(429, "{}", null).retryAfterDelay()).isEmpty();
  }

  @Test
  void namesAreNormalisedAndEmptyMeansNone() {
    assertThat(JsonApi.hostname(" Mail.Example.COM. ")).isEqualTo("mail.example.com");
    assertThat(JsonApi.hostname("")).isNull();
    assertThat(JsonApi.hostname(null)).isNull();
  }
}
