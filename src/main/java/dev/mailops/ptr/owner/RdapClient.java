package dev.mailops.ptr.owner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks an RDAP server for the IP network holding an address (RFC 9082 {@code ip/<address>}), follows redirects
 * between registries up to a hop limit, and honours 429 with Retry-After per server. Every failure is an answer
 * with a reason, never an exception.
 */
final class RdapClient {
  /** What a query gave: a network (with the URL that answered) or a reason, and until when not to ask again. */
  record Answer(RdapNetwork network, URI answeredBy, String failure, Instant retryAfter) {
    static Answer failed(String reason, Instant retryAfter) {
      return new Answer(null, null, reason, retryAfter);
    }
  }

  static final String MEDIA_TYPE = "application/rdap+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BoundedHttp http;
  private final int maxRedirects;
  private final Clock clock;
  private final Duration failureRetry;
  /** Servers that answered 429, and until when they asked to be left alone. */
  private final Map<String, Instant> rateLimited = new ConcurrentHashMap<>();

  RdapClient(BoundedHttp http, int maxRedirects, Duration failureRetry, Clock clock) {
    this.http = http;
    this.maxRedirects = maxRedirects;
    this.failureRetry = failureRetry;
    this.clock = clock;
  }

  Answer query(URI base, InetAddress ip) {
    URI uri = base.resolve("ip/" + IpAddresses.format(ip));
    for (int hop = 0; hop <= maxRedirects; hop++) {
      String server = authority(uri);
      Instant now = clock.instant();
      Instant until = rateLimited.get(server);
      if (until != null && now.isBefore(until)) {
        return Answer.failed(server + " asked to wait (HTTP 429) until " + until, until);
      }
      BoundedHttp.Response response;
      try {
        response = http.get(uri);
      } catch (BoundedHttp.FetchException e) {
        return Answer.failed("RDAP: " + e.getMessage(), now.plus(failureRetry));
      }
      int status = response.status();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isEmpty()) {
          return Answer.failed("RDAP: " + server + " redirected without a Location", now.plus(failureRetry));
        }
        try {
          uri = uri.resolve(location.get());
        } catch (IllegalArgumentException e) {
          return Answer.failed("RDAP: " + server + " redirected to an invalid URL", now.plus(failureRetry));
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
          return Answer.failed("RDAP: " + server + " redirected to a non-HTTP URL", now.plus(failureRetry));
        }
        continue;
      }
      if (status == 429) {
        Instant retry = retryAfter(response, now);
        rateLimited.put(server, retry);
        return Answer.failed(server + " asked to wait (HTTP 429) until " + retry, retry);
      }
      if (status == 404) {
        return Answer.failed("RDAP: " + server + " holds no registration for " + IpAddresses.format(ip)
            + " (HTTP 404)", now.plus(failureRetry.multipliedBy(24)));
      }
      if (status != 200) {
        return Answer.failed("RDAP: " + server + " answered HTTP " + status, now.plus(failureRetry));
      }
      try {
        JsonNode json = JSON.readTree(response.body());
        return new Answer(RdapNetwork.parse(json, ip), uri, null, null);
      } catch (java.io.IOException e) { // JsonProcessingException among them
        return Answer.failed("RDAP: " + server + " sent malformed JSON", now.plus(failureRetry));
      } catch (IllegalArgumentException e) {
        return Answer.failed("RDAP: " + server + ": " + e.getMessage(), now.plus(failureRetry));
      }
    }
    return Answer.failed("RDAP: more than " + maxRedirects + " redirects, last to " + authority(uri),
        clock.instant().plus(failureRetry));
  }

  /** Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3); a minute when absent or unreadable. */
  static Instant retryAfter(BoundedHttp.Response response, Instant now) {
    Optional<String> header = response.headers().firstValue("Retry-After").map(String::trim);
    if (header.isPresent()) {
      try {
        long seconds = Long.parseLong(header.get());
        return now.plusSeconds(Math.max(0, Math.min(seconds, Duration.ofDays(1).toSeconds())));
      } catch (NumberFormatException notSeconds) {
        try {
          Instant at = ZonedDateTime.parse(header.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          return at.isBefore(now) ? now : at;
        } catch (DateTimeParseException notADate) {
          // fall through to the default
        }
      }
    }
    return now.plusSeconds(60);
  }

  private static String authority(URI uri) {
    return uri.getAuthority() == null ? String.valueOf(uri) : uri.getAuthority();
  }
}
