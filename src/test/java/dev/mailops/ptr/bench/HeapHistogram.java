package dev.mailops.ptr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code jcmd PID GC.class_histogram}: live instances and bytes per class. Two of them, one of an operator
 * watching nothing and one holding N SendingIps, give what each SendingIp costs, by class.
 */
record HeapHistogram(Map<String, long[]> classes, long totalBytes) {
  /** "   1:   123456   7890123  java.lang.String (java.base@17.0.15)" */
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern TOTAL_ROW = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

  static HeapHistogram parse(String text) {
    Map<String, long[]> classes = new LinkedHashMap<>();
    long total = -1;
    for (String line : text.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        continue;
      }
      Matcher t = TOTAL_ROW.matcher(line);
      if (t.find()) {
        total = Long.parseLong(t.group(2));
      }
    }
    if (total < 0) {
      throw new IllegalStateException("no Total line in the class histogram:\n" + text);
    }
    return new HeapHistogram(classes, total);
  }

  /** Live bytes per object beyond {@code empty}: (this total - empty total) / n. */
  double bytesPerObject(HeapHistogram empty, int n) {
    return (totalBytes - empty.totalBytes) / (double) n;
  }

  /** The classes that grew most from {@code empty}, per object: bytes and instances, largest first. */
  void writeDifference(HeapHistogram empty, int n, int rows, Path file) throws IOException {
    Set<String> names = new HashSet<>(classes.keySet());
    names.addAll(empty.classes.keySet());
    List<Map.Entry<String, Double>> perClass = new ArrayList<>();
    for (String name : names) {
      long[] now = classes.getOrDefault(name, new long[2]);
      long[] before = empty.classes.getOrDefault(name, new long[2]);
      perClass.add(Map.entry(name, (now[1] - before[1]) / (double) n));
    }
    perClass.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "live heap per object (N = %d): %.0f bytes (%,d - %,d bytes)%n%n%12s %12s  %s%n", n,
        bytesPerObject(empty, n), totalBytes, empty.totalBytes, "bytes/obj", "instances/obj", "class"));
    for (Map.Entry<String, Double> e : perClass.subList(0, Math.min(rows, perClass.size()))) {
      long[] now = classes.getOrDefault(e.getKey(), new long[2]);
      long[] before = empty.classes.getOrDefault(e.getKey(), new long[2]);
      s.append(String.format(Locale.ROOT, "%12.1f %12.2f  %s%n", e.getValue(), (now[0] - before[0]) / (double) n,
          e.getKey()));
    }
    Files.writeString(file, s.toString());
  }
}
