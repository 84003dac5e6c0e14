package dev.mailops.ptr.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.provider.rest.JsonHttp;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sets the PTR of a DigitalOcean Droplet's public IPs, which DigitalOcean derives from the Droplet's name: setting
 * it renames the Droplet ({@code POST /v2/droplets/{id}/actions} with {@code {"type":"rename","name":...}}) and
 * follows the returned action ({@code GET /v2/actions/{id}}) a bounded number of times; one still
 * {@code in-progress} is answered as pending and asked again by later reads.
 *
 * <p>The Droplet is found by listing {@code GET /v2/droplets} (following {@code links.pages.next}) and matching the
 * public addresses in {@code networks.v4} and {@code networks.v6}. A reserved IP has no PTR of its own
 * ({@code GET /v2/reserved_ips/{ip}} tells which Droplet it is assigned to): {@code UNSUPPORTED}. There is no reset.
 * No client-side retries: the operator backs off by the exception's kind.
 */
public final class DigitalOceanPtrProvider implements PtrProvider {
  public static final URI PUBLIC_API = URI.create("https://api.digitalocean.com");
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  static final int DEFAULT_MAX_POLLS = 5;
  private static final int PAGE_SIZE = 200;

  /** A Droplet holding the IP: its id and current name. */
  private record Droplet(long id, String name) {
    /** DigitalOcean publishes the name as PTR only when it is a fully qualified domain name. */
    Optional<String> ptr() {
      return name.contains(".") ? JsonHttp.hostname(name) : Optional.empty();
    }
  }

  private record Pending(long actionId, String value) {}

  private final URI endpoint;
  private final String token;
  private final JsonHttp http;
  private final Duration pollInterval;
  private final int maxPolls;
  private final Map<InetAddress, Pending> pending = new ConcurrentHashMap<>();

  public DigitalOceanPtrProvider(URI endpoint, String token) {
    this(endpoint, token, DEFAULT_POLL_INTERVAL, DEFAULT_MAX_POLLS);
  }

  /** For tests: how long between and how many polls of an action before it is reported pending. */
  DigitalOceanPtrProvider(URI endpoint, String token, Duration pollInterval, int maxPolls) {
    String base = (endpoint == null ? PUBLIC_API : endpoint).toString().replaceAll("/+$", "");
    this.endpoint = URI.create(base);
    this.token = Objects.requireNonNull(token, "token");
    this.http = new JsonHttp(CALL_TIMEOUT);
    this.pollInterval = pollInterval;
    this.maxPolls = maxPolls;
  }

  @Override
  public String type() {
    return DigitalOceanProviderFactory.TYPE;
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    Pending change = pending.get(ip);
    if (change != null) {
      JsonNode action = action(ip, change.actionId());
      String status = action.path("status").asText();
      if ("in-progress".equals(status)) {
        return PtrRecord.pending(change.value());
      }
      pending.remove(ip);
      if ("errored".equals(status)) {
        throw errored(ip, change.value(), action);
      }
    }
    return PtrRecord.applied(find(ip).ptr().orElse(null));
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    String name = JsonHttp.hostname(hostname).orElseThrow(() -> new ProviderException(Kind.REJECTED,
        "empty hostname"));
    Droplet droplet = find(ip);
    ObjectNode body = JsonHttp.json().createObjectNode().put("type", "rename").put("name", name);
    String what = "rename of Droplet " + droplet.id();
    JsonHttp.Response answer = call(what, ip, request("/v2/droplets/" + droplet.id() + "/actions")
        .header("Content-Type", "application/json").POST(JsonHttp.body(body)));
    JsonNode action = answer.body().path("action");
    String sideEffect = "DigitalOcean renamed Droplet " + droplet.id() + " from " + droplet.name() + " to " + name
        + " (its name in the DigitalOcean console); DigitalOcean cannot reset a PTR, deletionPolicy Reset leaves it";
    for (int poll = 0; "in-progress".equals(action.path("status").asText()) && poll < maxPolls; poll++) {
      sleep();
      action = action(ip, action.path("id").asLong());
    }
    switch (action.path("status").asText()) {
      case "completed" -> {
        pending.remove(ip);
        return PtrRecord.applied(name).withSideEffect(sideEffect);
      }
      case "errored" -> {
        pending.remove(ip);
        throw errored(ip, name, action);
      }
      default -> {
        pending.put(ip, new Pending(action.path("id").asLong(), name));
        return PtrRecord.pending(name).withSideEffect(sideEffect);
      }
    }
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    throw new ProviderException(Kind.UNSUPPORTED, "DigitalOcean has no reverse DNS of its own to reset: the PTR of "
        + ip.getHostAddress() + " is the Droplet's name; rename the Droplet by hand if it should change");
  }

  /** One Droplet of the account: token, reachability and the droplet read scope. */
  @Override
  public void probe() throws ProviderException {
    call("Droplet list", null, request("/v2/droplets?page=1&per_page=1").GET());
  }

  private JsonNode action(InetAddress ip, long id) throws ProviderException {
    return call("action " + id, ip, request("/v2/actions/" + id).GET()).body().path("action");
  }

