package dev.mailops.ptr.provider.vultr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.provider.http.JsonApi;
import dev.mailops.ptr.provider.http.JsonApiPtrProvider;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reverse DNS of Vultr instance IPs. The instance is found by listing {@code GET /instances} (cursor pagination:
 * {@code meta.links.next}) and matching its {@code main_ip}, or for IPv6 its {@code v6_network}/{@code
 * v6_network_size}. IPv4: read {@code reverse} from {@code GET /instances/{id}/ipv4}, set with
 * {@code POST /instances/{id}/ipv4/reverse {ip, reverse}}, reset with {@code POST .../ipv4/reverse/default {ip}}.
 * IPv6: {@code GET .../ipv6/reverse}, {@code POST .../ipv6/reverse {ip, reverse}}, {@code DELETE
 * .../ipv6/reverse/{ip}}. Vultr stores the name at once but publishes it in DNS only after hours, so a set answers
 * pending; it does not check the forward record itself.
 */
public final class VultrPtrProvider extends JsonApiPtrProvider {
  private static final String AUTH_ADVICE = "Check the Secret's token: a Vultr API key of the account that holds the"
      + " instance, with this operator's egress IP in the key's access control list";

  public VultrPtrProvider(JsonApi api) {
    super(VultrProviderFactory.TYPE, api);
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    String id = instance(ip);
    boolean v6 = ip instanceof Inet6Address;
    JsonNode answer = get("/instances/" + id + (v6 ? "/ipv6/reverse" : "/ipv4?per_page=100"),
        "reading the PTR of " + IpAddresses.format(ip));
    for (JsonNode entry : answer.path(v6 ? "reverse_ipv6s" : "ipv4s")) {
      if (JsonApi.sameIp(entry.path("ip").asText(""), ip)) {
        return PtrRecord.applied(JsonApi.hostname(JsonApi.text(entry, "reverse")));
      }
    }
    return PtrRecord.none();
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    String id = instance(ip);
    String ipText = IpAddresses.format(ip);
    String family = ip instanceof Inet6Address ? "ipv6" : "ipv4";
    write("POST", "/instances/" + id + "/" + family + "/reverse", Map.of("ip", ipText, "reverse", hostname),
        "setting the PTR of " + ipText);
    return PtrRecord.pending(JsonApi.hostname(hostname));
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    String id = instance(ip);
    String ipText = IpAddresses.format(ip);
    if (ip instanceof Inet6Address) {
      write("DELETE", "/instances/" + id + "/ipv6/reverse/" + URLEncoder.encode(ipText, StandardCharsets.UTF_8), null,
          "removing the PTR of " + ipText);
      return PtrRecord.none();
    }
    write("POST", "/instances/" + id + "/ipv4/reverse/default", Map.of("ip", ipText), "resetting the PTR of "
        + ipText);
    return PtrRecord.pending(null);
  }

  @Override
  public void probe() throws ProviderException {
    get("/instances?per_page=1", "listing instances");
  }

  /** The ID of the instance whose main IPv4 is {@code ip}, or whose IPv6 network holds it. */
  private String instance(InetAddress ip) throws ProviderException {
    String cursor = "";
    do {
      JsonNode page = get("/instances?per_page=100" + (cursor.isEmpty() ? ""
          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), "listing instances");
      for (JsonNode instance : page.path("instances")) {
        boolean holds = ip instanceof Inet6Address
            ? !instance.path("v6_network").asText("").isEmpty() && IpAddresses.inCidr(ip,
                instance.path("v6_network").asText() + "/" + instance.path("v6_network_size").asInt(64))
            : JsonApi.sameIp(instance.path("main_ip").asText(""), ip);
        if (holds) {
          return instance.path("id").asText();
        }
      }
      cursor = page.path("meta").path("links").path("next").asText("");
    } while (!cursor.isEmpty());
    throw new ProviderException(Kind.UNSUPPORTED, IpAddresses.format(ip) + " is not the main IPv4 or in the IPv6"
        + " network of an instance of this Vultr account: check the account of the API key (reserved and additional"
        + " IPv4 addresses are not looked up), or ask the owner of the IP to set its PTR");
  }

  private JsonNode get(String path, String what) throws ProviderException {
    return api.expectOk("GET", path, null, what, AUTH_ADVICE);
  }

  private void write(String method, String path, Object body, String what) throws ProviderException {
    api.expectOk(method, path, body, what, AUTH_ADVICE);
  }

  /** Vultr's error body: {@code {"error": "...", "status": 400}}. */
  static String errorText(JsonNode body) {
    return JsonApi.text(body, "error");
  }
}
