package dev.mailops.ptr.provider.ovh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.provider.http.JsonApi;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reverse DNS of OVHcloud IPs. The block holding the IP comes from {@code GET /ip?ip=...}; then
 * {@code GET /ip/{block}/reverse/{ip}} reads (404: none set), {@code POST /ip/{block}/reverse}
 * {@code {ipReverse, reverse}} sets and {@code DELETE /ip/{block}/reverse/{ip}} resets. Every call but
 * {@code GET /auth/time} is signed: {@code X-Ovh-Signature = "$1$" + sha1hex(applicationSecret + "+" + consumerKey +
 * "+" + METHOD + "+" + URL + "+" + body + "+" + timestamp)} with the timestamp on OVH's clock (its offset read once
 * from {@code /auth/time}); the application secret itself never travels. OVH checks that the name resolves to the
 * IP and answers 400 otherwise: REJECTED naming the forward record. Synchronous.
 */
public final class OvhPtrProvider implements PtrProvider {
  private static final String AUTH_ADVICE = "Check the Secret's applicationKey, applicationSecret and consumerKey,"
      + " and that the consumer key is validated with rules GET /ip and GET, POST, DELETE /ip/*/reverse*";

  /** The three OVH API credentials; toString shows none of them. */
  public record Keys(String applicationKey, String applicationSecret, String consumerKey) {
    @Override
    public String toString() {
      return "Keys[<redacted>]";
    }
  }

  private final Keys keys;
  private final JsonApi api;
  /** OVH's clock minus ours, in seconds; null until read. */
  private volatile Long offset;

  public OvhPtrProvider(URI base, Keys keys, Duration timeout) {
    this.keys = keys;
    this.api = new JsonApi("OVHcloud", base, timeout, this::sign, OvhPtrProvider::errorText,
        List.of(keys.applicationSecret(), keys.consumerKey()));
  }

  @Override
  public String type() {
    return OvhProviderFactory.TYPE;
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    JsonApi.Response response = api.call("GET", reversePath(block(ip), ip), null);
    if (response.status() == 404) {
      return PtrRecord.none();
    }
    if (!response.ok()) {
      throw api.failure(response, "reading the PTR of " + IpAddresses.format(ip), AUTH_ADVICE);
    }
    return PtrRecord.applied(JsonApi.hostname(JsonApi.text(response.body(), "reverse")));
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    String ipText = IpAddresses.format(ip);
    JsonApi.Response response = api.call("POST", "/ip/" + encode(block(ip)) + "/reverse",
        Map.of("ipReverse", ipText, "reverse", hostname + "."));
    if (response.status() == 400 && api.errorText(response).toLowerCase(Locale.ROOT).contains("resolv")) {
      throw api.forwardRecordMissing(response, hostname, ip, "OVHcloud looks up the name itself");
    }
    if (!response.ok()) {
      throw api.failure(response, "setting the PTR of " + ipText, AUTH_ADVICE);
    }
    return PtrRecord.applied(JsonApi.hostname(JsonApi.text(response.body(), "reverse")));
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    JsonApi.Response response = api.call("DELETE", reversePath(block(ip), ip), null);
    if (!response.ok() && response.status() != 404) {
      throw api.failure(response, "removing the PTR of " + IpAddresses.format(ip), AUTH_ADVICE);
    }
    return PtrRecord.none();
  }

  @Override
  public void probe() throws ProviderException {
    api.expectOk("GET", "/ip", null, "listing IP blocks", AUTH_ADVICE);
  }

  /** The smallest block of the account that holds the IP. */
  private String block(InetAddress ip) throws ProviderException {
    JsonNode blocks = api.expectOk("GET", "/ip?ip=" + encode(IpAddresses.format(ip)), null,
        "finding the block of " + IpAddresses.format(ip), AUTH_ADVICE);
    String best = null;
    int bestPrefix = -1;
    for (JsonNode node : blocks) {
      String block = node.asText("");
      int slash = block.indexOf('/');
      int prefix = slash < 0 ? -1 : Integer.parseInt(block.substring(slash + 1));
      if (slash > 0 && IpAddresses.inCidr(ip, block) && prefix > bestPrefix) {
        best = block;
        bestPrefix = prefix;
      }
    }
    if (best == null) {
      throw new ProviderException(Kind.UNSUPPORTED, IpAddresses.format(ip) + " is in no IP block of this OVHcloud"
          + " account: check the account of the consumer key and the ReverseDnsProvider's region, or ask the owner"
          + " of the IP to set its PTR");
    }
    return best;
  }

  private static String reversePath(String block, InetAddress ip) {
    return "/ip/" + encode(block) + "/reverse/" + encode(IpAddresses.format(ip));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private void sign(java.net.http.HttpRequest.Builder request, String method, URI uri, String body)
      throws ProviderException {
    request.header("X-Ovh-Application", keys.applicationKey());
    if (uri.getPath().endsWith("/auth/time")) {
      return;
    }
    long timestamp = System.currentTimeMillis() / 1000 + offset();
    String toSign = keys.applicationSecret() + "+" + keys.consumerKey() + "+" + method + "+" + uri + "+" + body + "+"
        + timestamp;
    try {
      String signature = "$1$" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(toSign.getBytes(StandardCharsets.UTF_8)));
      request.header("X-Ovh-Consumer", keys.consumerKey())
          .header("X-Ovh-Timestamp", Long.toString(timestamp))
          .header("X-Ovh-Signature", signature);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private long offset() throws ProviderException {
    Long known = offset;
    if (known == null) {
      JsonNode time = api.expectOk("GET", "/auth/time", null, "reading the API clock", AUTH_ADVICE);
      if (!time.canConvertToLong()) {
        throw new ProviderException(Kind.UNAVAILABLE, "OVHcloud: /auth/time did not answer a timestamp");
      }
      known = time.asLong() - System.currentTimeMillis() / 1000;
      offset = known;
    }
    return known;
  }

  /** OVH's error body: {@code {"class", "message"}} or {@code {"errorCode", "httpCode", "message"}}. */
  static String errorText(JsonNode body) {
    String message = JsonApi.text(body, "message");
    String code = JsonApi.text(body, "errorCode") != null ? JsonApi.text(body, "errorCode") : JsonApi.text(body,
        "class");
    return message == null ? null : (code != null ? code + ": " : "") + message;
  }

  @Override
  public String toString() {
    return "OvhPtrProvider";
  }
}
