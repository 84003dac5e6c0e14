package dev.mailops.ptr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.VerificationRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds the SendingIps in YAML manifests (multi-document files, or a directory tree of them). */
final class Manifests {
  private static final YAMLMapper YAML = new YAMLMapper();

  static final class ManifestException extends Exception {
    ManifestException(String message) {
      super(message);
    }
  }

  private Manifests() {}

  static List<CheckReport.Item> read(Path path) throws ManifestException {
    if (!Files.exists(path)) {
      throw new ManifestException(path + ": no such file or directory");
    }
    List<Path> files;
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        files = walk.filter(Files::isRegularFile)
            .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .sorted().toList();
      } catch (IOException e) {
        throw new ManifestException(path + ": " + e.getMessage());
      }
    } else {
      files = List.of(path);
    }
    List<CheckReport.Item> items = new ArrayList<>();
    for (Path file : files) {
      readFile(file, items);
    }
    if (items.isEmpty()) {
      throw new ManifestException(path + ": no SendingIp found (kind: SendingIp, apiVersion: "
          + SendingIp.GROUP + "/" + SendingIp.VERSION + ")");
    }
    return items;
  }

  private static void readFile(Path file, List<CheckReport.Item> items) throws ManifestException {
    String expectedApiVersion = SendingIp.GROUP + "/" + SendingIp.VERSION;
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      int index = 0;
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        index++;
        if (doc == null || !doc.isObject() || !"SendingIp".equals(doc.path("kind").asText())
            || !expectedApiVersion.equals(doc.path("apiVersion").asText())) {
          continue;
        }
        String name = doc.path("metadata").path("name").asText("document " + index);
        String namespace = doc.path("metadata").path("namespace").asText("");
        String label = file + ": " + (namespace.isEmpty() ? "" : namespace + "/") + name;
        JsonNode spec = doc.path("spec");
        try {
          items.add(new CheckReport.Item(label, VerificationRequest.of(
              text(spec, "ip"), text(spec, "hostname"), text(spec, "domain")), namespace, name));
        } catch (IllegalArgumentException e) {
          throw new ManifestException(label + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new ManifestException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static String text(JsonNode spec, String field) {
    JsonNode node = spec.get(field);
    return node == null || node.isNull() ? null : node.asText();
  }
}
