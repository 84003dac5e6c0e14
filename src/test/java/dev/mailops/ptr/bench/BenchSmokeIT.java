package dev.mailops.ptr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `make bench` at N = 50, so the harness cannot rot: it completes and produces every figure. No timing asserted. */
class BenchSmokeIT {

  @Test
  void benchHarnessAtFiftyIpsProducesEveryFigureAndTheReport() throws Exception {
    Path work = Path.of("target/bench-smoke");
    Bench.Options options = Bench.Options.parse("--n", "50", "--work", work.toString(), "--recheck", "10s",
        "--steady-intervals", "1", "--out", work.resolve("benchmarks.md").toString());

    List<Bench.Result> results = Bench.run(options);
    BenchReport.write(options, results);

    assertThat(results).hasSize(1);
    Bench.Result r = results.get(0);
    boolean adnsPossible = "root".equals(System.getProperty("user.name"));
    for (BenchReport.Row row : BenchReport.ROWS) {
      if (!adnsPossible && row.key().contains("dnshost")) {
        continue;
      }
      assertThat(r.figures).as(row.key()).containsKey(row.key());
      assertThat(r.figures.get(row.key())).as(row.key()).isNotNaN();
    }
    assertThat(r.figures.get("fleet.compliantShare")).isEqualTo(0.8);
    assertThat(r.texts).containsKeys("convergence.requests", "bare.requests", "steady.requests");
    assertThat(Files.readString(work.resolve("results-50.json"))).contains("convergence.seconds");
    assertThat(Files.readString(work.resolve("benchmarks.md"))).contains(BenchReport.BEGIN, BenchReport.END,
        "N = 50");
  }
}
