package dev.mailops.ptr.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * A throwaway BIND 9.18 primary on 127.0.0.1 (recursion off, rndc off) whose zones accept RFC 2136
 * updates signed with one generated hmac-sha256 TSIG key, for any name in the zone and any type.
 *
 * <pre>{@code
 * try (BindServer bind = BindServer.start(List.of("2.0.192.in-addr.arpa"),
 *     List.of("10.2.0.192.in-addr.arpa. 60 IN PTR old.example.com."))) {
 *   bind.ptr("192.0.2.10", "mail.example.com");   // TSIG-signed update
 *   SimpleResolver resolver = new SimpleResolver(bind.dnsAddress());
 *   resolver.setTSIGKey(bind.tsig());
 * }
 * }</pre>
 */
public final class BindServer extends FixtureProcess {

  /** TTL used by the convenience methods: short so resolver caches in tests expire quickly. */
  public static final int DEFAULT_TTL = 5;

  private static final String KEY_NAME = "ptr-fixture-key.";
  private static final String ALGORITHM = "hmac-sha256";
  private static final Pattern SECRET = Pattern.compile("secret \"([^\"]+)\"");

  private final int port;
  private final List<String> zones;
  private final String secret;
  /** Secondaries told of every change (NOTIFY); empty: NOTIFY off. */
  private final List<InetSocketAddress> notify;

  private BindServer(Path dir, int port, List<String> zones, String secret, List<InetSocketAddress> notify) {
    super("named", dir);
    this.notify = notify;
    this.port = port;
    this.zones = zones;
    this.secret = secret;
  }

  /** Starts named with these primary zones (each with SOA and NS only) and waits until all of them answer. */
  public static BindServer start(List<String> zones) {
    return start(zones, List.of());
  }

  /**
   * Starts named with these primary zones, seeded with zone-file lines whose owner names are absolute
   * (e.g. {@code "10.2.0.192.in-addr.arpa. 60 IN PTR mail.example.com."}); each goes into the longest matching zone.
   */
  public static BindServer start(List<String> zones, List<String> records) {
    return start(FreePorts.next(), zones, records, List.of());
  }

  /**
   * A primary on 127.0.0.1:{@code port} (BIND listens on interface addresses only; 127.0.0.1 is the loopback's)
   * that sends NOTIFY for every change to each of {@code notify}, its secondaries, and lets anyone transfer its zones.
   */
  public static BindServer primary(int port, List<String> zones, List<String> records,
      List<InetSocketAddress> notify) {
    return start(port, zones, records, notify);
  }

  private static BindServer start(int port, List<String> zones, List<String> records,
      List<InetSocketAddress> notify) {
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("BIND needs at least one zone");
    }
    Path dir = newTempDir("bind-fixture-");
    BindServer server;
    try {
      String keyConf = runTool(dir, null, "/usr/sbin/tsig-keygen", "-a", ALGORITHM, KEY_NAME);
      Matcher m = SECRET.matcher(keyConf);
      if (!m.find()) {
        throw new IllegalStateException("no secret in tsig-keygen output: " + keyConf);
      }
      List<String> names = zones.stream().map(PowerDnsServer::fqdn).toList();
      server = new BindServer(dir, port, names, m.group(1), notify);
      Files.writeString(dir.resolve("key.conf"), keyConf);
      Map<String, List<String>> seeded = server.assign(records);
      for (String zone : names) {
        Files.writeString(dir.resolve(zone + "zone"), zoneFile(zone, seeded.get(zone)));
      }
      Files.writeString(dir.resolve("named.conf"), server.config());
      // a bad seed line would otherwise show up only as SERVFAIL after the startup timeout
      runTool(dir, null, "/usr/bin/named-checkconf", "-z", dir.resolve("named.conf").toString());
    } catch (IOException | RuntimeException e) {
      FixtureProcess.deleteTree(dir);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    server.launch();
    System.out.printf(
        "[BindServer] named pid %d, DNS %s, zones %s, log %s%n",
        server.processHandle().pid(), server.dnsAddress(), names(server.zones), server.logFile());
    return server;
  }

  private static String names(List<String> zones) {
    return String.join(",", zones);
  }

  private Map<String, List<String>> assign(List<String> records) {
    Map<String, List<String>> byZone = new LinkedHashMap<>();
    zones.forEach(z -> byZone.put(z, new ArrayList<>()));
    for (String line : records) {
      String owner = PowerDnsServer.fqdn(line.trim().split("\\s+")[0]);
      if (!line.trim().split("\\s+")[0].endsWith(".")) {
        throw new IllegalArgumentException("owner name must be absolute (end with a dot): " + line);
      }
      byZone.get(zoneFor(owner)).add(line);
    }
    return byZone;
  }

  private static String zoneFile(String zone, List<String> records) {
    StringBuilder text = new StringBuilder();
    text.append("$ORIGIN ").append(zone).append('\n');
    text.append("$TTL 60\n");
    // negative TTL (last SOA field) 0 so a client never caches an NXDOMAIN from a test that adds the name next
    text.append("@ IN SOA ns1.fixture.test. hostmaster.fixture.test. 1 3600 600 86400 0\n");
    text.append("@ IN NS ns1.fixture.test.\n");
    records.forEach(r -> text.append(r).append('\n'));
    return text.toString();
  }

