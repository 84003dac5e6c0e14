package dev.mailops.ptr.provider.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.provider.http.JsonApi;
import dev.mailops.ptr.provider.http.NullResetPtrProvider;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reverse DNS of Hetzner Cloud IPs: Primary IPs (every server's public IPv4 and IPv6 /64), Floating IPs and Load
 * Balancers. The resource holding the IP is found by listing each collection (paginated by
 * {@code meta.pagination.next_page}); its {@code dns_ptr} is what the provider holds. A change is
 * {@code POST /{collection}/{id}/actions/change_dns_ptr} with {@code {ip, dns_ptr}} ({@code null} resets) and returns
 * an action: while it is {@code running} the answer is pending, and reads poll {@code GET /actions/{id}} until it
 * finishes. Hetzner does not check the forward record itself.
 */
public final class HetznerPtrProvider extends NullResetPtrProvider {
  private static final String[] COLLECTIONS = {"primary_ips", "floating_ips", "load_balancers"};
  private static final String AUTH_ADVICE = "Check the Secret's token: a Hetzner Cloud API token with Read & Write"
      + " permission in the project that holds the IP";

  private record Holder(String collection, long id, String value) {}

  private record Running(long actionId, String value) {}

  /** Actions this provider started and has not yet seen finish, by IP. */
  private final Map<InetAddress, Running> running = new ConcurrentHashMap<>();

  public HetznerPtrProvider(JsonApi api) {
    super(HetznerProviderFactory.TYPE, api);
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    Running action = running.get(ip);
    if (action != null) {
      Optional<PtrRecord> still = poll(ip, action);
      if (still.isPresent()) {
        return still.get();
      }
    }
    return PtrRecord.applied(find(ip).value());
  }

  @Override
  public void probe() throws ProviderException {
    get("/primary_ips?page=1&per_page=1", "listing Primary IPs");
  }

  @Override
  protected PtrRecord change(InetAddress ip, String hostname) throws ProviderException {
    Holder holder = find(ip);
    String ipText = IpAddresses.format(ip);
    Map<String, Object> body = new HashMap<>();
    body.put("ip", ipText);
    body.put("dns_ptr", hostname);
    String what = (hostname == null ? "resetting" : "setting") + " the PTR of " + ipText + " on "
        + holder.collection() + "/" + holder.id();
    JsonApi.Response response = api.call("POST", "/" + holder.collection() + "/" + holder.id()
        + "/actions/change_dns_ptr", body);
    if (!response.ok()) {
      throw api.failure(response, what, AUTH_ADVICE);
    }
    JsonNode action = response.body().path("action");
    Running started = new Running(action.path("id").asLong(), JsonApi.hostname(hostname));
    running.put(ip, started);
    return actionRecord(ip, started, action).orElse(PtrRecord.applied(started.value()));
  }

  /** The record while the action runs; empty once it succeeded. */
  private Optional<PtrRecord> poll(InetAddress ip, Running action) throws ProviderException {
    JsonNode answer = get("/actions/" + action.actionId(), "reading action " + action.actionId());
    return actionRecord(ip, action, answer.path("action"));
  }

  private Optional<PtrRecord> actionRecord(InetAddress ip, Running started, JsonNode action) throws ProviderException {
    String status = action.path("status").asText("");
    if ("running".equals(status)) {
      return Optional.of(PtrRecord.pending(started.value()));
    }
    running.remove(ip, started);
    if ("error".equals(status)) {
      JsonNode error = action.path("error");
      throw new ProviderException(Kind.REJECTED, api.redact("Hetzner Cloud: action change_dns_ptr "
          + started.actionId() + " for " + IpAddresses.format(ip) + " failed: " + error.path("code").asText("")
          + ": " + error.path("message").asText("")));
    }
    return Optional.empty();
  }

  private Holder find(InetAddress ip) throws ProviderException {
    for (String collection : COLLECTIONS) {
      for (int page = 1; page > 0; ) {
        JsonNode answer = get("/" + collection + "?page=" + page + "&per_page=50", "listing " + collection);
        for (JsonNode item : answer.path(collection)) {
          boolean loadBalancer = "load_balancers".equals(collection);
          if (loadBalancer ? JsonApi.sameIp(loadBalancerNet(item, ip).path("ip").asText(""), ip) : holds(item, ip)) {
            String value = loadBalancer ? JsonApi.text(loadBalancerNet(item, ip), "dns_ptr") : ipPtr(item, ip);
            return new Holder(collection, item.path("id").asLong(), JsonApi.hostname(value));
          }
        }
        JsonNode next = answer.path("meta").path("pagination").path("next_page");
        page = next.isNumber() ? next.asInt() : 0;
      }
    }
    throw new ProviderException(Kind.UNSUPPORTED, IpAddresses.format(ip) + " is not a Primary IP, Floating IP or"
        + " Load Balancer IP of this Hetzner Cloud project (dedicated servers are managed in Hetzner Robot): check the"
        + " project of the token, or ask the owner of the IP to set its PTR");
  }

  /** A Primary or Floating IP: {@code ip} is an IPv4 address or an IPv6 /64. */
  private static boolean holds(JsonNode item, InetAddress ip) {
    String held = item.path("ip").asText("");
    return ip instanceof Inet6Address ? held.contains("/") && IpAddresses.inCidr(ip, held)
        : JsonApi.sameIp(held, ip);
  }

  /** Its {@code dns_ptr} is a list of {@code {ip, dns_ptr}}; null when the IP has none. */
  private static String ipPtr(JsonNode item, InetAddress ip) {
    for (JsonNode entry : item.path("dns_ptr")) {
      if (JsonApi.sameIp(entry.path("ip").asText(""), ip)) {
        return JsonApi.text(entry, "dns_ptr");
      }
    }
    return null;
  }

  /** A Load Balancer: {@code public_net.ipv4|ipv6} with {@code ip} and a single {@code dns_ptr}. */
  private static JsonNode loadBalancerNet(JsonNode item, InetAddress ip) {
    return item.path("public_net").path(ip instanceof Inet6Address ? "ipv6" : "ipv4");
  }

  private JsonNode get(String path, String what) throws ProviderException {
    return api.expectOk("GET", path, null, what, AUTH_ADVICE);
  }

  /** Hetzner's error body: {@code {"error": {"code", "message", "details"}}}. */
  static String errorText(JsonNode body) {
    JsonNode error = body.path("error");
    return error.isObject() ? error.path("code").asText("") + ": " + error.path("message").asText("") : null;
  }
}
