package dev.mailops.ptr.provider.scaleway;

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

/**
 * Reverse DNS of Scaleway Instance flexible IPv4 addresses in one zone: the IP is found by listing
 * {@code GET /instance/v1/zones/{zone}/ips} ({@code page}, {@code per_page}, total in {@code X-Total-Count}) and
 * matching {@code address}; its {@code reverse} is read there and changed with
 * {@code PATCH /instance/v1/zones/{zone}/ips/{id}} {@code {"reverse": name}} ({@code null} resets). Synchronous.
 * Routed IPv6 prefixes take their reverse DNS through IPAM, which this provider does not drive: UNSUPPORTED. A 400
 * about the reverse (Scaleway wants the name to resolve to the IP) is REJECTED naming the forward record.
 */
public final class ScalewayPtrProvider extends NullResetPtrProvider {
  private static final int PER_PAGE = 50;
  private static final String AUTH_ADVICE = "Check the Secret's secretKey: an IAM API key whose policy grants"
      + " InstancesFullAccess (or IPs write) in the project that holds the flexible IP";

  private record FlexibleIp(String id, String reverse) {}

  private final String zone;

  public ScalewayPtrProvider(JsonApi api, String zone) {
    super(ScalewayProviderFactory.TYPE, api);
    this.zone = zone;
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    return PtrRecord.applied(find(ip).reverse());
  }

  @Override
  public void probe() throws ProviderException {
    api.expectOk("GET", ips() + "?page=1&per_page=1", null, "listing flexible IPs in " + zone, AUTH_ADVICE);
  }

  @Override
  protected PtrRecord change(InetAddress ip, String hostname) throws ProviderException {
    FlexibleIp held = find(ip);
    Map<String, Object> body = new HashMap<>();
    body.put("reverse", hostname);
    JsonApi.Response response = api.call("PATCH", ips() + "/" + held.id(), body);
    if (response.status() == 400 && hostname != null && api.errorText(response).contains("; reverse:")) {
      throw api.forwardRecordMissing(response, hostname, ip, "Scaleway wants the name to resolve to the IP");
    }
    if (!response.ok()) {
      throw api.failure(response, JsonApi.change(ip, hostname), AUTH_ADVICE);
    }
    return PtrRecord.applied(JsonApi.hostname(JsonApi.text(response.body().path("ip"), "reverse")));
  }

  private FlexibleIp find(InetAddress ip) throws ProviderException {
    if (ip instanceof Inet6Address) {
      throw new ProviderException(Kind.UNSUPPORTED, "Scaleway sets the reverse DNS of routed IPv6 addresses through"
          + " IPAM, which this provider does not drive; " + IpAddresses.format(ip) + " is IPv6: set its PTR in the"
          + " Scaleway console or publish it in a zone you control");
    }
    for (int page = 1; ; page++) {
      JsonNode answer = api.expectOk("GET", ips() + "?page=" + page + "&per_page=" + PER_PAGE, null,
          "listing flexible IPs in " + zone, AUTH_ADVICE);
      int count = 0;
      for (JsonNode item : answer.path("ips")) {
        count++;
        String address = item.path("address").asText("");
        if (JsonApi.sameIp(address, ip)) {
          return new FlexibleIp(item.path("id").asText(), JsonApi.hostname(JsonApi.text(item, "reverse")));
        }
      }
      if (count < PER_PAGE) {
        break;
      }
    }
    throw new ProviderException(Kind.UNSUPPORTED, IpAddresses.format(ip) + " is not a flexible IP of zone " + zone
        + " in this Scaleway project: check the zone of the ReverseDnsProvider and the project of the API key, or ask"
        + " the owner of the IP to set its PTR");
  }

  private String ips() {
    return "/instance/v1/zones/" + zone + "/ips";
  }

  /**
   * Scaleway's error body: {@code {"type", "message", "details": [{"argument_name", "reason", "help_message"}]}}
   * (details for {@code invalid_arguments}).
   */
  static String errorText(JsonNode body) {
    String message = JsonApi.text(body, "message");
    if (message == null) {
      return null;
    }
    StringBuilder text = new StringBuilder(body.path("type").asText("")).append(": ").append(message);
    for (JsonNode detail : body.path("details")) {
      if (detail.has("argument_name")) {
        text.append("; ").append(detail.path("argument_name").asText()).append(": ")
            .append(detail.path("help_message").asText(detail.path("reason").asText("")));
      }
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return "ScalewayPtrProvider[" + zone + "]";
  }
}
