package dev.mailops.ptr.deploy;

import dev.mailops.ptr.testing.KubeApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Renders deploy/ (real kubectl's built-in kustomize) and helm/ptr-operator (real helm from scripts/helm.sh). */
final class Manifests {
  static final Path KUSTOMIZE_DIR = Path.of("deploy");
  static final Path CHART_DIR = Path.of("helm/ptr-operator");
  static final String NAMESPACE = "ptr-system";
  static final String RELEASE = "ptr-operator";

  private static Path helm;

  private Manifests() {}

  /** Output of a finished process. */
  record Result(int exitCode, String stdout, String stderr) {
    Result orFail(List<String> command) {
      if (exitCode != 0) {
        throw new IllegalStateException(command + " exited " + exitCode + ":\n" + stderr + stdout);
      }
      return this;
    }
  }

  static Result exec(List<String> command) {
    return exec(command, new byte[0]);
  }

  static Result exec(List<String> command, byte[] stdin) {
    try {
      Process process = new ProcessBuilder(command).start();
      try (var in = process.getOutputStream()) {
        in.write(stdin);
      }
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      byte[] out = process.getInputStream().readAllBytes();
      // helm.sh may build helm from source the first time: minutes on a cold cache.
      if (!process.waitFor(30, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The helm binary: scripts/helm.sh prints its path, building it only when absent. */
  static synchronized Path helm() {
    if (helm == null) {
      List<String> command = List.of("bash", "scripts/helm.sh");
      helm = Path.of(exec(command).orFail(command).stdout().strip());
    }
    return helm;
  }

  static Result helm(String... args) {
    List<String> command = new ArrayList<>(List.of(helm().toString()));
    command.addAll(List.of(args));
    return exec(command);
  }

  static Result kubectl(KubeApi api, String... args) {
    List<String> command = new ArrayList<>(List.of(KubeApi.kubectlBinary().toString()));
    if (api != null) {
      command.addAll(List.of("--kubeconfig", api.kubeconfig().toString()));
    }
    command.addAll(List.of(args));
    return exec(command);
  }

  static String kustomizeYaml() {
    List<String> command = List.of(KubeApi.kubectlBinary().toString(), "kustomize", KUSTOMIZE_DIR.toString());
    return exec(command).orFail(command).stdout();
  }

  /** `helm template` as `helm install ptr-operator -n ptr-system` would render it, CRDs included. */
  static String helmYaml(String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("template", RELEASE, CHART_DIR.toString(), "--namespace", NAMESPACE,
        "--include-crds"));
    args.addAll(List.of(extraArgs));
    Result result = helm(args.toArray(String[]::new));
    return result.orFail(args).stdout();
  }

  static List<HasMetadata> parse(KubernetesClient client, String yaml) {
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static Optional<HasMetadata> find(List<HasMetadata> objects, Predicate<HasMetadata> which) {
    return objects.stream().filter(which).findFirst();
  }

  static Path write(List<HasMetadata> objects) throws IOException {
    KubernetesList list = new KubernetesList();
    list.setItems(objects);
    Path file = Files.createTempFile("manifests-", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(file, io.fabric8.kubernetes.client.utils.Serialization.asYaml(list));
    return file;
  }

  static Path write(String yaml) throws IOException {
    Path file = Files.createTempFile("manifests-", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(file, yaml);
    return file;
  }
}
