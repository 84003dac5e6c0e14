package dev.mailops.ptr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * PowerDNS 4.7 (gsqlite3) for the benchmark, its database written directly with sqlite3 in one transaction (10,000
 * IPs load in well under a second; no HTTP call per record). When run as root it listens on port 53 of a random
 * 127/8 address, because adnshost cannot be told another port; otherwise on a free port of 127.0.0.1 (and the
 * adnshost comparison is skipped). Caches are at PowerDNS defaults, as on a production authoritative server.
 */
final class BenchDns implements AutoCloseable {
  private static final Path SCHEMA = Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Path dir;
  final InetSocketAddress address;
  final int webPort;
  final String apiKey;
  private final Process process;

  private BenchDns(Path dir, InetSocketAddress address, int webPort, String apiKey, Process process) {
    this.dir = dir;
    this.address = address;
    this.webPort = webPort;
    this.apiKey = apiKey;
    this.process = process;
  }

  static BenchDns start(Fleet fleet, Path work) throws Exception {
    Path dir = Files.createDirectories(work.resolve("pdns"));
    Path db = dir.resolve("pdns.sqlite3");
    Files.deleteIfExists(db);
    Path load = dir.resolve("load.sql");
    InetSocketAddress address = portFiftyThree().orElseGet(() -> new InetSocketAddress("127.0.0.1", freePort()));
    writeSql(fleet, load, address.getAddress().getHostAddress());
    long t0 = System.nanoTime();
    run(dir, List.of("sqlite3", db.toString()), SCHEMA);
    run(dir, List.of("sqlite3", db.toString()), load);
    System.out.printf("[bench] PowerDNS database for %d IPs loaded in %d ms%n", fleet.size(),
        (System.nanoTime() - t0) / 1_000_000);
    int web = freePort();
    byte[] key = new byte[12];
    ThreadLocalRandom.current().nextBytes(key);
    String apiKey = HexFormat.of().formatHex(key);
    Files.writeString(dir.resolve("pdns.conf"), String.join("\n",
        "launch=gsqlite3",
        "gsqlite3-database=" + db,
        "local-address=" + address.getAddress().getHostAddress() + ":" + address.getPort(),
        "socket-dir=" + dir,
        "daemon=no", "guardian=no", "disable-syslog=yes",
        "api=yes", "api-key=" + apiKey,
        "webserver=yes", "webserver-address=127.0.0.1", "webserver-port=" + web,
        "webserver-allow-from=127.0.0.1",
        "security-poll-suffix=",
        // the machine is shared: one receiver and one distributor thread, as in the test fixture
        "receiver-threads=1", "distributor-threads=1",
        ""));
    Process p = new ProcessBuilder("/usr/sbin/pdns_server", "--config-dir=" + dir)
        .redirectErrorStream(true).redirectOutput(dir.resolve("pdns.log").toFile()).start();
    BenchDns dns = new BenchDns(dir, address, web, apiKey, p);
    try {
      dns.awaitReady();
    } catch (Exception e) {
      dns.close();
      throw new IllegalStateException("PowerDNS did not start; see " + dir.resolve("pdns.log"), e);
    }
    System.out.printf("[bench] PowerDNS pid %d on %s, API port %d%n", p.pid(), dns.server(), web);
    return dns;
  }

  /** HOST:PORT as the operator's --dns-server takes it. */
  String server() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  boolean onPort53() {
    return address.getPort() == 53;
  }

  long pid() {
    return process.pid();
  }

