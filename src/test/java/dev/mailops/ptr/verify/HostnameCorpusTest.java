package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The judgement against the public corpus in src/test/resources/hostnames: names from SpamAssassin's
 * and Haraka's rules and tests, provider defaults and the guidance, each labelled generic or chosen and
 * carrying the verdicts of SpamAssassin (RDNS_DYNAMIC) and Haraka (is_generic_rdns) as the real
 * programs gave them (scripts/hostname-corpus.sh). The disagreements left are explained in
 * docs/validation.md.
 */
class HostnameCorpusTest {
  /** The agreement with the corpus labels that docs/validation.md states. */
  static final double REQUIRED_AGREEMENT = 0.97;

  private static final HostnameJudge JUDGE = new HostnameJudge();
  private static List<Row> rows;

  record Row(String file, String name, String ip, boolean generic, String source, String spamAssassin,
      String haraka) {
    boolean judgedGeneric() {
      return JUDGE.genericReason(IpAddresses.parse(ip), name).isPresent();
    }

    boolean spamAssassinGeneric() {
      return spamAssassin.startsWith("dynamic");
    }

    boolean harakaGeneric() {
      return haraka.equals("generic");
    }

    String describe() {
      return file + ": " + name + " [" + ip + "] labelled " + (generic ? "generic" : "chosen") + ", judged "
          + JUDGE.genericReason(IpAddresses.parse(ip), name).orElse("chosen") + "; SpamAssassin " + spamAssassin
          + ", Haraka " + haraka + " (" + source + ")";
    }
  }

  @BeforeAll
  static void readCorpus() throws IOException, URISyntaxException {
    Path dir = Path.of(Objects.requireNonNull(HostnameCorpusTest.class.getResource("/hostnames")).toURI());
    rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".tsv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("name\tip\tlabel\tsource\tspamassassin\tharaka");
        for (String line : lines.subList(1, lines.size())) {
          String[] c = line.split("\t", -1);
          assertThat(c).as("%s: %s", f.getFileName(), line).hasSize(6);
          assertThat(c[2]).as("label of %s", c[0]).isIn("generic", "chosen");
          assertThat(c[4]).as("SpamAssassin column of %s (run scripts/hostname-corpus.sh)", c[0]).isNotEmpty();
          assertThat(c[5]).as("Haraka column of %s (run scripts/hostname-corpus.sh)", c[0]).isNotEmpty();
          rows.add(new Row(f.getFileName().toString(), c[0], c[1], c[2].equals("generic"), c[3], c[4], c[5]));
        }
      }
    }
  }

  @Test
  void corpusHasSeveralHundredNamesOfBothLabels() {
    assertThat(rows).hasSizeGreaterThanOrEqualTo(300);
    assertThat(rows).filteredOn(Row::generic).hasSizeGreaterThan(100);
    assertThat(rows).filteredOn(r -> !r.generic()).hasSizeGreaterThan(100);
  }

  @Test
  void judgementAgreesWithTheLabelsOnAtLeastTheStatedShare() {
    List<Row> wrong = rows.stream().filter(r -> r.judgedGeneric() != r.generic()).toList();
    double agreement = 1.0 - (double) wrong.size() / rows.size();
    System.out.printf("HostnameJudge agrees with %d of %d corpus labels (%.1f%%)%n", rows.size() - wrong.size(),
        rows.size(), 100 * agreement);
    wrong.forEach(r -> System.out.println("  disagrees: " + r.describe()));
    assertThat(agreement)
        .as("agreement with the corpus labels; disagreements:%n%s",
            String.join("\n", wrong.stream().map(Row::describe).toList()))
        .isGreaterThanOrEqualTo(REQUIRED_AGREEMENT);
  }

  @Test
  void judgementIsRightWhereverSpamAssassinIsRight() {
    assertThat(wrongWhereRight(Row::spamAssassinGeneric))
        .as("names SpamAssassin judges right and the operator wrong").isEmpty();
  }

  @Test
  void judgementIsRightWhereverHarakaIsRight() {
    assertThat(wrongWhereRight(Row::harakaGeneric)).as("names Haraka judges right and the operator wrong").isEmpty();
  }

  private static List<String> wrongWhereRight(Predicate<Row> receiverSaysGeneric) {
    return rows.stream()
        .filter(r -> receiverSaysGeneric.test(r) == r.generic() && r.judgedGeneric() != r.generic())
        .map(Row::describe).toList();
  }

  @Test
  void everyDisagreementLeftIsExplainedInTheValidationDoc() throws IOException {
    String doc = Files.readString(Path.of("docs/validation.md"), StandardCharsets.UTF_8);
    int section = doc.indexOf("## Host name judgement");
    assertThat(section).as("docs/validation.md has a '## Host name judgement' section").isNotNegative();
    String explained = doc.substring(section);
    List<String> unexplained = rows.stream().filter(r -> r.judgedGeneric() != r.generic())
        .map(Row::name).filter(name -> !explained.contains("`" + name + "`")).toList();
    assertThat(unexplained).as("disagreements not listed in docs/validation.md").isEmpty();
    assertThat(explained).contains(String.format("%.0f%%", 100 * REQUIRED_AGREEMENT));
    long spamAssassinWrong = rows.stream().filter(r -> r.spamAssassinGeneric() != r.generic()).count();
    long harakaWrong = rows.stream().filter(r -> r.harakaGeneric() != r.generic()).count();
    assertThat(explained.replaceAll("\\s+", " ")).contains(rows.size() + " names")
        .contains("SpamAssassin's verdict differs from the label on " + spamAssassinWrong + " names and Haraka's on "
            + harakaWrong);
  }
}
