package dev.mailops.ptr.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kustomize cannot read files outside its root and Helm installs CRDs only from the chart's crds/, so both hold a
 * copy of crds/. A plain test (no server needed) so that `mvn test` catches a stale copy right away.
 */
class CrdCopiesTest {
  private static final String FIX =
      "stale copy: run `cp crds/*.yaml deploy/crds/ && cp crds/*.yaml helm/ptr-operator/crds/` and commit";

  @Test
  void deployAndHelmCrdsAreByteForByteCopiesOfCrds() throws IOException {
    List<String> names = names(Path.of("crds"));
    assertThat(names).isNotEmpty();
    for (Path copy : List.of(Path.of("deploy/crds"), Path.of("helm/ptr-operator/crds"))) {
      assertThat(names(copy)).as("%s: %s", copy, FIX).isEqualTo(names);
      for (String name : names) {
        assertThat(Files.readString(copy.resolve(name))).as("%s/%s: %s", copy, name, FIX)
            .isEqualTo(Files.readString(Path.of("crds", name)));
      }
    }
  }

  @Test
  void kustomizationListsEveryCrd() throws IOException {
    String kustomization = Files.readString(Path.of("deploy/kustomization.yaml"));
    for (String name : names(Path.of("crds"))) {
      assertThat(kustomization).as("deploy/kustomization.yaml resources").contains("- crds/" + name);
    }
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
  }
}
