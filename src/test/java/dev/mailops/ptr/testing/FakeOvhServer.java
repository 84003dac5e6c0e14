package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.verify.IpAddresses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OVHcloud API (https://api.ovh.com/console, /1.0) as far as reverse DNS goes: {@code GET /1.0/auth/time},
 * {@code GET /1.0/ip} (filter {@code ip}: blocks that contain it), {@code GET} and {@code DELETE
 * /1.0/ip/{block}/reverse/{ipReverse}}, {@code POST /1.0/ip/{block}/reverse} {@code {ipReverse, reverse}}. Every
 * call but the clock is checked the way OVH does: {@code X-Ovh-Application}, {@code X-Ovh-Consumer},
 * {@code X-Ovh-Timestamp} within 30 s of this server's clock (which runs {@value #CLOCK_OFFSET} s ahead, so a client
 * must use {@code /auth/time}), and {@code X-Ovh-Signature} recomputed from the application secret, which itself must
 * never arrive. Errors are {@code {"class", "message"}}, credential errors {@code {"errorCode", "httpCode",
 * "message"}}. OVH refuses a reverse that does not resolve to the IP (see {@link #addForwardRecord}; wording
 * approximated). IPv4 addresses are /32 failover blocks, IPv6 ones their /64.
 */
public final class FakeOvhServer extends FakeHosterServer {
  static final long CLOCK_OFFSET = 100;

  private final String applicationKey;
  private final String applicationSecret;
  private final String consumerKey;
  /** Block to (ip to reverse). */
  private final Map<String, Map<String, String>> blocks = new ConcurrentHashMap<>();

  public FakeOvhServer(String applicationKey, String applicationSecret, String consumerKey) throws IOException {
    super("ovh", "/1.0");
    this.applicationKey = applicationKey;
    this.applicationSecret = applicationSecret;
    this.consumerKey = consumerKey;
    neverOnWire(applicationSecret);
    blocks.put("192.0.2.0/28", new ConcurrentHashMap<>());
  }

  @Override
  public ReverseDnsProviderSpec spec(String secretNs, String secretName, List<String> allowedCidrs) {
    return ReverseDnsProviders.hosted(allowedCidrs, ReverseDnsProviderSpec::setOvh,
        new ReverseDnsProviderSpec.OvhProvider(), endpoint(), secretNs, secretName);
  }

  @Override
  public Map<String, String> secretData() {
    return Map.of("applicationKey", applicationKey, "applicationSecret", applicationSecret,
        "consumerKey", consumerKey);
  }

  @Override
  public boolean checksForwardRecord() {
    return true;
  }

  @Override
  public void addIp(String ip) {
    if (ip.contains(":")) {
      blocks.put(network64(ip) + "/64", new ConcurrentHashMap<>());
    } else {
      blocks.put(canonical(ip) + "/32", new ConcurrentHashMap<>());
    }
  }

  @Override
  public void holdPtr(String ip, String hostname) {
    block(canonical(ip)).orElseThrow().getValue().put(canonical(ip), hostname + ".");
  }

  @Override
  public Optional<String> held(String ip) {
    return block(canonical(ip)).map(b -> b.getValue().get(canonical(ip))).map(FakeHosterServer::normalise);
  }

  @Override
  public Optional<String> defaultPtr(String ip) {
    return Optional.empty();
  }

  @Override
  protected String callName(Request request) {
    List<String> s = request.segments("/1.0");
    return request.method() + " " + (s.size() > 2 ? s.get(0) + "/reverse" : String.join("/", s));
  }

  @Override
  protected Optional<Reply> refuse(Request request) {
    if (!applicationKey.equals(request.header("X-Ovh-Application"))) {
      return Optional.of(credentialError(403, "INVALID_KEY", "Invalid application key"));
    }
    if (request.path().equals("/1.0/auth/time")) {
      return Optional.empty();
    }
    String timestamp = request.header("X-Ovh-Timestamp");
    String consumer = request.header("X-Ovh-Consumer");
    String signature = request.header("X-Ovh-Signature");
    if (timestamp == null || consumer == null || signature == null) {
      return Optional.of(credentialError(401, "NOT_CREDENTIAL", "You must login first"));
    }
    if (!consumer.equals(consumerKey)) {
      return Optional.of(credentialError(403, "INVALID_CREDENTIAL", "This credential is not valid"));
    }
    if (Math.abs(Long.parseLong(timestamp) - now()) > 30) {
      return Optional.of(credentialError(400, "QUERY_TIME_OUT", "Query out of time"));
    }
    String expected = "$1$" + sha1(applicationSecret + "+" + consumerKey + "+" + request.method() + "+" + origin()
        + request.target() + "+" + request.body() + "+" + timestamp);
    return expected.equals(signature) ? Optional.empty()
        : Optional.of(credentialError(400, "INVALID_SIGNATURE", "Invalid signature"));
  }

  @Override
  protected Reply failure(Failure failure) {
    return switch (failure) {
      case THROTTLE -> new Reply(429, map("class", "Client::TooManyRequests", "message", "Too many requests"),
          Map.of("Retry-After", "1"));
      case INTERNAL -> Reply.of(500, map("class", "Server::InternalServerError::Unknown", "message", "Internal error"));
      case UNAVAILABLE -> Reply.of(503, map("class", "Server::ServiceUnavailable", "message", "Service unavailable"));
      case UNAUTHORIZED -> credentialError(401, "NOT_CREDENTIAL", "You must login first");
      case FORBIDDEN -> credentialError(403, "NOT_GRANTED_CALL", "This call has not been granted");
      case STALL -> throw new IllegalStateException();
    };
  }

  @Override
  protected Reply answer(Request request) {
    List<String> s = request.segments("/1.0");
    String method = request.method();
    if (s.equals(List.of("auth", "time")) && method.equals("GET")) {
      return Reply.of(200, now());
    }
    if (s.equals(List.of("ip")) && method.equals("GET")) {
      String filter = request.query().get("ip");
      return Reply.of(200, blocks.keySet().stream().filter(b -> filter == null || contains(b, filter)).toList());
    }
    if (s.size() < 3 || !s.get(0).equals("ip") || !s.get(2).equals("reverse")) {
      return notFound("Got an invalid (or empty) URL");
    }
    Map<String, String> reverses = blocks.get(s.get(1));
    if (reverses == null) {
      return notFound("The requested object (ip = " + s.get(1) + ") does not exist");
    }
    if (s.size() == 3 && method.equals("POST")) {
      String ip = request.json().path("ipReverse").asText("");
      String reverse = request.json().path("reverse").asText("");
      if (!contains(s.get(1), ip)) {
        return Reply.of(400, map("class", "Client::BadRequest", "message", "Invalid IP: " + ip + " is not in "
            + s.get(1)));
      }
      wrote(canonical(ip));
      if (!forwardResolves(reverse, canonical(ip))) {
        return Reply.of(400, map("class", "Client::BadRequest", "message", "Cannot check if " + reverse
            + " resolves to " + canonical(ip)));
      }
      reverses.put(canonical(ip), reverse.endsWith(".") ? reverse : reverse + ".");
      return Reply.of(200, map("ipReverse", canonical(ip), "reverse", reverses.get(canonical(ip))));
    }
    if (s.size() == 4) {
      String ip = canonical(s.get(3));
      String reverse = reverses.get(ip);
      if (method.equals("GET")) {
        return reverse == null ? notFound("The requested object (ipReverse = " + ip + ") does not exist")
            : Reply.of(200, map("ipReverse", ip, "reverse", reverse));
      }
      if (method.equals("DELETE")) {
        wrote(ip);
        return reverses.remove(ip) == null ? notFound("The requested object (ipReverse = " + ip
            + ") does not exist") : Reply.of(200, null);
      }
    }
    return notFound("Got an invalid (or empty) URL");
  }

  private Optional<Map.Entry<String, Map<String, String>>> block(String ip) {
    return blocks.entrySet().stream().filter(e -> contains(e.getKey(), ip)).findFirst();
  }

  private static boolean contains(String block, String ip) {
    try {
      return IpAddresses.inCidr(IpAddresses.parse(ip), block);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long now() {
    return System.currentTimeMillis() / 1000 + CLOCK_OFFSET;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Reply notFound(String message) {
    return Reply.of(404, map("class", "Client::NotFound", "message", message));
  }

  private static Reply credentialError(int status, String code, String message) {
    return Reply.of(status, map("errorCode", code, "httpCode", status + (status == 400 ? " Bad Request"
        : status == 401 ? " Unauthorized" : " Forbidden"), "message", message));
  }
}
