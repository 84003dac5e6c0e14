package dev.mailops.ptr.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The operator image (built by scripts/image.sh) run with podman as deploy/deployment.yaml runs it: the same user,
 * read-only root with a size-limited /tmp, no capabilities, no privilege escalation, the same environment, and a
 * kubeconfig mounted read-only in place of the ServiceAccount token. Host network, so it reaches the test
 * kube-apiserver and DNS servers on 127.0.0.1.
 */
public final class OperatorContainer implements AutoCloseable {
  public static final Path DEPLOYMENT = Path.of("deploy/deployment.yaml");
  private static final String PODMAN = "scripts/podman.sh";
  private static final String KUBECONFIG_IN_CONTAINER = "/etc/ptr-operator/kubeconfig";

  private final String name;
  private final int healthPort;
  private final Path dir;

  private OperatorContainer(String name, int healthPort, Path dir) {
    this.name = name;
    this.healthPort = healthPort;
    this.dir = dir;
  }

  /** Why no container can run here (no podman, or podman cannot work on this machine); empty when one can. */
  public static Optional<String> engineProblem() {
    Result info;
    try {
      info = run(Duration.ofMinutes(1), PODMAN, "info", "--format", "{{.Host.OCIRuntime.Name}}");
    } catch (UncheckedIOException e) {
      return Optional.of("cannot start " + PODMAN + ": " + e.getCause().getMessage());
    }
    if (info.exitCode() == 127 || info.output().contains("podman: command not found")) {
      return Optional.of("podman is not installed (scripts/test-env.sh installs it from Debian)");
    }
    return info.exitCode() == 0 ? Optional.empty() : Optional.of("podman info failed: " + info.output());
  }

  /** Runs scripts/image.sh (make image without the jar step: the jar is packaged before integration tests). */
  public static String build() {
    Result built = run(Duration.ofMinutes(30), "scripts/image.sh").orFail("scripts/image.sh");
    List<String> lines = built.output().lines().toList();
    return lines.get(lines.size() - 1).strip();
  }

