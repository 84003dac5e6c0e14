package dev.mailops.ptr.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** kube-apiserver's apiserver_request_total from /metrics, summed by "VERB resource[/subresource]". */
public final class ApiMetrics {
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiMetrics() {}

  public static Map<String, Long> scrape(KubernetesClient admin) {
    Map<String, Long> counts = new TreeMap<>();
    for (String line : admin.raw("/metrics").split("\n")) {
      if (!line.startsWith("apiserver_request_total{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String verb = "";
      String resource = "";
      String sub = "";
      Matcher m = LABEL.matcher(line.substring(0, close));
      while (m.find()) {
        switch (m.group(1)) {
          case "verb" -> verb = m.group(2);
          case "resource" -> resource = m.group(2);
          case "subresource" -> sub = m.group(2);
          default -> { }
        }
      }
      long value = (long) Double.parseDouble(line.substring(close + 1).trim());
      counts.merge(verb + " " + resource + (sub.isEmpty() ? "" : "/" + sub), value, Long::sum);
    }
    return counts;
  }

  /** after - before, only the keys that grew. */
  public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((k, v) -> {
      long diff = v - before.getOrDefault(k, 0L);
      if (diff > 0) {
        d.put(k, diff);
      }
    });
    return d;
  }

  /** Requests of the given verbs on sendingips/status. */
  public static long statusWrites(Map<String, Long> delta) {
    return delta.getOrDefault("PATCH sendingips/status", 0L) + delta.getOrDefault("APPLY sendingips/status", 0L)
        + delta.getOrDefault("PUT sendingips/status", 0L) + delta.getOrDefault("UPDATE sendingips/status", 0L);
  }

  /** Changes to existing SendingIps themselves, not their status (APPLY, PATCH, PUT/UPDATE on sendingips). */
  public static long objectWrites(Map<String, Long> delta) {
    return delta.getOrDefault("APPLY sendingips", 0L) + delta.getOrDefault("PATCH sendingips", 0L)
        + delta.getOrDefault("PUT sendingips", 0L) + delta.getOrDefault("UPDATE sendingips", 0L);
  }

  /** Writes to sendingips or their status (APPLY, PATCH, PUT/UPDATE, POST, DELETE). */
  public static long writes(Map<String, Long> delta) {
    long n = 0;
    for (Map.Entry<String, Long> e : delta.entrySet()) {
      String[] verbResource = e.getKey().split(" ", 2);
      if (verbResource.length == 2 && verbResource[1].startsWith("sendingips")
          && List.of("APPLY", "PATCH", "PUT", "UPDATE", "POST", "CREATE", "DELETE").contains(verbResource[0])) {
        n += e.getValue();
      }
    }
    return n;
  }

  public static long sum(Map<String, Long> delta) {
    return delta.values().stream().mapToLong(Long::longValue).sum();
  }

  public static String describe(Map<String, Long> delta) {
    StringBuilder s = new StringBuilder();
    delta.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return s.length() == 0 ? "none" : s.toString();
  }
}
