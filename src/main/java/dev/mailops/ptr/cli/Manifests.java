package dev.mailops.ptr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.VerificationRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the SendingIps in YAML manifests (multi-document files, or a directory tree of them). Anything it cannot
 * read or understand is a {@link ManifestException} with one line naming the file: a manifest that was meant to be
 * checked is never skipped silently.
 */
final class Manifests {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern EVENT = Pattern.compile(
      "<org\\.yaml\\.snakeyaml\\.events\\.(\\w+?)(?:Start)?Event\\(.*?\\)>");
  private static final String API_VERSION = SendingIp.GROUP + "/" + SendingIp.VERSION;

  static final class ManifestException extends Exception {
    ManifestException(String message) {
      super(message);
    }
  }

  private Manifests() {}

  static List<CheckReport.Item> read(Path path) throws ManifestException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new ManifestException(path + ": no such file or directory");
    }
    boolean directory = Files.isDirectory(path);
    List<Path> files = directory ? manifestsUnder(path) : List.of(path);
    List<CheckReport.Item> items = new ArrayList<>();
    for (Path file : files) {
      String text = content(file);
      if (!directory && text.isBlank()) {
        throw new ManifestException(file + ": the file is empty; no SendingIp in it");
      }
      readDocuments(file, text, items);
    }
    if (items.isEmpty()) {
      throw new ManifestException(path + ": no SendingIp found (kind: SendingIp, apiVersion: " + API_VERSION + ")");
    }
    return items;
  }

  /** Every *.yaml / *.yml below {@code dir} that is not a directory, including links that lead nowhere. */
  private static List<Path> manifestsUnder(Path dir) throws ManifestException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(p -> !Files.isDirectory(p)).sorted().toList();
    } catch (UncheckedIOException e) {
      throw cannotRead(dir, e.getCause());
    } catch (IOException e) {
      throw cannotRead(dir, e);
    }
  }

  private static String content(Path file) throws ManifestException {
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      // a named pipe or a device would block or never end
      throw new ManifestException(file + ": cannot read: not a regular file");
    }
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
  }

  private static ManifestException cannotRead(Path fallback, IOException e) {
    String where = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : fallback.toString();
    String why;
    if (e instanceof NoSuchFileException) {
      why = "no such file (a link to a file that is gone?)";
    } else if (e instanceof AccessDeniedException) {
      why = "permission denied";
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      why = f.getReason();
    } else {
      why = String.valueOf(e.getMessage());
    }
    return new ManifestException(where + ": cannot read: " + why);
  }

  private static void readDocuments(Path file, String text, List<CheckReport.Item> items) throws ManifestException {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
      int index = 0;
      // hasNextValue, unlike hasNext, reports a syntax error as the checked IOException
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        index++;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!doc.isObject()) {
          throw new ManifestException(file + ": document " + index
              + " is not a Kubernetes object (a mapping with apiVersion, kind, metadata)");
        }
        if (!"SendingIp".equals(doc.path("kind").asText())) {
          continue;
        }
        String apiVersion = doc.path("apiVersion").asText();
        if (apiVersion.startsWith(SendingIp.GROUP + "/") && !apiVersion.equals(API_VERSION)) {
          throw new ManifestException(file + ": document " + index + ": apiVersion " + apiVersion
              + " is not served; a SendingIp is " + API_VERSION);
        }
        if (!apiVersion.equals(API_VERSION)) {
          continue;
        }
        items.add(item(file, index, doc));
      }
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ManifestException(file + ": not valid YAML" + at + ": " + yamlProblem(e));
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
  }

  /** The parser's complaint in one line: SnakeYAML's own words where it found the fault, without its excerpt. */
  private static String yamlProblem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      return marked.getProblem() + (marked.getContext() == null ? "" : " (" + marked.getContext() + ")");
    }
    String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
    return EVENT.matcher(first).replaceAll(m -> m.group(1).toLowerCase(java.util.Locale.ROOT));
  }

  private static CheckReport.Item item(Path file, int index, JsonNode doc) throws ManifestException {
    String name = doc.path("metadata").path("name").asText("document " + index);
    String namespace = doc.path("metadata").path("namespace").asText("");
    String label = file + ": " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    JsonNode spec = doc.path("spec");
    try {
      String ip = text(spec, "ip");
      if (ip == null) {
        throw new IllegalArgumentException("spec.ip is required");
      }
      return new CheckReport.Item(label, VerificationRequest.of(ip, text(spec, "hostname"), text(spec, "domain")),
          namespace, name);
    } catch (IllegalArgumentException e) {
      throw new ManifestException(label + ": " + e.getMessage());
    }
  }

  /** A spec field's text, null when absent. */
  private static String text(JsonNode spec, String field) {
    JsonNode node = spec.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode() || node.isBinary()) {
      throw new IllegalArgumentException("spec." + field + " must be a string");
    }
    return node.asText();
  }
}
