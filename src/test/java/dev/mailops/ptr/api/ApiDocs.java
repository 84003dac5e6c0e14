package dev.mailops.ptr.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The generated part of docs/api.md: a field table and the printer columns of each CRD in {@code crds/}, between
 * {@code <!-- BEGIN GENERATED ... -->} and {@code <!-- END GENERATED -->}. {@code main} rewrites it (as
 * {@code make crds} does), {@link ApiDocsTest} fails when it drifts from the CRDs.
 */
public final class ApiDocs {
  public static final Path FILE = Path.of("docs/api.md");
  static final String BEGIN = "<!-- BEGIN GENERATED from crds/*.yaml by dev.mailops.ptr.api.ApiDocs; `make crds` rewrites it -->";
  static final String END = "<!-- END GENERATED -->";

  private ApiDocs() {}

  public static void main(String[] args) throws IOException {
    Files.writeString(FILE, withGenerated(Files.readString(FILE)));
  }

  /** {@code doc} with its generated section replaced by what the CRDs say now. */
  static String withGenerated(String doc) throws IOException {
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException(FILE + " lacks the markers " + BEGIN + " ... " + END);
    }
    return doc.substring(0, begin) + BEGIN + "\n" + generated() + END + doc.substring(end + END.length());
  }

  static String generated() throws IOException {
    StringBuilder out = new StringBuilder();
    for (String name : CrdFiles.NAMES) {
      CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CrdFiles.committed(name)),
          CustomResourceDefinition.class);
      CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
      out.append("\n### ").append(crd.getSpec().getNames().getKind()).append(" fields (")
          .append(crd.getSpec().getGroup()).append('/').append(version.getName()).append(", ")
          .append(crd.getSpec().getScope().toLowerCase()).append(")\n\n");
      out.append("| field | type | required | validation | description |\n|---|---|---|---|---|\n");
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      for (String top : List.of("spec", "status")) {
        JSONSchemaProps schema = root.getProperties().get(top);
        if (schema != null) {
          rows(out, top, schema, root.getRequired() != null && root.getRequired().contains(top));
        }
      }
      out.append("\nPrinter columns (`kubectl get ").append(crd.getSpec().getNames().getPlural())
          .append("`; priority 1 only with `-o wide`):\n\n| column | JSON path | priority |\n|---|---|---|\n");
      for (CustomResourceColumnDefinition column : version.getAdditionalPrinterColumns()) {
        out.append("| ").append(column.getName().toUpperCase()).append(" | `").append(cell(column.getJsonPath()))
            .append("` | ").append(column.getPriority() == null ? 0 : column.getPriority()).append(" |\n");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static void rows(StringBuilder out, String path, JSONSchemaProps schema, boolean required) {
    out.append("| `").append(path).append("` | ").append(type(schema)).append(" | ").append(required ? "yes" : "")
        .append(" | ").append(validation(schema)).append(" | ")
        .append(schema.getDescription() == null ? "" : cell(schema.getDescription())).append(" |\n");
    if (schema.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> child : schema.getProperties().entrySet()) {
        boolean childRequired = schema.getRequired() != null && schema.getRequired().contains(child.getKey());
        rows(out, path + "." + child.getKey(), child.getValue(), childRequired);
      }
    }
    JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
    if (items != null && hasProperties(items) && !path.endsWith(".conditions")) {
      for (Map.Entry<String, JSONSchemaProps> child : items.getProperties().entrySet()) {
        boolean childRequired = items.getRequired() != null && items.getRequired().contains(child.getKey());
        rows(out, path + "[]." + child.getKey(), child.getValue(), childRequired);
      }
    }
  }

  private static String type(JSONSchemaProps schema) {
    if ("array".equals(schema.getType()) && schema.getItems() != null && schema.getItems().getSchema() != null) {
      JSONSchemaProps items = schema.getItems().getSchema();
      return hasProperties(items) ? "list of objects" : "list of " + items.getType();
    }
    return schema.getType() == null ? "" : schema.getType();
  }

  private static String validation(JSONSchemaProps schema) {
    List<String> rules = new ArrayList<>();
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      rules.add("one of " + String.join(", ", schema.getEnum().stream().map(e -> "`" + e.asText() + "`").toList()));
    }
    if (schema.getDefault() != null) {
      rules.add("default `" + schema.getDefault().asText() + "`");
    }
    if (schema.getMinLength() != null) {
      rules.add("min length " + schema.getMinLength());
    }
    if (schema.getMaxLength() != null) {
      rules.add("max length " + schema.getMaxLength());
    }
    if (schema.getMinItems() != null) {
      rules.add("at least " + schema.getMinItems() + " item(s)");
    }
    if (schema.getMaxItems() != null) {
      rules.add("at most " + schema.getMaxItems() + " items");
    }
    if (schema.getMinimum() != null) {
      rules.add("min " + schema.getMinimum());
    }
    if (schema.getMaximum() != null) {
      rules.add("max " + schema.getMaximum());
    }
    if (schema.getPattern() != null) {
      rules.add("pattern `" + cell(schema.getPattern()) + "`");
    }
    JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
    if (items != null && !hasProperties(items)) {
      if (items.getMaxLength() != null) {
        rules.add("each at most " + items.getMaxLength() + " characters");
      }
      if (items.getPattern() != null) {
        rules.add("each matches `" + cell(items.getPattern()) + "`");
      }
    }
    if (schema.getXKubernetesValidations() != null) {
      for (ValidationRule rule : schema.getXKubernetesValidations()) {
        rules.add("CEL: " + cell(rule.getMessage() != null ? rule.getMessage() : "`" + rule.getRule() + "`"));
      }
    }
    return String.join("; ", rules);
  }

  private static boolean hasProperties(JSONSchemaProps schema) {
    return schema.getProperties() != null && !schema.getProperties().isEmpty();
  }

  /** Markdown table cell: no pipes or line breaks. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ").strip();
  }
}
