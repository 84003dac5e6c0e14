package dev.mailops.ptr.provider.linode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.provider.http.JsonApi;
import dev.mailops.ptr.provider.http.NullResetPtrProvider;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reverse DNS of Linode (Akamai Cloud) IPs: {@code GET /networking/ips/{address}} reads {@code rdns},
 * {@code PUT /networking/ips/{address}} with {@code {"rdns": name}} sets it ({@code null} resets an IPv4 address to
 * its {@code ip.linodeusercontent.com} default). The change is synchronous. Linode itself looks up the name first
 * and answers 400 when it does not resolve to the IP yet ("No match was found ... matching forward entry", "unable
 * to perform a lookup"): that is REJECTED with a message naming the forward record, retried with backoff.
 */
public final class LinodePtrProvider extends NullResetPtrProvider {
  private static final String AUTH_ADVICE = "Check the Secret's token: a Linode personal access token with the"
      + " IPs scope read/write (or Linodes read/write) on the account that holds the IP";

  public LinodePtrProvider(JsonApi api) {
    super(LinodeProviderFactory.TYPE, api);
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    JsonApi.Response response = api.call("GET", path(ip), null);
    if (response.status() == 404) {
      throw notHeld(ip);
    }
    if (!response.ok()) {
      throw api.failure(response, "reading the PTR of " + IpAddresses.format(ip), AUTH_ADVICE);
    }
    return PtrRecord.applied(JsonApi.hostname(JsonApi.text(response.body(), "rdns")));
  }

  @Override
  public void probe() throws ProviderException {
    api.expectOk("GET", "/networking/ips?page=1&page_size=25", null, "listing IP addresses", AUTH_ADVICE);
  }

  @Override
  protected PtrRecord change(InetAddress ip, String hostname) throws ProviderException {
    Map<String, Object> body = new HashMap<>();
    body.put("rdns", hostname);
    JsonApi.Response response = api.call("PUT", path(ip), body);
    if (response.status() == 404) {
      throw notHeld(ip);
    }
    if (response.status() == 400 && hostname != null && forwardRefusal(api.errorText(response))) {
      throw api.forwardRecordMissing(response, hostname, ip, "Linode looks up the name itself");
    }
    if (!response.ok()) {
      throw api.failure(response, JsonApi.change(ip, hostname), AUTH_ADVICE);
    }
    return PtrRecord.applied(JsonApi.hostname(JsonApi.text(response.body(), "rdns")));
  }

  private static boolean forwardRefusal(String error) {
    String e = error.toLowerCase(Locale.ROOT);
    return e.contains("forward entry") || e.contains("no match was found") || e.contains("lookup");
  }

  private static String path(InetAddress ip) {
    return "/networking/ips/" + IpAddresses.format(ip);
  }

  private static ProviderException notHeld(InetAddress ip) {
    return new ProviderException(Kind.UNSUPPORTED, IpAddresses.format(ip) + " is not an IP address of this Linode"
        + " account (Linode answered 404): check the account of the token, or ask the owner of the IP to set its PTR");
  }

  /** Linode's error body: {@code {"errors": [{"reason", "field"}]}}. */
  static String errorText(JsonNode body) {
    List<String> reasons = new ArrayList<>();
    for (JsonNode error : body.path("errors")) {
      String field = JsonApi.text(error, "field");
      reasons.add((field != null ? field + ": " : "") + error.path("reason").asText(""));
    }
    return reasons.isEmpty() ? null : String.join("; ", reasons);
  }
}
