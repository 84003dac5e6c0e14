package dev.mailops.ptr.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.Polls;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.provider.http.JsonApi;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.provider.http.JsonApiPtrProvider;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
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
public final class DigitalOceanPtrProvider extends JsonApiPtrProvider {
  static final String PUBLIC_API = "https://api.digitalocean.com";
  private static final int PAGE_SIZE = 200;

  /** A Droplet holding the IP: its id and current name. */
  private record Droplet(long id, String name) {
    /** DigitalOcean publishes the name as PTR only when it is a fully qualified domain name. */
    Optional<String> ptr() {
      return name.contains(".") ? Optional.ofNullable(JsonApi.hostname(name)) : Optional.empty();
    }
  }

  private record Pending(long actionId, String value) {}

  private final Polls polls;
  private final Map<InetAddress, Pending> pending = new ConcurrentHashMap<>();

  /** @param api the DigitalOcean API with the account's token, errors read by {@link #errorText} */
  public DigitalOceanPtrProvider(JsonApi api) {
    this(api, Polls.DEFAULT);
  }

  /** For tests: how long between and how many polls of an action before it is reported pending. */
  DigitalOceanPtrProvider(JsonApi api, Polls polls) {
    super(DigitalOceanProviderFactory.TYPE, api);
    this.polls = polls;
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
    String name = Optional.ofNullable(JsonApi.hostname(hostname)).orElseThrow(() -> new ProviderException(
        Kind.REJECTED, "empty hostname"));
    Droplet droplet = find(ip);
    ObjectNode body = JsonApi.json().createObjectNode().put("type", "rename").put("name", name);
    String what = "rename of Droplet " + droplet.id();
    JsonApi.Response answer = call(what, ip, "POST", "/v2/droplets/" + droplet.id() + "/actions", body);
    JsonNode action = answer.body().path("action");
    String sideEffect = "DigitalOcean renamed Droplet " + droplet.id() + " from " + droplet.name() + " to " + name
        + " (its name in the DigitalOcean console); DigitalOcean cannot reset a PTR, deletionPolicy Reset leaves it";
    for (int poll = 0; "in-progress".equals(action.path("status").asText()) && poll < polls.max(); poll++) {
      polls.pause("a DigitalOcean action");
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
        + IpAddresses.format(ip) + " is the Droplet's name; rename the Droplet by hand if it should change");
  }

  /** One Droplet of the account: token, reachability and the droplet read scope. */
  @Override
  public void probe() throws ProviderException {
    call("Droplet list", null, "GET", "/v2/droplets?page=1&per_page=1", null);
  }

  private JsonNode action(InetAddress ip, long id) throws ProviderException {
    return call("action " + id, ip, "GET", "/v2/actions/" + id, null).body().path("action");
  }

  private Droplet find(InetAddress ip) throws ProviderException {
    URI page = URI.create(api.base() + "/v2/droplets?page=1&per_page=" + PAGE_SIZE);
    for (int pages = 0; page != null && pages < 1000; pages++) {
      JsonNode list = checked("Droplet list", ip, api.call("GET", page, null)).body();
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
    String next = JsonApi.text(list.path("links").path("pages"), "next");
    return next == null || next.isBlank() ? null : api.follow(next, "a next page");
  }

  /** Not a Droplet's own address: a reserved IP (named with its Droplet) or none of the account's. */
  private ProviderException notADroplet(InetAddress ip) throws ProviderException {
    String text = IpAddresses.format(ip);
    if (ip instanceof Inet4Address) {
      JsonApi.Response answer = api.call("GET", "/v2/reserved_ips/" + text, null);
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
        + " Droplet of " + IpAddresses.format(ip) + " to " + name + " errored; see the Droplet's history in the"
        + " DigitalOcean console");
  }

  private JsonApi.Response call(String what, InetAddress ip, String method, String pathAndQuery, Object body)
      throws ProviderException {
    return checked(what, ip, api.call(method, pathAndQuery, body));
  }

  private JsonApi.Response checked(String what, InetAddress ip, JsonApi.Response answer)
      throws ProviderException {
    if (!answer.ok()) {
      throw classify(what, ip, answer);
    }
    return answer;
  }

  /** DigitalOcean errors are {@code {"id": "...", "message": "..."}}; 429 carries ratelimit-reset (epoch seconds). */
  private ProviderException classify(String what, InetAddress ip, JsonApi.Response answer) {
    String said = api.errorText(answer);
    Kind kind = JsonApi.kindOf(answer.status());
    String advice = switch (kind) {
      case THROTTLED -> " (ratelimit-remaining " + answer.header("ratelimit-remaining").orElse("?")
          + answer.header("ratelimit-reset").map(r -> ", resets at epoch second " + r).orElse("") + ")";
      case AUTHENTICATION -> ". Check the token in the Secret: it needs the droplet read and update scopes";
      default -> "";
    };
    return new ProviderException(kind, api.redact(where(what, ip) + " failed: HTTP " + answer.status()
        + (said.isEmpty() ? "" : " " + said) + advice));
  }

  /** DigitalOcean's error body: {@code {"id": "...", "message": "..."}}. */
  static String errorText(JsonNode body) {
    String id = JsonApi.text(body, "id");
    String message = JsonApi.text(body, "message");
    if (id == null || message == null || message.isEmpty()) {
      return id != null ? id : message;
    }
    return id + ": " + message;
  }

  private static String where(String what, InetAddress ip) {
    return "DigitalOcean " + what + (ip == null ? "" : " for " + IpAddresses.format(ip));
  }

  private static InetAddress parse(JsonNode address) {
    return IpAddresses.tryParse(address.asText("")).orElse(null);
  }
}
