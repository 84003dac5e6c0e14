package dev.mailops.ptr.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/ and the Helm chart install the image that `make image` (scripts/image.sh) names and tags. */
class ImageReferenceTest {

  @Test
  void kustomizeAndChartReferenceTheImageTheBuildTags() throws Exception {
    Process process = new ProcessBuilder("bash", "scripts/image.sh", "--name").redirectErrorStream(true).start();
    String built = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(built).isZero();

    String kustomization = Files.readString(Path.of("deploy/kustomization.yaml"));
    String kustomizeImage = first("(?m)^\\s+- name: (\\S+)\\n\\s+newTag: \\S+$", kustomization) + ":"
        + first("(?m)^\\s+newTag: (\\S+)$", kustomization);
    assertThat(first("(?m)^\\s+image: (\\S+)$", Files.readString(Path.of("deploy/deployment.yaml"))))
        .as("the name kustomize's images: entry rewrites").isEqualTo(built.substring(0, built.lastIndexOf(':')));
    assertThat(kustomizeImage).isEqualTo(built);
    String chartAppVersion = first("(?m)^appVersion: \"?([^\"\\s]+)\"?$",
        Files.readString(Path.of("helm/ptr-operator/Chart.yaml")));
    String chartRepository = first("(?m)^  repository: (\\S+)$",
        Files.readString(Path.of("helm/ptr-operator/values.yaml")));
    assertThat(chartRepository + ":" + chartAppVersion).as("the chart's default image").isEqualTo(built);
  }

  private static String first(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in\n%s", regex, text).isTrue();
    return m.group(1);
  }
}