  private Droplet find(InetAddress ip) throws ProviderException {
    URI page = endpoint.resolve("/v2/droplets?page=1&per_page=" + PAGE_SIZE);
    for (int pages = 0; page != null && pages < 1000; pages++) {
      JsonNode list = call("Droplet list", ip, http.request(page).header("Authorization", "Bearer " + token).GET())
          .body();
      for (JsonNode droplet : list.path("droplets")) {
        for (String family : new String[] {"v4", "v6"}) {
          for (JsonNode network : droplet.path("networks").path(family)) {
            if ("public".equals(network.path("type").asText()) && ip.equals(parse(network.path("ip_address")))) {
              return new Droplet(droplet.path("id").asLong(), droplet.path("name").asText());
            }
          }
        }
      }
      page = next(list);
    }
    throw notADroplet(ip);
  }

  private URI next(JsonNode list) throws ProviderException {
    Optional<String> next = JsonHttp.text(list.path("links").path("pages"), "next").filter(s -> !s.isBlank());
    if (next.isEmpty()) {
      return null;
    }
    URI uri = URI.create(next.get());
    if (!JsonHttp.sameOrigin(endpoint, uri)) {
      throw new ProviderException(Kind.UNAVAILABLE, "DigitalOcean returned a next page outside " + endpoint
          + "; not following it with the operator's token");
    }
    return uri;
  }

  /** Not a Droplet's own address: a reserved IP (named with its Droplet) or none of the account's. */
  private ProviderException notADroplet(InetAddress ip) throws ProviderException {
    String text = ip.getHostAddress();
    if (ip instanceof Inet4Address) {
      JsonHttp.Response answer = http.send(where("reserved IP lookup", ip), request("/v2/reserved_ips/" + text)
          .GET().build());
      if (answer.status() == 429 || answer.status() >= 500) {
        throw classify("reserved IP lookup", ip, answer);
      }
      if (answer.ok()) {
        JsonNode droplet = answer.body().path("reserved_ip").path("droplet");
        String assigned = droplet.isObject() ? "it is assigned to Droplet " + droplet.path("name").asText() + " (id "
            + droplet.path("id").asLong() + "), whose own public IP carries the PTR (its name)"
            : "it is not assigned to any Droplet";
        return new ProviderException(Kind.UNSUPPORTED, text + " is a DigitalOcean reserved IP, which cannot carry a"
            + " PTR of its own: " + assigned + ". Send mail from the Droplet's own IP, or publish the PTR elsewhere");
      }
    }
    return new ProviderException(Kind.UNSUPPORTED, text + " is not a public IP of any Droplet of this DigitalOcean"
        + " account: DigitalOcean sets reverse DNS only from a Droplet's name; check the token's account, or ask the"
        + " owner of the IP to set its PTR");
  }

  private ProviderException errored(InetAddress ip, String name, JsonNode action) {
    return new ProviderException(Kind.REJECTED, "DigitalOcean action " + action.path("id").asLong() + " renaming the"
        + " Droplet of " + ip.getHostAddress() + " to " + name + " errored; see the Droplet's history in the"
        + " DigitalOcean console");
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return http.request(endpoint.resolve(pathAndQuery)).header("Authorization", "Bearer " + token);
  }

  private JsonHttp.Response call(String what, InetAddress ip, HttpRequest.Builder request) throws ProviderException {
    JsonHttp.Response answer = http.send(where(what, ip), request.build());
    if (!answer.ok()) {
      throw classify(what, ip, answer);
    }
    return answer;
  }

  /** DigitalOcean errors are {@code {"id": "...", "message": "..."}}; 429 carries ratelimit-reset (epoch seconds). */
  private ProviderException classify(String what, InetAddress ip, JsonHttp.Response answer) {
    String id = JsonHttp.text(answer.body(), "id").orElse("HTTP " + answer.status());
    String message = JsonHttp.text(answer.body(), "message").orElse("");
    Kind kind = JsonHttp.kindOf(answer.status());
    String advice = switch (kind) {
      case THROTTLED -> " (ratelimit-remaining " + answer.header("ratelimit-remaining").orElse("?")
          + answer.header("ratelimit-reset").map(r -> ", resets at epoch second " + r).orElse("") + ")";
      case AUTHENTICATION -> ". Check the token in the Secret: it needs the droplet read and update scopes";
      default -> "";
    };
    return new ProviderException(kind, where(what, ip) + " failed: HTTP " + answer.status() + " " + id
        + (message.isEmpty() ? "" : ": " + message) + advice);
  }

  private static String where(String what, InetAddress ip) {
    return "DigitalOcean " + what + (ip == null ? "" : " for " + ip.getHostAddress());
  }

  private static InetAddress parse(JsonNode address) {
    String text = address.asText("");
    if (text.isEmpty() || !(text.indexOf(':') >= 0 || text.matches("[0-9.]+"))) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private void sleep() throws ProviderException {
    if (pollInterval.isZero()) {
      return;
    }
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.UNAVAILABLE, "interrupted while waiting for a DigitalOcean action", e);
    }
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "DigitalOceanPtrProvider[endpoint=" + endpoint + "]";
  }
}
