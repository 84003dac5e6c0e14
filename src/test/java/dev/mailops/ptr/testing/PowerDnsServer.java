package dev.mailops.ptr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.ReverseMap;

/**
 * A throwaway PowerDNS Authoritative 4.7 (gsqlite3 backend) on 127.0.0.1, configured through its
 * HTTP API, with every cache off so API changes are served at once.
 *
 * <pre>{@code
 * try (PowerDnsServer pdns = PowerDnsServer.start()) {
 *   pdns.ptr("192.0.2.10", "mail.example.com");   // creates 2.0.192.in-addr.arpa
 *   pdns.a("mail.example.com", "192.0.2.10");     // creates example.com
 *   SimpleResolver resolver = new SimpleResolver(pdns.dnsAddress());
 * }
 * }</pre>
 */
public final class PowerDnsServer extends FixtureProcess {

  /** TTL used by the convenience methods: short so resolver caches in tests expire quickly. */
  public static final int DEFAULT_TTL = 5;

  private static final Path SCHEMA = Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");
  private static final String SERVER = "/api/v1/servers/localhost";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String dnsHost;
  private final int dnsPort;
  private final int webPort;
  private final String apiKey;
  private final List<String> extraConfig;

  private PowerDnsServer(Path dir, String dnsHost, int dnsPort, int webPort, String apiKey, List<String> extraConfig) {
    super("pdns", dir);
    this.dnsHost = dnsHost;
    this.extraConfig = extraConfig;
    this.dnsPort = dnsPort;
    this.webPort = webPort;
    this.apiKey = apiKey;
  }

  /** Creates the database and config in a new temp dir, starts pdns_server and waits until API and DNS answer. */
  public static PowerDnsServer start() {
    return startAt("127.0.0.1", FreePorts.next(), List.of());
  }

  /**
   * A server on {@code address:port} (another 127.0.0.x, so several servers can share one port as authoritative
   * servers share 53); with {@code secondary}, it transfers the zones added by {@link #addSecondaryZone} from their
   * primary (checked every second; NOTIFY from the primary starts a transfer at once).
   */
  public static PowerDnsServer at(String address, int port, boolean secondary) {
    return startAt(address, port, secondary ? List.of("secondary=yes", "xfr-cycle-interval=1",
        "query-local-address=" + address) : List.of());
  }