  /** The Deployment of deploy/ whose pod this container imitates. */
  public static Deployment deployment() {
    try {
      return Serialization.unmarshal(Files.readString(DEPLOYMENT), Deployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the image detached. The environment is the Deployment's, with POD_NAME and POD_NAMESPACE filled in as the
   * kubelet would, then {@code overrides} (e.g. DNS servers and watched namespaces for the test, a free health port).
   */
  public static OperatorContainer start(String image, String kubeconfigYaml, String podNamespace,
      Map<String, String> overrides) {
    return start(image, kubeconfigYaml, podNamespace, overrides, List.of());
  }

  /** With more `podman run` options, e.g. {@code --entrypoint} to compare start-up variants of one image. */
  public static OperatorContainer start(String image, String kubeconfigYaml, String podNamespace,
      Map<String, String> overrides, List<String> runOptions) {
    PodSpec pod = deployment().getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    String name = "ptr-operator-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
        String field = e.getValueFrom().getFieldRef().getFieldPath();
        env.put(e.getName(), switch (field) {
          case "metadata.name" -> name;
          case "metadata.namespace" -> podNamespace;
          default -> throw new IllegalStateException("no stand-in for fieldRef " + field);
        });
      }
    }
    env.putAll(overrides);
    env.put("KUBECONFIG", KUBECONFIG_IN_CONTAINER);
    int healthPort = Integer.parseInt(env.get("PTR_HEALTH_PORT"));

    var security = container.getSecurityContext();
    long uid = Optional.ofNullable(security.getRunAsUser()).orElse(pod.getSecurityContext().getRunAsUser());
    long gid = Optional.ofNullable(security.getRunAsGroup()).orElse(pod.getSecurityContext().getRunAsGroup());
    Path dir = newDirectory();
    Path kubeconfig = dir.resolve("kubeconfig");
    try {
      Files.writeString(kubeconfig, selfContained(kubeconfigYaml));
      // readable by the container's non-root user, as a mounted Secret or projected token would be
      Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    List<String> command = new ArrayList<>(List.of(PODMAN, "run", "--detach", "--name", name, "--network=host",
        "--user", uid + ":" + gid, "--cap-drop=all"));
    if (Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
      // no tmpfs of podman's own: only the mounts the pod has
      command.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
      command.add("--security-opt=no-new-privileges");
    }
    for (var mount : container.getVolumeMounts()) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow();
      if (volume.getEmptyDir() == null) {
        throw new IllegalStateException("no stand-in for volume " + volume.getName());
      }
      String size = volume.getEmptyDir().getSizeLimit() == null ? ""
          : ",size=" + volume.getEmptyDir().getSizeLimit().getAmount()
              + volume.getEmptyDir().getSizeLimit().getFormat().replace("Mi", "m").replace("Gi", "g");
      // an emptyDir is writable by the pod's user; mode 1777 as /tmp always is
      command.addAll(List.of("--tmpfs", mount.getMountPath() + ":rw,mode=1777" + size));
    }
    command.addAll(List.of("--volume", kubeconfig + ":" + KUBECONFIG_IN_CONTAINER + ":ro"));
    env.forEach((k, v) -> command.addAll(List.of("--env", k + "=" + v)));
    command.addAll(runOptions);
    command.add(image);
    run(Duration.ofMinutes(2), command.toArray(String[]::new)).orFail("podman run");
    return new OperatorContainer(name, healthPort, dir);
  }

  /**
   * The kubeconfig with the certificate and key files it names (kube-api-test writes paths under the host's home)
   * inlined as *-data, so that the one mounted file is all the container needs, like a mounted Secret.
   */
  static String selfContained(String kubeconfigYaml) {
    io.fabric8.kubernetes.api.model.Config config =
        io.fabric8.kubernetes.client.internal.KubeConfigUtils.parseConfigFromString(kubeconfigYaml);
    for (var cluster : config.getClusters()) {
      var c = cluster.getCluster();
      if (c.getCertificateAuthority() != null) {
        c.setCertificateAuthorityData(base64(c.getCertificateAuthority()));
        c.setCertificateAuthority(null);
      }
    }
    for (var user : config.getUsers()) {
      var u = user.getUser();
      if (u.getClientCertificate() != null) {
        u.setClientCertificateData(base64(u.getClientCertificate()));
        u.setClientCertificate(null);
      }
      if (u.getClientKey() != null) {
        u.setClientKeyData(base64(u.getClientKey()));
        u.setClientKey(null);
      }
    }
    return Serialization.asYaml(config);
  }

  private static String base64(String file) {
    try {
      return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public int healthPort() {
    return healthPort;
  }

  /** What the container wrote to stdout and stderr so far. */
  public String logs() {
    return run(Duration.ofMinutes(1), PODMAN, "logs", name).output();
  }

  /**
   * podman stop: SIGTERM, and SIGKILL when the container is still running after {@code grace}, as the kubelet does
   * with terminationGracePeriodSeconds. Returns the exit code (143 after SIGTERM, 137 when it had to be killed).
   */
  public int stop(Duration grace) {
    run(grace.plusMinutes(1), PODMAN, "stop", "--time", Long.toString(grace.toSeconds()), name).orFail("podman stop");
    return Integer.parseInt(inspect("{{.State.ExitCode}}"));
  }

  /** Whether the container's process still runs (a crashed operator fails a wait at once, not at its timeout). */
  public boolean running() {
    return Boolean.parseBoolean(inspect("{{.State.Running}}"));
  }

  /** One field of {@code podman inspect} of the container, as a Go template. */
  public String inspect(String template) {
    return run(Duration.ofMinutes(1), PODMAN, "inspect", "--format", template, name).orFail("podman inspect")
        .output().strip();
  }

  @Override
  public void close() {
    run(Duration.ofMinutes(1), PODMAN, "rm", "--force", "--time", "0", name);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }

  private static Path newDirectory() {
    try {
      Path dir = Files.createTempDirectory("operator-container-");
      // the bind-mounted file's parent must be traversable for podman's storage setup
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Output (stdout and stderr together) and exit code of a finished command. */
  public record Result(int exitCode, String output) {
    Result orFail(String what) {
      if (exitCode != 0) {
        throw new IllegalStateException(what + " exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  /** Runs a command in the project directory, waiting at most {@code timeout}. */
  public static Result run(Duration timeout, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
        try {
          return process.getInputStream().readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
      }
      return new Result(process.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
