package dev.mailops.ptr.bench;

import dev.mailops.ptr.testing.FreePorts;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.OperatorContainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Time from `podman run` to the first 200 of /readyz, per image, against a test kube-apiserver, the container run
 * as deploy/deployment.yaml runs it (OperatorContainer). scripts/image-bench.sh builds the images and calls this.
 *
 * <p>Arguments: runs per image, then {@code label=image[=entrypoint as a JSON array]}... Prints a Markdown table.
 */
public final class ImageStartBench {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private ImageStartBench() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    try (KubeApi api = KubeApi.start()) {
      String ns = api.newNamespace("image-bench");
      System.out.println("| image | start to /readyz, median of " + runs + " (min-max) |");
      System.out.println("|---|---|");
      for (String spec : Arrays.copyOfRange(args, 1, args.length)) {
        String[] parts = spec.split("=", 3);
        List<String> options = parts.length == 3 ? List.of("--entrypoint", parts[2]) : List.of();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          millis.add(startToReady(api, ns, parts[1], options));
        }
        millis.sort(Long::compare);
        System.out.printf("| %s | %.1f s (%.1f-%.1f) |%n", parts[0], millis.get(millis.size() / 2) / 1000.0,
            millis.get(0) / 1000.0, millis.get(millis.size() - 1) / 1000.0);
      }
    }
  }

  private static long startToReady(KubeApi api, String ns, String image, List<String> options)
      throws InterruptedException {
    int port = FreePorts.next();
    long start = System.nanoTime();
    try (OperatorContainer container = OperatorContainer.start(image, api.kubeconfigYaml(), ns,
        Map.of("PTR_HEALTH_PORT", String.valueOf(port), "PTR_NAMESPACES", ns), options)) {
      long deadline = start + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < deadline) {
        if (ready(port)) {
          return (System.nanoTime() - start) / 1_000_000;
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException(image + " not ready within 3 minutes:\n" + container.logs());
    }
  }

  private static boolean ready(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (Exception notYet) {
      return false;
    }
  }
}