  private static PowerDnsServer startAt(String address, int port, List<String> extraConfig) {
    Path dir = newTempDir("pdns-fixture-");
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    PowerDnsServer server = new PowerDnsServer(dir, address, port, FreePorts.next(), HexFormat.of().formatHex(key),
        extraConfig);
    try {
      Path db = dir.resolve("pdns.sqlite3");
      runTool(dir, SCHEMA, "sqlite3", db.toString());
      Files.writeString(dir.resolve("pdns.conf"), server.config(db));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    server.launch();
    System.out.printf(
        "[PowerDnsServer] pdns_server pid %d, DNS %s, API %s, log %s%n",
        server.processHandle().pid(), server.dnsAddress(), server.apiUrl(), server.logFile());
    return server;
  }

  private String config(Path db) {
    return String.join(
        "\n",
        "launch=gsqlite3",
        "gsqlite3-database=" + db,
        // a throwaway database does not need fsync on every API write; it keeps tests fast
        "gsqlite3-pragma-synchronous=0",
        "local-address=" + dnsHost + ":" + dnsPort,
        "socket-dir=" + directory(),
        "daemon=no",
        "guardian=no",
        "disable-syslog=yes",
        "api=yes",
        "api-key=" + apiKey,
        "webserver=yes",
        "webserver-address=127.0.0.1",
        "webserver-port=" + webPort,
        "webserver-allow-from=127.0.0.1",
        "dnsupdate=yes",
        "allow-dnsupdate-from=127.0.0.0/8",
        // no packet, query or negative cache and no zone cache: an API change is served at once
        "cache-ttl=0",
        "query-cache-ttl=0",
        "negquery-cache-ttl=0",
        "zone-cache-refresh-interval=0",
        // no security-status lookup to the internet at startup
        "security-poll-suffix=",
        // the machine is shared: one receiver and one distributor thread are plenty for tests
        "receiver-threads=1",
        "distributor-threads=1",
        String.join("\n", extraConfig),
        "");
  }

  @Override
  List<String> command() {
    return List.of("/usr/sbin/pdns_server", "--config-dir=" + directory());
  }

  @Override
  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkAlive();
      try {
        HttpResponse<String> response =
            HTTP.send(request(SERVER).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // webserver not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("PowerDNS API did not answer within " + timeout);
      }
      Thread.sleep(100);
    }
    awaitDns(dnsAddress(), ".", Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L)), false);
  }

  /** UDP and TCP address of the DNS listener. */
  public InetSocketAddress dnsAddress() {
    return new InetSocketAddress(dnsHost, dnsPort);
  }

  /** Base URL of the webserver, e.g. {@code http://127.0.0.1:20123} (the API lives under /api/v1). */
  public String apiUrl() {
    return "http://127.0.0.1:" + webPort;
  }

  /** Value for the X-API-Key header. */
  public String apiKey() {
    return apiKey;
  }

  /** Creates a Native zone with an SOA (negative TTL 0) and one NS record. */
  public void createZone(String zone) {
    String name = fqdn(zone);
    ObjectNode body = JSON.createObjectNode().put("name", name).put("kind", "Native");
    ArrayNode rrsets = body.putArray("rrsets");
    rrsets.add(rrset(name, "SOA", 60, "ns1.fixture.test. hostmaster.fixture.test. 1 10800 3600 604800 0"));
    rrsets.add(rrset(name, "NS", 60, "ns1.fixture.test."));
    call("POST", SERVER + "/zones", body);
  }

  /**
   * Creates a zone of {@code kind} (Native, Master) whose SOA names {@code primary} and whose NS records are
   * {@code nameServers} (absolute names); serial 1, bumped by every API change.
   */
  public void createZone(String zone, String kind, String primary, List<String> nameServers) {
    String name = fqdn(zone);
    ObjectNode body = JSON.createObjectNode().put("name", name).put("kind", kind).put("soa_edit_api", "INCREASE");
    ArrayNode rrsets = body.putArray("rrsets");
    rrsets.add(rrset(name, "SOA", 60, fqdn(primary) + " hostmaster.fixture.test. 1 10800 3600 604800 0"));
    rrsets.add(rrset(name, "NS", 60, nameServers.stream().map(PowerDnsServer::fqdn).toArray(String[]::new)));
    call("POST", SERVER + "/zones", body);
  }

  /** Adds {@code zone} as a secondary zone transferred from {@code primary}, and waits until it is served. */
  public void addSecondaryZone(String zone, InetSocketAddress primary) {
    ObjectNode body = JSON.createObjectNode().put("name", fqdn(zone)).put("kind", "Slave");
    body.putArray("masters").add(primary.getAddress().getHostAddress() + ":" + primary.getPort());
    call("POST", SERVER + "/zones", body);
    try {
      awaitDns(dnsAddress(), fqdn(zone), Duration.ofSeconds(30), true);
    } catch (Exception e) {
      throw new IllegalStateException("secondary zone " + zone + " was not transferred: " + e.getMessage(), e);
    }
  }

  /** Transfers secondary zone {@code zone} from its primary now (as a NOTIFY would make it). */
  public void retrieve(String zone) {
    call("PUT", zonePath(zoneId(fqdn(zone))) + "/axfr-retrieve", null);
  }

  /** Replaces the RRset name/type in the longest existing zone that contains name; contents are zone-file rdata. */
  public void setRecords(String name, String type, int ttl, String... contents) {
    ObjectNode set = rrset(fqdn(name), type.toUpperCase(Locale.ROOT), ttl, contents);
    set.put("changetype", "REPLACE");
    patch(name, set);
  }

  /** Deletes the RRset name/type (no error if it does not exist). */
  public void deleteRecords(String name, String type) {
    ObjectNode set =
        JSON.createObjectNode()
            .put("name", fqdn(name))
            .put("type", type.toUpperCase(Locale.ROOT))
            .put("changetype", "DELETE");
    patch(name, set);
  }

  /** Creates a TSIG key (e.g. "hmac-sha256"), allows it for RFC 2136 updates on the given zones and returns its base64 secret. */
  public String addTsigKey(String name, String algorithm, String... zones) {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("algorithm", algorithm);
    String secret = call("POST", SERVER + "/tsigkeys", body).path("key").asText();
    for (String zone : zones) {
      allowDnsUpdate(zone, name);
    }
    return secret;
  }

  /**
   * Sets TSIG-ALLOW-DNSUPDATE on zone: from then on only updates signed with that key are accepted
   * (a zone without it accepts unsigned updates from 127.0.0.0/8).
   */
  public void allowDnsUpdate(String zone, String keyName) {
    ObjectNode body = JSON.createObjectNode().put("kind", "TSIG-ALLOW-DNSUPDATE");
    body.putArray("metadata").add(keyName);
    call("PUT", zonePath(zoneId(fqdn(zone))) + "/metadata/TSIG-ALLOW-DNSUPDATE", body);
  }

  /** Publishes PTR records for ip (v4 or v6), creating a /24 or /64 reverse zone if none covers it. */
  public void ptr(String ip, String... names) {
    String reverse = reverseName(ip);
    if (findZone(reverse) == null) {
      createZone(coveringReverseZone(ip, reverse));
    }
    setRecords(reverse, "PTR", DEFAULT_TTL, absolute(names));
  }

  /**
   * RFC 2317: puts the PTR for ipv4 in zone {@code <start>/<prefix>.c.b.a.in-addr.arpa} and a CNAME to
   * it in the /24 zone (both created if missing); returns the CNAME target, e.g. {@code 10.0/26.2.0.192.in-addr.arpa.}.
   */
  public String classlessPtr(String ipv4, int prefixLength, String... names) {
    if (prefixLength < 25 || prefixLength > 31) {
      throw new IllegalArgumentException("RFC 2317 delegation needs a prefix of 25..31, not " + prefixLength);
    }
    byte[] octets = parse(ipv4).getAddress();
    if (octets.length != 4) {
      throw new IllegalArgumentException("not IPv4: " + ipv4);
    }
    int last = octets[3] & 0xff;
    int start = last & ~((1 << (32 - prefixLength)) - 1) & 0xff;
    String parent = (octets[2] & 0xff) + "." + (octets[1] & 0xff) + "." + (octets[0] & 0xff) + ".in-addr.arpa.";
    String child = start + "/" + prefixLength + "." + parent;
    List<String> zones = zoneNames();
    if (!zones.contains(parent)) {
      createZone(parent);
    }
    if (!zones.contains(child)) {
      createZone(child);
    }
    String target = last + "." + child;
    setRecords(target, "PTR", DEFAULT_TTL, absolute(names));
    setRecords(last + "." + parent, "CNAME", DEFAULT_TTL, target);
    return target;
  }

  /** Publishes A records, creating the zone of the last two labels of name if no zone covers it. */
  public void a(String name, String... addresses) {
    forward(name, "A", addresses);
  }

  /** Publishes AAAA records, creating the zone of the last two labels of name if no zone covers it. */
  public void aaaa(String name, String... addresses) {
    forward(name, "AAAA", addresses);
  }

  /** Publishes a CNAME, creating the zone of the last two labels of name if no zone covers it. */
  public void cname(String name, String target) {
    forward(name, "CNAME", absolute(target));
  }

  /** Number of DNS queries served so far (udp-queries + tcp-queries from the statistics endpoint). */
  public long queryCount() {
    long count = 0;
    for (JsonNode item : call("GET", SERVER + "/statistics", null)) {
      String name = item.path("name").asText();
      if (name.equals("udp-queries") || name.equals("tcp-queries")) {
        count += item.path("value").asLong();
      }
    }
    return count;
  }

  private void forward(String name, String type, String... contents) {
    String fqdn = fqdn(name);
    if (findZone(fqdn) == null) {
      String[] labels = fqdn.split("\\.");
      if (labels.length < 2) {
        throw new IllegalArgumentException("no zone to create for " + name);
      }
      createZone(labels[labels.length - 2] + "." + labels[labels.length - 1] + ".");
    }
    setRecords(fqdn, type, DEFAULT_TTL, contents);
  }

  private void patch(String name, ObjectNode rrset) {
    String zone = findZone(fqdn(name));
    if (zone == null) {
      throw new IllegalStateException("no zone on this server contains " + name + "; call createZone first");
    }
    ObjectNode body = JSON.createObjectNode();
    body.putArray("rrsets").add(rrset);
    call("PATCH", zonePath(zoneId(zone)), body);
  }

  /** Longest existing zone name that equals or contains fqdn, or null. */
  private String findZone(String fqdn) {
    String best = null;
    for (String zone : zoneNames()) {
      boolean contains = fqdn.equals(zone) || fqdn.endsWith("." + zone);
      if (contains && (best == null || zone.length() > best.length())) {
        best = zone;
      }
    }
    return best;
  }

  private List<String> zoneNames() {
    return call("GET", SERVER + "/zones", null).findValuesAsText("name");
  }

  /** The API id of a zone ("/" is escaped as "=2F"), taken from the server rather than recomputed. */
  private String zoneId(String zone) {
    for (JsonNode z : call("GET", SERVER + "/zones", null)) {
      if (z.path("name").asText().equals(zone)) {
        return z.path("id").asText();
      }
    }
    throw new IllegalStateException("no zone " + zone);
  }

  private static String zonePath(String id) {
    return SERVER + "/zones/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  private JsonNode call(String method, String path, JsonNode body) {
    ensureOpen();
    HttpRequest.BodyPublisher publisher =
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString());
    HttpRequest request = request(path).header("Content-Type", "application/json").method(method, publisher).build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            method + " " + path + " -> HTTP " + response.statusCode() + ": " + response.body());
      }
      return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(apiUrl() + path))
        .timeout(Duration.ofSeconds(10))
        .header("X-API-Key", apiKey);
  }

  private static ObjectNode rrset(String name, String type, int ttl, String... contents) {
    ObjectNode set = JSON.createObjectNode().put("name", name).put("type", type).put("ttl", ttl);
    ArrayNode records = set.putArray("records");
    for (String content : contents) {
      records.addObject().put("content", content).put("disabled", false);
    }
    return set;
  }

  static String reverseName(String ip) {
    return ReverseMap.fromAddress(parse(ip)).toString().toLowerCase(Locale.ROOT);
  }

  /** /24 for IPv4 (drop one label), /64 for IPv6 (drop 16 nibbles). */
  private static String coveringReverseZone(String ip, String reverse) {
    int drop = parse(ip).getAddress().length == 4 ? 1 : 16;
    String zone = reverse;
    for (int i = 0; i < drop; i++) {
      zone = zone.substring(zone.indexOf('.') + 1);
    }
    return zone;
  }

  private static InetAddress parse(String ip) {
    // only literals: a host name here would trigger a real DNS lookup
    if (!ip.contains(":") && !ip.matches("[0-9.]+")) {
      throw new IllegalArgumentException("not an IP literal: " + ip);
    }
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + ip, e);
    }
  }

  static String fqdn(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower : lower + ".";
  }

  private static String[] absolute(String... names) {
    return java.util.Arrays.stream(names).map(PowerDnsServer::fqdn).toArray(String[]::new);
  }
}
