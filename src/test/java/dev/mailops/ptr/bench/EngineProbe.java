package dev.mailops.ptr.bench;

import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Development probe: engine passes against a fresh bench PowerDNS, with latency and cache counters, each followed by a
 * dnsperf pass over the same queries (args: n inflight passes [fj|direct|pool4|default]).
 */
public final class EngineProbe {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int inFlight = Integer.parseInt(args[1]);
    int passes = Integer.parseInt(args[2]);
    Fleet fleet = Fleet.of(n);
    try (BenchDns dns = BenchDns.start(fleet, Path.of("target/probe").toAbsolutePath())) {
      Path q = Path.of("target/probe/q.txt").toAbsolutePath();
      try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(q)) {
        for (Fleet.Entry e : fleet.entries) {
          for (String[] x : e.queries()) {
            w.write(x[0] + " " + x[1] + "\n");
          }
        }
      }
      for (int pass = 0; pass < passes; pass++) {
        String ex = args.length > 3 ? args[3] : "fj";
        java.util.concurrent.Executor executor = switch (ex) {
          case "direct" -> Runnable::run;
          case "pool4" -> java.util.concurrent.Executors.newFixedThreadPool(4);
          default -> java.util.concurrent.ForkJoinPool.commonPool();
        };
        try (Verifier v = ex.equals("default") ? new Verifier(DnsSettings.of(List.of(dns.address)))
            : new Verifier(DnsSettings.of(List.of(dns.address)), executor)) {
          String before = dns.stats();
          long cpu0 = processCpuNanos();
          long q0 = dns.queryCount();
          long t0 = System.nanoTime();
          List<Long> lat = Collections.synchronizedList(new ArrayList<>());
          AtomicInteger temp = new AtomicInteger();
          Semaphore permits = new Semaphore(inFlight);
          List<CompletableFuture<?>> all = new ArrayList<>();
          for (Fleet.Entry e : fleet.entries) {
            permits.acquireUninterruptibly();
            long s0 = System.nanoTime();
            all.add(v.verify(VerificationRequest.of(e.ip(), e.hostname(), Fleet.DOMAIN)).whenComplete((x, t) -> {
              permits.release();
              lat.add((System.nanoTime() - s0) / 1_000_000);
              if (x.temporaryFailure()) {
                temp.incrementAndGet();
              }
            }));
          }
          CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
          double s = (System.nanoTime() - t0) / 1e9;
          List<Long> sorted = new ArrayList<>(lat);
          Collections.sort(sorted);
          System.out.printf("pass %d: %.0f IPs/s, %.0f q/s; temp %d; ms p50 %d p90 %d p99 %d max %d; before %s after %s%n",
              pass, n / s, (dns.queryCount() - q0) / s, temp.get(), sorted.get(sorted.size() / 2),
              sorted.get(sorted.size() * 9 / 10), sorted.get(sorted.size() * 99 / 100), sorted.get(sorted.size() - 1),
              before, dns.stats());
          // right after, the same queries through dnsperf: on a shared machine only a ratio taken at once means much
          // and the CPU each spends per query, which a busy machine changes far less than the rates
          long queries = dns.queryCount() - q0;
          double engineCpuMicros = (processCpuNanos() - cpu0) / 1e3 / queries;
          double engineQps = queries / s;
          long children0 = childrenCpuTicks();
          long dq0 = dns.queryCount();
          double dnsperfQps = dnsperf(dns, q, 2 * inFlight);
          double dnsperfCpuMicros = (childrenCpuTicks() - children0) * 1e4 / (dns.queryCount() - dq0);
          System.out.printf("pass %d: engine %.0f q/s, dnsperf %.0f q/s, ratio %.2f; CPU per query: engine %.1f us, "
              + "dnsperf %.1f us; load %s%n", pass, engineQps, dnsperfQps, engineQps / dnsperfQps, engineCpuMicros,
              dnsperfCpuMicros, java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        }
      }
      for (String extra : List.of("-q 64")) {
        List<String> cmd = new ArrayList<>(List.of("dnsperf", "-s", dns.address.getAddress().getHostAddress(), "-d",
            q.toString(), "-n", "3"));
        cmd.addAll(List.of(extra.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        System.out.println("dnsperf " + extra + ": " + out.lines().filter(l -> l.contains("Queries per second")
            || l.contains("Average Latency") || l.contains("Queries lost")).map(String::trim).toList());
      }
    }
    System.exit(0);
  }

  /** CPU time of this JVM, every thread (JIT and GC included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** cutime + cstime of this process (children waited for, such as dnsperf), in clock ticks of 10 ms. */
  private static long childrenCpuTicks() throws java.io.IOException {
    String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** Queries per second of one dnsperf pass over {@code queries} with {@code outstanding} in flight. */
  private static double dnsperf(BenchDns dns, Path queries, int outstanding) throws Exception {
    Process p = new ProcessBuilder("dnsperf", "-s", dns.address.getAddress().getHostAddress(), "-p",
        String.valueOf(dns.address.getPort()), "-d", queries.toString(), "-n", "1", "-q", String.valueOf(outstanding))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Queries per second:\\s+([0-9.]+)").matcher(out);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
