package dev.mailops.ptr.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ApiDocsTest {

  @Test
  void apiReferenceFieldTablesMatchTheCommittedCrds() throws Exception {
    String doc = Files.readString(ApiDocs.FILE);
    assertThat(doc).as("docs/api.md is stale: run `make crds` (it regenerates the field tables) and commit")
        .isEqualTo(ApiDocs.withGenerated(doc));
  }

  @Test
  void everySpecFieldOfBothKindsIsInTheReference() throws Exception {
    String generated = ApiDocs.generated();
    assertThat(generated).contains("| `spec.ip` | string | yes |", "| `spec.providerRef` |",
        "| `spec.deletionPolicy` | string |", "| `spec.allowedCidrs` |", "| `status.conditions` |",
        "| READY | `.status.conditions[?(@.type==\"Ready\")].status` | 0 |");
  }
}
