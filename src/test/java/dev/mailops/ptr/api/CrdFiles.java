package dev.mailops.ptr.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The committed CRDs in {@code crds/}: what fabric8's generator writes into target/classes, with the printer
 * columns put in the order DESIGN.md gives (the generator sorts them by JSON path).
 * {@code make crds} rewrites them; {@link CrdFilesTest} fails when they are stale.
 */
public final class CrdFiles {
  public static final Path DIRECTORY = Path.of("crds");
  public static final List<String> NAMES = List.of("sendingips.ptr.mailops.dev", "reversednsproviders.ptr.mailops.dev");

  private static final Map<String, List<String>> COLUMN_ORDER = Map.of(
      "sendingips.ptr.mailops.dev", List.of("IP", "Hostname", "PTR", "FCrDNS", "Ready", "Age", "Iprev", "Reason", "Owner"),
      "reversednsproviders.ptr.mailops.dev", List.of("Type", "Ready", "Reason", "Age"));

  private CrdFiles() {}

  public static Path committed(String name) {
    return DIRECTORY.resolve(name + ".yaml");
  }

  /** The CRD as it should be committed, from the generator's output on the classpath. */
  public static String expected(String name) throws IOException {
    String resource = "/META-INF/fabric8/" + name + "-v1.yml";
    try (InputStream in = CrdFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " not generated: run mvn process-classes");
      }
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      List<String> order = COLUMN_ORDER.get(name);
      crd.getSpec().getVersions().forEach(version -> {
        List<CustomResourceColumnDefinition> columns = new ArrayList<>(version.getAdditionalPrinterColumns());
        columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
        version.setAdditionalPrinterColumns(columns);
      });
      return "# Generated from dev.mailops.ptr.api by fabric8's CRD generator; `make crds` rewrites it.\n"
          + Serialization.asYaml(crd);
    }
  }

  /** Rewrites crds/ (used by `make crds`). */
  public static void main(String[] args) throws IOException {
    Files.createDirectories(DIRECTORY);
    for (String name : NAMES) {
      Files.writeString(committed(name), expected(name));
      System.out.println("wrote " + committed(name));
    }
  }
}
