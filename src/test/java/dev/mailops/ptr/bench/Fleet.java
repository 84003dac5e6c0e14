package dev.mailops.ptr.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.testing.SendingIps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * N synthetic sending IPs in 198.18.0.0/15 (RFC 2544 benchmarking space), 250 per /24 reverse zone, with their DNS
 * data: 80% compliant and 20% spread evenly over the failure cases (no PTR, PTR mismatch, no forward record,
 * generated hostname, several PTRs); every other SendingIp carries kubectl's last-applied-configuration.
 * Deterministic: the same N always gives the same fleet.
 */
final class Fleet {
  static final String DOMAIN = "example.com";
  static final int PER_ZONE = 250;
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final ObjectMapper COMPACT = new ObjectMapper();

  enum Kind { COMPLIANT, NO_PTR, MISMATCH, NO_FORWARD, GENERIC, MULTIPLE_PTR }

  /** One IP: what the SendingIp asks for and what DNS publishes (names without trailing dot). */
  record Entry(int index, String name, String ip, String reverse, String zone, String hostname, Kind kind,
      List<String> ptrTargets, List<String> addressNames) {

    /** The queries the engine makes for this IP: the PTR, then A of the desired name and of every PTR target. */
    List<String[]> queries() {
      List<String[]> q = new ArrayList<>();
      q.add(new String[] {reverse, "PTR"});
      Set<String> forward = new LinkedHashSet<>();
      if (hostname != null) {
        forward.add(hostname);
      }
      forward.addAll(ptrTargets);
      forward.forEach(n -> q.add(new String[] {n, "A"}));
      return q;
    }

    /**
     * Every other one as `kubectl apply` creates it: with its manifest in the last-applied-configuration annotation
     * (client-side apply, which many GitOps setups use), so the memory per object is measured on such objects too.
     */
    SendingIp sendingIp(String namespace) {
      SendingIp sip = SendingIps.sendingIp(namespace, name, ip, hostname, DOMAIN);
      if (index % 2 == 0) {
        sip.getMetadata().setAnnotations(Map.of(LAST_APPLIED, lastApplied(namespace)));
      }
      return sip;
    }

    /** The annotation's value as kubectl writes it: the manifest as compact JSON, its own annotation left out. */
    String lastApplied(String namespace) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("annotations", Map.of());
      metadata.put("name", name);
      metadata.put("namespace", namespace);
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("domain", DOMAIN);
      if (hostname != null) {
        spec.put("hostname", hostname);
      }
      spec.put("ip", ip);
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("apiVersion", SendingIp.GROUP + "/" + SendingIp.VERSION);
      manifest.put("kind", "SendingIp");
      manifest.put("metadata", metadata);
      manifest.put("spec", spec);
      try {
        return COMPACT.writeValueAsString(manifest) + "\n";
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  final List<Entry> entries;

  private Fleet(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  static Fleet of(int n) {
    if (n < 1 || n > 2 * 256 * PER_ZONE) {
      throw new IllegalArgumentException("N must be 1.." + 2 * 256 * PER_ZONE);
    }
    List<Entry> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int block = i / PER_ZONE;
      int second = 18 + block / 256;
      int third = block % 256;
      int fourth = i % PER_ZONE + 1;
      String ip = "198." + second + "." + third + "." + fourth;
      String zone = third + "." + second + ".198.in-addr.arpa";
      String reverse = fourth + "." + zone;
      String host = "out" + i + ".mail." + DOMAIN;
      Kind kind = i % 5 != 4 ? Kind.COMPLIANT : Kind.values()[1 + (i / 5) % 5];
      String desired = host;
      List<String> ptr;
      List<String> addresses;
      switch (kind) {
        case NO_PTR -> { ptr = List.of(); addresses = List.of(host); }
        case MISMATCH -> { ptr = List.of("old" + i + "." + DOMAIN); addresses = List.of(host, "old" + i + "." + DOMAIN); }
        case NO_FORWARD -> { ptr = List.of(host); addresses = List.of(); }
        case GENERIC -> {
          String generic = "198-" + second + "-" + third + "-" + fourth + ".dynamic." + DOMAIN;
          desired = null;
          ptr = List.of(generic);
          addresses = List.of(generic);
        }
        case MULTIPLE_PTR -> {
          String alt = "alt" + i + ".mail." + DOMAIN;
          ptr = List.of(host, alt);
          addresses = List.of(host, alt);
        }
        default -> { ptr = List.of(host); addresses = List.of(host); }
      }
      list.add(new Entry(i, String.format("sip-%05d", i), ip, reverse, zone, desired, kind, ptr, addresses));
    }
    return new Fleet(list);
  }

  int size() {
    return entries.size();
  }

  List<Entry> first(int count) {
    return entries.subList(0, Math.min(count, entries.size()));
  }

  /** The reverse zones, in order. */
  List<String> reverseZones() {
    return entries.stream().map(Entry::zone).distinct().toList();
  }

  long count(Kind kind) {
    return entries.stream().filter(e -> e.kind() == kind).count();
  }
}
