package dev.mailops.ptr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  private static Bench.Result result(int n, String jvmOptions, double peakRssMib, double listCalls) {
    Bench.Result r = new Bench.Result();
    r.n = n;
    r.jvmOptions = jvmOptions;
    r.figures.put("footprint.peakRssMib", peakRssMib);
    r.figures.put("convergence.listCalls", listCalls);
    r.texts.put("phases", "engine 40 s, bare client 25 s");
    return r;
  }

  private static String row(String report, String label) {
    return report.lines().filter(l -> l.startsWith("| " + label + " |")).findFirst().orElseThrow();
  }

  @Test
  void sizesReusedFromRunsWithOtherJvmOptionsAreReportedWithTheirOwn() throws Exception {
    Bench.Options options = Bench.Options.parse("--n", "10000,50000", "--reuse", "10000,50000");
    String report = BenchReport.render(options, List.of(
        result(10000, "-Xmx256m", 252, 20), result(50000, "-Xmx1g", 407, 100)));

    assertThat(report).contains("`-Xmx256m` at N = 10,000; `-Xmx1g` at N = 50,000")
        .contains("- N = 50,000: engine 40 s, bare client 25 s");
  }

  @Test
  void aTargetAboutOneSizeMarksOnlyThatSizeAndListsAreCountedInPages() throws Exception {
    Bench.Options options = Bench.Options.parse("--n", "10000,50000", "--reuse", "10000,50000");
    String report = BenchReport.render(options, List.of(
        result(10000, "-Xmx256m", 400, 21), result(50000, "-Xmx1g", 407, 100)));

    // RSS under 350 MiB is a target at 10,000 only; 20 pages of 500 is the informer's LIST of 10,000
    assertThat(row(report, "peak RSS (VmHWM) over the whole run")).contains("| 400 MiB ❌ | 407 MiB |");
    assertThat(row(report, "LIST sendingips during convergence")).contains("| 21 ❌ | 100 ✅ |");
  }
}
