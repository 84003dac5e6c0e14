package dev.mailops.ptr.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** kube-apiserver's apiserver_request_total from /metrics, summed by "VERB resource[/subresource]". */
final class ApiMetrics {
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiMetrics() {}

  static Map<String, Long> scrape(KubernetesClient admin) {
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
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
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
  static long statusWrites(Map<String, Long> delta) {
    return delta.getOrDefault("PATCH sendingips/status", 0L) + delta.getOrDefault("APPLY sendingips/status", 0L)
        + delta.getOrDefault("PUT sendingips/status", 0L) + delta.getOrDefault("UPDATE sendingips/status", 0L);
  }

  static long sum(Map<String, Long> delta) {
    return delta.values().stream().mapToLong(Long::longValue).sum();
  }

  static String describe(Map<String, Long> delta) {
    StringBuilder s = new StringBuilder();
    delta.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return s.length() == 0 ? "none" : s.toString();
  }
}
