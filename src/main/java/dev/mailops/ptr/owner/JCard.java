package dev.mailops.ptr.owner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The few jCard (RFC 7095) properties an owner needs, read leniently: a jCard is {@code ["vcard", [property...]]}
 * and each property is {@code [name, {parameters}, type, value...]}, where a structured value is itself an array.
 *
 * @param fn the formatted name, if any
 * @param org the organisation name (structured values joined with ", "), if any
 * @param kind individual, org, group or location, if given
 * @param emails e-mail addresses in the order given
 */
public record JCard(String fn, String org, String kind, List<String> emails) {

  static final JCard EMPTY = new JCard(null, null, null, List.of());

  /** Parses a vcardArray; anything not shaped like a jCard gives {@link #EMPTY}, never an exception. */
  public static JCard parse(JsonNode vcardArray) {
    if (vcardArray == null || !vcardArray.isArray() || vcardArray.size() < 2
        || !"vcard".equals(vcardArray.get(0).asText()) || !vcardArray.get(1).isArray()) {
      return EMPTY;
    }
    String fn = null;
    String org = null;
    String kind = null;
    List<String> emails = new ArrayList<>();
    for (JsonNode property : vcardArray.get(1)) {
      if (!property.isArray() || property.size() < 4 || !property.get(0).isTextual()) {
        continue;
      }
      String value = valueOf(property);
      if (value == null || value.isBlank()) {
        continue;
      }
      switch (property.get(0).asText().toLowerCase(Locale.ROOT)) {
        case "fn" -> fn = fn == null ? value : fn;
        case "org" -> org = org == null ? value : org;
        case "kind" -> kind = kind == null ? value.toLowerCase(Locale.ROOT) : kind;
        case "email" -> emails.add(value);
        default -> { }
      }
    }
    return new JCard(fn, org, kind, List.copyOf(emails));
  }

  /** The value(s) after name, parameters and type: one text, several joined, or a structured array joined. */
  private static String valueOf(JsonNode property) {
    List<String> parts = new ArrayList<>();
    for (int i = 3; i < property.size(); i++) {
      collect(property.get(i), parts);
    }
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private static void collect(JsonNode value, List<String> parts) {
    if (value.isArray()) {
      value.forEach(v -> collect(v, parts));
    } else if (value.isValueNode() && !value.isNull() && !value.asText().isBlank()) {
      parts.add(value.asText().trim());
    }
  }

  /** The name to show: the organisation, else the formatted name. */
  public String displayName() {
    return org != null ? org : fn;
  }
}
