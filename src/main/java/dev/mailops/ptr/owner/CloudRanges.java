package dev.mailops.ptr.owner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clouds' published ranges, from files in one directory, so an IP is named "AWS, us-east-1, EC2" rather than
 * by its RDAP registrant. Recognised by content: AWS {@code ip-ranges.json}, Google Cloud {@code cloud.json},
 * Azure service tags ({@code ServiceTags_Public_*.json}), Oracle {@code public_ip_ranges.json}; a {@code .csv} file
 * is DigitalOcean's geofeed (RFC 8805: prefix, country, region, city). The most specific prefix wins.
 */
public final class CloudRanges {
  private static final Logger log = LoggerFactory.getLogger(CloudRanges.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Larger files are refused: the published ones are a few MB, and a mistake must not exhaust memory. */
  static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

  /** rank orders entries for the same prefix: 0 is the most telling (EC2 before the AMAZON superset). */
  private record Entry(Owner owner, int rank) {}

  public static final CloudRanges NONE = new CloudRanges(List.of(), List.of());

  /** prefix length -> network address -> entries, per family, so a lookup costs one probe per length. */
  private final Map<Integer, Map<BigInteger, List<Entry>>> v4 = new TreeMap<>(Comparator.reverseOrder());
  private final Map<Integer, Map<BigInteger, List<Entry>>> v6 = new TreeMap<>(Comparator.reverseOrder());
  private final List<String> problems;
  private int size;

  private CloudRanges(List<Map.Entry<IpRange, Entry>> entries, List<String> problems) {
    for (Map.Entry<IpRange, Entry> e : entries) {
      IpRange range = e.getKey();
      int length = (range.v4() ? 32 : 128) - (range.size().bitLength() - 1);
      (range.v4() ? v4 : v6).computeIfAbsent(length, k -> new java.util.HashMap<>())
          .computeIfAbsent(range.start(), k -> new ArrayList<>(1)).add(e.getValue());
      size++;
    }
    this.problems = List.copyOf(problems);
  }

  /** Reads every file of the directory; a file that cannot be read is reported in {@link #problems()} and skipped. */
  public static CloudRanges load(Path directory) {
    List<Map.Entry<IpRange, Entry>> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      // ConfigMap volumes hold ..data and dot-directories beside the files: regular, visible files only
      files = listing.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    } catch (IOException e) {
      return new CloudRanges(List.of(), List.of("cannot list " + directory + ": " + e.getMessage()));
    }
    for (Path file : files) {
      try {
        int before = entries.size();
        read(file, entries);
        log.info("cloud ranges: {} prefixes from {}", entries.size() - before, file.getFileName());
      } catch (IOException | RuntimeException e) {
        String problem = file.getFileName() + ": " + e.getMessage();
        problems.add(problem);
        log.warn("cloud ranges: skipped {}", problem);
      }
    }
    return new CloudRanges(entries, problems);
  }

