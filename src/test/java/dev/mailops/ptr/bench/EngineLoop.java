package dev.mailops.ptr.bench;

import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bench's engine phase alone, for as long as asked, so that a profiler sees the engine and nothing else:
 * the same fleet, PowerDNS and {@code IN_FLIGHT} verifications as {@link Bench#engine}.
 *
 * <pre>java -XX:StartFlightRecording=filename=engine.jfr,settings=profile -cp ... dev.mailops.ptr.bench.EngineLoop
 *     N SECONDS WORK_DIR</pre>
 *
 * Prints the queries per second of each pass; docs/benchmarks.md has the command and what the profile showed.
 */
public final class EngineLoop {
  private EngineLoop() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    Path work = Files.createDirectories(Path.of(args[2]));
    Fleet fleet = Fleet.of(n);
    try (BenchDns dns = BenchDns.start(fleet, work);
        Verifier verifier = new Verifier(DnsSettings.of(List.of(dns.address)))) {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        long q0 = dns.queryCount();
        long t0 = System.nanoTime();
        Bench.verifyAll(verifier, fleet.entries, null, null, 0);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[engine] %d verifications in %.2f s: %.0f queries/s%n", n, s,
            (dns.queryCount() - q0) / s);
      }
    }
  }
}
