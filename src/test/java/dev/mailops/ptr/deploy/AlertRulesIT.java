package dev.mailops.ptr.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's PrometheusRule, rendered by real helm, tested by promtool (Debian's prometheus package, installed by
 * scripts/test-env.sh) on the synthetic series of src/test/resources/alerts/ptr-operator-alerts.test.yaml: not
 * compliant (Stalled) alerts, a pending provider update does not, Ready Unknown alerts only after an hour, failing
 * provider calls alert.
 */
class AlertRulesIT {

  @Test
  void promtoolUnitTestsOfTheChartsAlertsPass(@TempDir Path dir) throws Exception {
    String yaml = Manifests.helmYaml("--set", "metrics.prometheusRule.enabled=true",
        "--show-only", "templates/prometheusrule.yaml");
    Map<?, ?> rule = Serialization.unmarshal(yaml, Map.class);
    assertThat(rule.get("kind")).isEqualTo("PrometheusRule");
    Files.writeString(dir.resolve("rules.yaml"), Serialization.asYaml(rule.get("spec")));
    Path tests = dir.resolve("ptr-operator-alerts.test.yaml");
    Files.copy(Path.of("src/test/resources/alerts/ptr-operator-alerts.test.yaml"), tests);

    List<String> check = List.of("promtool", "check", "rules", dir.resolve("rules.yaml").toString());
    Manifests.Result checked = Manifests.exec(check);
    System.out.println(checked.stdout() + checked.stderr());
    assertThat(checked.exitCode()).as(checked.stderr()).isZero();

    List<String> test = List.of("promtool", "test", "rules", tests.toString());
    Manifests.Result result = Manifests.exec(test);
    System.out.println(result.stdout() + result.stderr());
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout()).contains("SUCCESS");
  }
}
