package dev.mailops.ptr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `make bench` at N = 50 with two shards, so the harness cannot rot: it completes and produces every figure. No
 * timing asserted.
 */
class BenchSmokeIT {

  @Test
  void benchHarnessAtFiftyIpsWithTwoShardsProducesEveryFigureAndTheReport() throws Exception {
    Path work = Path.of("target/bench-smoke");
    Bench.Options options = Bench.Options.parse("--n", "50", "--work", work.toString(), "--recheck", "10s",
        "--steady-intervals", "1", "--shards", "2", "--out", work.resolve("benchmarks.md").toString());

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
    assertThat(r.texts.get("shards.error")).as("why the shards failed").isNull();
    // converged: every figure but the time the harness would have given up after
    assertThat(r.figures.get("shards.convergedShare")).isEqualTo(1.0);
    assertThat(r.figures).doesNotContainKey("shards.givenUpSeconds");
    for (BenchReport.Row row : BenchReport.SHARD_ROWS) {
      if (row.key().equals("shards.givenUpSeconds")) {
        continue;
      }
      assertThat(r.figures).as(row.key()).containsKey(row.key());
      assertThat(r.figures.get(row.key())).as(row.key()).isNotNaN();
    }
    // every SendingIp got status (convergence) and sat in exactly one replica's cache, and a replica reconciles
    // only what its cache holds: each was checked by exactly one shard
    assertThat(r.figures.get("shards.cachedShare")).isEqualTo(1.0);
    assertThat(r.figures.get("shards.objectWrites")).as("writes to the objects: status only").isZero();
    assertThat(r.texts.get("shards.replicas")).contains("shard 0:", "shard 1:");
    assertThat(r.texts).containsKeys("convergence.requests", "bare.requests", "steady.requests");
    assertThat(Files.readString(work.resolve("results-50.json"))).contains("convergence.seconds");
    assertThat(Files.readString(work.resolve("benchmarks.md"))).contains(BenchReport.BEGIN, BenchReport.END,
        "N = 50", "### 2 shards", "Convergence with 2 shards", "How long each phase took",
        "- N = 50: " + r.texts.get("phases"));
    assertThat(r.texts.get("phases")).contains("one replica", "2 shards");
  }
}
