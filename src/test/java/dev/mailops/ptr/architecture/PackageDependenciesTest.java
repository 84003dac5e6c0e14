package dev.mailops.ptr.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of docs/architecture.md, checked on the compiled classes: every class another class refers to is named in
 * its constant pool, so this sees imports, fully qualified names and lambdas alike.
 */
class PackageDependenciesTest {
  private static final Path CLASSES = Path.of("target/classes/dev/mailops/ptr");
  private static final Pattern REFERENCE = Pattern.compile("dev/mailops/ptr/([a-z0-9/]+)/([A-Z][A-Za-z0-9_$]*)");

  /** Class (package/Name, outer class only) to the classes it refers to. */
  private static final Map<String, Set<String>> references = new TreeMap<>();

  @BeforeAll
  static void readClasses() throws IOException {
    try (Stream<Path> files = Files.walk(CLASSES)) {
      files.filter(f -> f.toString().endsWith(".class")).forEach(PackageDependenciesTest::read);
    }
  }

  private static void read(Path file) {
    try {
      String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      String self = outer(CLASSES.relativize(file).toString().replace(".class", ""));
      Matcher m = REFERENCE.matcher(bytes);
      while (m.find()) {
        references.computeIfAbsent(self, k -> new TreeSet<>()).add(outer(m.group(1) + "/" + m.group(2)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String outer(String name) {
    int dollar = name.indexOf('$');
    return dollar < 0 ? name : name.substring(0, dollar);
  }

  private static String packageOf(String name) {
    return name.substring(0, name.lastIndexOf('/'));
  }

  @Test
  void packagesFormNoCycle() {
    Map<String, Set<String>> graph = new TreeMap<>();
    references.forEach((from, tos) -> tos.forEach(to -> {
      if (!packageOf(from).equals(packageOf(to))) {
        graph.computeIfAbsent(packageOf(from), k -> new TreeSet<>()).add(packageOf(to));
      }
    }));
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      // a cycle through start: start reaches itself
      Deque<List<String>> paths = new ArrayDeque<>();
      paths.push(List.of(start));
      Set<String> seen = new TreeSet<>();
      while (!paths.isEmpty()) {
        List<String> path = paths.pop();
        for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
          if (next.equals(start)) {
            cycles.add(String.join(" -> ", path) + " -> " + start);
          } else if (seen.add(next)) {
            List<String> longer = new ArrayList<>(path);
            longer.add(next);
            paths.push(longer);
          }
        }
      }
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  @Test
  void theCheckCommandUsesTheOperatorOnlyThroughRun() {
    references.forEach((from, tos) -> {
      if (packageOf(from).equals("cli") && !from.equals("cli/RunCommand")) {
        assertThat(tos).as(from).noneMatch(to -> packageOf(to).equals("operator"));
      }
    });
  }

  @Test
  void theEngineTheRulesAndThePolicyKnowNothingOfTheOperator() {
    references.forEach((from, tos) -> {
      String pkg = packageOf(from);
      if (pkg.startsWith("verify") || pkg.equals("status") || pkg.equals("gate") || pkg.startsWith("provider")
          || pkg.equals("api") || pkg.equals("owner")) {
        assertThat(tos).as(from).noneMatch(to -> packageOf(to).equals("operator") || packageOf(to).equals("cli"));
      }
      if (pkg.startsWith("provider/")) {
        String own = pkg.split("/")[1];
        assertThat(tos).as(from + " uses another provider").noneMatch(to -> packageOf(to).startsWith("provider/")
            && !packageOf(to).split("/")[1].equals(own) && !"http".equals(packageOf(to).split("/")[1]));
      }
    });
  }
}
