package dev.mailops.ptr.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kstatus itself (sigs.k8s.io/cli-utils status.Compute, what Flux's kustomize-controller and kpt use), built by
 * scripts/kstatus.sh from src/test/go/kstatus, run over objects as the API server returns them.
 */
final class Kstatus {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path binary;

  /** kstatus's verdict for one object: Current, InProgress, Failed, Terminating, ... and its message. */
  record Verdict(String kind, String namespace, String name, String status, String message) {}

  private Kstatus() {}

  /** Verdicts for a JSON object or List (e.g. `kubectl get ... -o json`), in input order. */
  static List<Verdict> compute(String json) {
    List<String> command = List.of(binary().toString());
    Manifests.Result result = Manifests.exec(command, json.getBytes(StandardCharsets.UTF_8)).orFail(command);
    List<Verdict> verdicts = new ArrayList<>();
    try {
      for (String line : result.stdout().lines().toList()) {
        JsonNode node = JSON.readTree(line);
        verdicts.add(new Verdict(node.path("kind").asText(), node.path("namespace").asText(""),
            node.path("name").asText(), node.path("status").asText(), node.path("message").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return verdicts;
  }

  /** scripts/kstatus.sh prints the helper's path, building it only when absent or its source changed. */
  private static synchronized Path binary() {
    if (binary == null) {
      List<String> command = List.of("bash", "scripts/kstatus.sh");
      binary = Path.of(Manifests.exec(command).orFail(command).stdout().strip());
    }
    return binary;
  }
}