  /** The cloud that publishes a prefix holding this IP. */
  public Optional<Owner> lookup(InetAddress ip) {
    boolean isV4 = ip instanceof Inet4Address;
    int bits = isV4 ? 32 : 128;
    BigInteger value = IpRange.value(ip);
    for (Map.Entry<Integer, Map<BigInteger, List<Entry>>> byLength : (isV4 ? v4 : v6).entrySet()) {
      BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - byLength.getKey()).subtract(BigInteger.ONE);
      List<Entry> hits = byLength.getValue().get(value.andNot(hostMask));
      if (hits != null) {
        return hits.stream().min(Comparator.comparingInt(Entry::rank)).map(Entry::owner);
      }
    }
    return Optional.empty();
  }

  public int size() {
    return size;
  }

  public List<String> problems() {
    return problems;
  }

  private static void read(Path file, List<Map.Entry<IpRange, Entry>> out) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException("larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      readGeofeed(Files.readAllLines(file, StandardCharsets.UTF_8), out);
      return;
    }
    JsonNode json;
    try (InputStream in = Files.newInputStream(file)) {
      json = JSON.readTree(in);
    }
    if (json == null || !json.isObject()) {
      throw new IOException("not a JSON object");
    }
    JsonNode prefixes = json.get("prefixes");
    if (json.has("ipv6_prefixes") || (prefixes != null && prefixes.size() > 0 && prefixes.get(0).has("ip_prefix"))) {
      readAws(json, out);
    } else if (prefixes != null && prefixes.isArray()) {
      readGoogle(prefixes, out);
    } else if (json.get("values") != null && json.get("values").isArray()) {
      readAzure(json.get("values"), out);
    } else if (json.get("regions") != null && json.get("regions").isArray()) {
      readOracle(json.get("regions"), out);
    } else {
      throw new IOException("not a known cloud range format (AWS, Google Cloud, Azure service tags, Oracle)");
    }
  }

  private static void readAws(JsonNode json, List<Map.Entry<IpRange, Entry>> out) {
    for (String[] field : new String[][] {{"prefixes", "ip_prefix"}, {"ipv6_prefixes", "ipv6_prefix"}}) {
      JsonNode array = json.get(field[0]);
      if (array == null) {
        continue;
      }
      for (JsonNode p : array) {
        String region = text(p, "region");
        String service = text(p, "service");
        boolean superset = service == null || service.equals("AMAZON");
        add(out, text(p, field[1]), cloud(join("AWS", region, superset ? null : service), "aws"), superset ? 1 : 0);
      }
    }
  }

  private static void readGoogle(JsonNode prefixes, List<Map.Entry<IpRange, Entry>> out) {
    for (JsonNode p : prefixes) {
      String prefix = p.hasNonNull("ipv4Prefix") ? text(p, "ipv4Prefix") : text(p, "ipv6Prefix");
      add(out, prefix, cloud(join("Google Cloud", text(p, "scope")), "gcp"), 0);
    }
  }

  private static void readAzure(JsonNode values, List<Map.Entry<IpRange, Entry>> out) {
    for (JsonNode tag : values) {
      JsonNode properties = tag.get("properties");
      if (properties == null || properties.get("addressPrefixes") == null) {
        continue;
      }
      String region = text(properties, "region");
      String service = text(properties, "systemService");
      // a regional service tag says most; the region-wide AzureCloud.<region> next; global tags last
      int rank = region == null ? 2 : service == null ? 1 : 0;
      Owner owner = cloud(join("Azure", region, service), "azure");
      for (JsonNode prefix : properties.get("addressPrefixes")) {
        add(out, prefix.asText(), owner, rank);
      }
    }
  }

  private static void readOracle(JsonNode regions, List<Map.Entry<IpRange, Entry>> out) {
    for (JsonNode region : regions) {
      JsonNode cidrs = region.get("cidrs");
      if (cidrs == null) {
        continue;
      }
      for (JsonNode c : cidrs) {
        List<String> tags = new ArrayList<>();
        if (c.get("tags") != null) {
          c.get("tags").forEach(t -> tags.add(t.asText()));
        }
        // Oracle has no reverse DNS API: no ReverseDnsProvider type
        add(out, text(c, "cidr"), cloud(join("Oracle Cloud", text(region, "region"),
            tags.isEmpty() ? null : String.join("/", tags)), null), 0);
      }
    }
  }

  private static void readGeofeed(List<String> lines, List<Map.Entry<IpRange, Entry>> out) {
    for (String line : lines) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] columns = trimmed.split(",", -1);
      String country = column(columns, 1);
      String region = column(columns, 2);
      String city = column(columns, 3);
      String where = city != null ? city : region != null ? region : country;
      add(out, columns[0].trim(), cloud(join("DigitalOcean", where), "digitalocean"), 0);
    }
  }

  private static void add(List<Map.Entry<IpRange, Entry>> out, String prefix, Owner owner, int rank) {
    if (prefix == null) {
      return;
    }
    IpRange range;
    try {
      range = IpRange.parseCidr(prefix);
    } catch (IllegalArgumentException e) {
      return; // one bad entry must not hide the rest of the file
    }
    Owner withNetwork = new Owner(owner.name(), owner.kind(), null, null, owner.providerType(), range.toString(),
        null);
    out.add(Map.entry(range, new Entry(withNetwork, rank)));
  }

  private static Owner cloud(String name, String providerType) {
    return new Owner(name, Owner.Kind.CLOUD, null, null, providerType, null, null);
  }

  private static String join(String... parts) {
    return String.join(", ", Stream.of(parts).filter(p -> p != null && !p.isBlank()).toList());
  }

  private static String column(String[] columns, int i) {
    return i < columns.length && !columns[i].isBlank() ? columns[i].trim() : null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isValueNode() && !value.isNull() && !value.asText().isBlank()
        ? value.asText().trim() : null;
  }
}