  private String config() {
    Path dir = directory();
    StringBuilder conf = new StringBuilder();
    conf.append("include \"").append(dir.resolve("key.conf")).append("\";\n");
    conf.append("options {\n")
        .append("  directory \"").append(dir).append("\";\n")
        .append("  pid-file \"").append(dir.resolve("named.pid")).append("\";\n")
        .append("  session-keyfile \"").append(dir.resolve("session.key")).append("\";\n")
        .append("  managed-keys-directory \"").append(dir).append("\";\n")
        // keep /etc/bind out of it: trust anchors are unused without recursion, built-ins suffice
        .append("  bindkeys-file \"").append(dir.resolve("bind.keys")).append("\";\n")
        .append("  listen-on port ").append(port).append(" { 127.0.0.1; };\n")
        .append("  listen-on-v6 { none; };\n")
        .append("  recursion no;\n")
        .append("  dnssec-validation no;\n")
        // NOTIFY would try to resolve and reach ns1.fixture.test., which does not exist
        .append("  notify no;\n")
        .append("};\n")
        // no rndc: one less port to allocate and nothing listening on 953
        .append("controls { };\n");
    for (String zone : zones) {
      conf.append("zone \"").append(zone).append("\" {\n")
          .append("  type primary;\n")
          .append("  file \"").append(dir.resolve(zone + "zone")).append("\";\n")
          .append("  update-policy { grant ").append(KEY_NAME).append(" zonesub ANY; };\n");
      if (!notify.isEmpty()) {
        conf.append("  allow-transfer { 127.0.0.0/8; };\n  notify explicit;\n  also-notify { ");
        notify.forEach(n -> conf.append(n.getAddress().getHostAddress()).append(" port ").append(n.getPort())
            .append("; "));
        conf.append("};\n");
      }
      conf.append("};\n");
    }
    return conf.toString();
  }

  @Override
  List<String> command() {
    // -g: foreground, log to stderr (our log file); stays root, which the CI needs anyway.
    // -n 1: one worker thread, the machine is shared.
    return List.of("/usr/sbin/named", "-g", "-4", "-n", "1", "-c", directory().resolve("named.conf").toString());
  }

  @Override
  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String zone : zones) {
      // NOERROR for every SOA proves each zone file loaded (a broken one answers SERVFAIL)
      awaitDns(dnsAddress(), zone, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L)), true);
    }
  }

  /** UDP and TCP address of the DNS listener. */
  public InetSocketAddress dnsAddress() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** The zones this server is primary for (absolute, lower case). */
  public List<String> zones() {
    return zones;
  }

  /** TSIG key name, absolute ({@code ptr-fixture-key.}). */
  public String tsigKeyName() {
    return KEY_NAME;
  }

  /** TSIG secret, base64. */
  public String tsigSecret() {
    return secret;
  }

  /** TSIG algorithm name ({@code hmac-sha256}). */
  public String tsigAlgorithm() {
    return ALGORITHM;
  }

  /** A dnsjava TSIG for the key, ready for {@code SimpleResolver.setTSIGKey}. */
  public TSIG tsig() {
    return new TSIG(TSIG.HMAC_SHA256, KEY_NAME, secret);
  }

  /** Replaces the RRset name/type through a TSIG-signed RFC 2136 update; contents are zone-file rdata. */
  public void replace(String name, String type, int ttl, String... contents) {
    try {
      Name owner = Name.fromString(PowerDnsServer.fqdn(name));
      int rrType = Type.value(type);
      Update update = new Update(Name.fromString(zoneFor(PowerDnsServer.fqdn(name))));
      update.delete(owner, rrType);
      for (String content : contents) {
        update.add(owner, rrType, ttl, content);
      }
      send(update);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the RRset name/type through a TSIG-signed RFC 2136 update. */
  public void delete(String name, String type) {
    try {
      Update update = new Update(Name.fromString(zoneFor(PowerDnsServer.fqdn(name))));
      update.delete(Name.fromString(PowerDnsServer.fqdn(name)), Type.value(type));
      send(update);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Publishes PTR records for ip (v4 or v6); a zone covering its reverse name must have been given at start. */
  public void ptr(String ip, String... names) {
    String[] targets = java.util.Arrays.stream(names).map(PowerDnsServer::fqdn).toArray(String[]::new);
    replace(PowerDnsServer.reverseName(ip), "PTR", DEFAULT_TTL, targets);
  }

  private void send(Update update) throws IOException {
    ensureOpen();
    SimpleResolver resolver = new SimpleResolver(dnsAddress());
    resolver.setTSIGKey(tsig());
    resolver.setTimeout(Duration.ofSeconds(5));
    Message response = resolver.send(update);
    if (response.getRcode() != Rcode.NOERROR) {
      throw new IllegalStateException("update refused: " + Rcode.string(response.getRcode()) + "\n" + response);
    }
  }

  private String zoneFor(String fqdn) {
    String best = null;
    for (String zone : zones) {
      if ((fqdn.equals(zone) || fqdn.endsWith("." + zone)) && (best == null || zone.length() > best.length())) {
        best = zone;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException(fqdn + " is in none of the zones " + zones);
    }
    return best;
  }
}