  /** udp-queries + tcp-queries from the statistics API. */
  long queryCount() {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + webPort + "/api/v1/servers/localhost/statistics"))
          .header("X-API-Key", apiKey).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      long count = 0;
      for (JsonNode item : JSON.readTree(r.body())) {
        String name = item.path("name").asText();
        if (name.equals("udp-queries") || name.equals("tcp-queries")) {
          count += item.path("value").asLong();
        }
      }
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Cache and latency counters, for development. */
  String stats() {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + webPort + "/api/v1/servers/localhost/statistics"))
          .header("X-API-Key", apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
      StringBuilder s = new StringBuilder();
      for (JsonNode item : JSON.readTree(r.body())) {
        String name = item.path("name").asText();
        if (List.of("packetcache-hit", "packetcache-miss", "query-cache-hit", "query-cache-miss", "latency")
            .contains(name)) {
          s.append(name).append('=').append(item.path("value").asText()).append(' ');
        }
      }
      return s.toString().trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("pdns_server exited with " + process.exitValue());
      }
      try {
        queryCount();
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(address);
        r.setTimeout(Duration.ofMillis(500));
        r.send(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
            org.xbill.DNS.Name.fromString(Fleet.DOMAIN + "."), org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN)));
        return;
      } catch (Exception notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(100);
      }
    }
  }

  /** {@code nsAddress}: where the zones' one NS name points, so the authoritative view asks this server too. */
  private static void writeSql(Fleet fleet, Path file, String nsAddress) throws IOException {
    try (Writer w = Files.newBufferedWriter(file)) {
      w.write("PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\nBEGIN;\n");
      List<String> zones = new ArrayList<>();
      zones.add(Fleet.DOMAIN);
      zones.addAll(fleet.reverseZones());
      for (int id = 1; id <= zones.size(); id++) {
        String z = zones.get(id - 1);
        w.write("INSERT INTO domains(id,name,type) VALUES(" + id + ",'" + z + "','NATIVE');\n");
        w.write(row(id, z, "SOA", "ns1." + Fleet.DOMAIN + " hostmaster." + Fleet.DOMAIN + " 1 10800 3600 604800 300", true));
        w.write(row(id, z, "NS", "ns1." + Fleet.DOMAIN, true));
      }
      w.write(row(1, "ns1." + Fleet.DOMAIN, "A", nsAddress, true));
      List<String> rows = new ArrayList<>();
      for (Fleet.Entry e : fleet.entries) {
        int zoneId = zones.indexOf(e.zone()) + 1;
        for (String target : e.ptrTargets()) {
          rows.add(values(zoneId, e.reverse(), "PTR", target));
        }
        for (String name : e.addressNames()) {
          rows.add(values(1, name, "A", e.ip()));
        }
      }
      for (int i = 0; i < rows.size(); i += 500) {
        w.write("INSERT INTO records(domain_id,name,type,content,ttl,prio,disabled,auth) VALUES\n");
        w.write(String.join(",\n", rows.subList(i, Math.min(rows.size(), i + 500))));
        w.write(";\n");
      }
      w.write("COMMIT;\n");
    }
  }

  private static String row(int zoneId, String name, String type, String content, boolean single) {
    return "INSERT INTO records(domain_id,name,type,content,ttl,prio,disabled,auth) VALUES"
        + values(zoneId, name, type, content) + ";\n";
  }

  private static String values(int zoneId, String name, String type, String content) {
    return "(" + zoneId + ",'" + name + "','" + type + "','" + content + "',300,0,0,1)";
  }

  private static void run(Path dir, List<String> command, Path stdin) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(stdin.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " < " + stdin + " failed: " + out);
    }
  }

  /** A random 127/8 address whose port 53 is free (UDP and TCP), when this process may bind port 53. */
  private static java.util.Optional<InetSocketAddress> portFiftyThree() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return java.util.Optional.empty();
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      try {
        InetAddress a = InetAddress.getByAddress(new byte[] {127, (byte) (100 + r.nextInt(100)),
            (byte) r.nextInt(1, 255), (byte) r.nextInt(1, 255)});
        InetSocketAddress s = new InetSocketAddress(a, 53);
        try (DatagramSocket u = new DatagramSocket(s); ServerSocket t = new ServerSocket()) {
          t.bind(s);
        }
        return java.util.Optional.of(s);
      } catch (IOException taken) {
        // try another address
      }
    }
    return java.util.Optional.empty();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
