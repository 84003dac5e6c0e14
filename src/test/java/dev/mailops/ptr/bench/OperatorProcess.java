package dev.mailops.ptr.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `java -jar target/ptr-operator.jar run ...` as its own process, with /proc and jcmd readings. */
final class OperatorProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  final Process process;
  final long launchedNanos;
  final int healthPort;
  final Path log;

  private OperatorProcess(Process process, long launchedNanos, int healthPort, Path log) {
    this.process = process;
    this.launchedNanos = launchedNanos;
    this.healthPort = healthPort;
    this.log = log;
  }

  /**
   * @param jvmOptions given as JAVA_TOOL_OPTIONS, the way a Deployment sets them (env), so the jar's own command
   *     line stays as documented
   */
  static OperatorProcess launch(Path jar, Path kubeconfig, String dnsServer, String namespace, Duration recheck,
      String jvmOptions, List<String> extraArgs, Path log) throws IOException {
    int port = BenchDns.freePort();
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString(), "run",
        "--dns-server", dnsServer, "--namespace", namespace, "--health-port", String.valueOf(port),
        "--recheck-interval", recheck.toSeconds() + "s"));
    command.addAll(extraArgs);
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    b.environment().put("KUBECONFIG", kubeconfig.toString());
    if (jvmOptions != null && !jvmOptions.isBlank()) {
      b.environment().put("JAVA_TOOL_OPTIONS", jvmOptions);
    }
    System.out.println("[bench] operator: " + (jvmOptions == null ? "" : "JAVA_TOOL_OPTIONS='" + jvmOptions + "' ")
        + String.join(" ", command));
    long t0 = System.nanoTime();
    return new OperatorProcess(b.start(), t0, port, log);
  }

  long pid() {
    return process.pid();
  }

  /** Seconds from launch until /readyz answers 200 (for a replica waiting for its Lease, that is before it lists). */
  double awaitReady(Duration limit) throws InterruptedException {
    return awaitReadiness(limit, false);
  }

  /**
   * Seconds from launch until /readyz answers 200 with "ready": reconciling, its informers synced. A replica with
   * leader election answers 200 earlier, while it waits for its Lease ("standby: ..."), so a rollout never stalls
   * on it; with one replica and no leader election both are the same moment.
   */
  double awaitReconciling(Duration limit) throws InterruptedException {
    return awaitReadiness(limit, true);
  }

  private double awaitReadiness(Duration limit, boolean reconciling) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("operator exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<String> r = get("/readyz");
        if (r.statusCode() == 200 && (!reconciling || r.body().trim().equals("ready"))) {
          return (System.nanoTime() - launchedNanos) / 1e9;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("operator not ready within " + limit + "; see " + log);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The sum of the samples of one metric on the operator's /metrics whose labels contain every {@code labels}
   * part (e.g. {@code namespace="bench"}); 0 when none matches, NaN when the metric is not served at all.
   */
  double metric(String name, String... labels) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + r.statusCode() + "; see " + log);
    }
    double sum = 0;
    boolean served = false;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        served = true;
        String head = line.substring(0, line.lastIndexOf(' '));
        if (Arrays.stream(labels).allMatch(head::contains)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return served ? sum : Double.NaN;
  }

  /** utime + stime of the process, in seconds (CLK_TCK 100). */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** Threads the JVM has started since launch (jcmd PerfCounter.print: java.threads.started). */
  long threadsStarted() throws Exception {
    for (String line : jcmd("PerfCounter.print").split("\n")) {
      if (line.startsWith("java.threads.started=")) {
        return Long.parseLong(line.substring("java.threads.started=".length()).trim());
      }
    }
    throw new IllegalStateException("no java.threads.started counter");
  }

  /** A field of /proc/PID/status in KiB, e.g. VmRSS or VmHWM. */
  long statusKib(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid() + "/status");
  }

  /** Heap in use right after a full GC (jcmd GC.run, then GC.heap_info), in KiB. */
  long liveHeapKib() throws Exception {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    // G1: "garbage-first heap total ..., used NK"; Serial/Parallel: one "... generation total ..., used NK" per
    // generation (eden/survivor lines give percentages; Metaspace is not heap)
    long used = -1;
    for (String line : info.split("\n")) {
      Matcher m = HEAP_USED.matcher(line);
      if ((line.contains("garbage-first heap") || line.contains("generation") || line.contains(" PSYoungGen")
          || line.contains(" ParOldGen")) && m.find()) {
        used = Math.max(used, 0) + Long.parseLong(m.group(1));
      }
    }
    if (used < 0) {
      throw new IllegalStateException("no heap figure in: " + info);
    }
    return used;
  }

  /**
   * The live objects by class (jcmd GC.class_histogram, which collects first), also saved as text to {@code file}.
   * A full collection runs before it: some garbage survives one collection (a sharded replica's histogram counted
   * 9 MB of int[] at 10,000 that a heap dump taken right after no longer held; likely objects awaiting finalization).
   */
  HeapHistogram heapHistogram(Path file) throws Exception {
    jcmd("GC.run");
    String text = jcmd("GC.class_histogram");
    Files.writeString(file, text);
    return HeapHistogram.parse(text);
  }

  String jcmd(String command) throws Exception {
    Process p = new ProcessBuilder("jcmd", String.valueOf(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
