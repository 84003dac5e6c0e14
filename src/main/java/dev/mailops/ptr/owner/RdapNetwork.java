package dev.mailops.ptr.owner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of an RDAP IP network object (RFC 9083 section 5.4) an owner is made from.
 *
 * @param range from startAddress/endAddress, else the NRO cidr0 extension's {@code cidr0_cidrs}
 * @param selfLink the {@code links} entry with rel "self", which a person can open
 */
public record RdapNetwork(String handle, String name, IpRange range, String country, List<Entity> entities,
    String selfLink) {

  /** An RDAP entity (RFC 9083 section 5.1) with its roles, jCard and nested entities. */
  public record Entity(String handle, List<String> roles, JCard card, List<Entity> entities) {}

  /**
   * Reads an IP network response.
   *
   * @throws IllegalArgumentException when it is not an "ip network" object holding {@code ip}
   */
  public static RdapNetwork parse(JsonNode json, InetAddress ip) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("the answer is not a JSON object");
    }
    String objectClass = text(json, "objectClassName");
    if (objectClass != null && !objectClass.equals("ip network")) {
      throw new IllegalArgumentException("the answer is an RDAP '" + objectClass + "', not an 'ip network'");
    }
    IpRange range = range(json);
    if (range == null) {
      throw new IllegalArgumentException("the answer gives no address range (startAddress/endAddress or cidr0_cidrs)");
    }
    if (!range.contains(ip)) {
      throw new IllegalArgumentException("the answer's network " + range + " does not hold " + IpAddresses.format(ip));
    }
    return new RdapNetwork(text(json, "handle"), text(json, "name"), range, text(json, "country"),
        entities(json.get("entities"), 0), selfLink(json));
  }

  private static IpRange range(JsonNode json) {
    String start = text(json, "startAddress");
    String end = text(json, "endAddress");
    try {
      if (start != null && end != null) {
        return IpRange.between(start, end);
      }
      JsonNode cidrs = json.get("cidr0_cidrs");
      if (cidrs != null && cidrs.isArray() && cidrs.size() > 0) {
        JsonNode first = cidrs.get(0);
        String prefix = first.hasNonNull("v4prefix") ? text(first, "v4prefix") : text(first, "v6prefix");
        if (prefix != null && first.hasNonNull("length")) {
          return IpRange.parseCidr(prefix + "/" + first.get("length").asInt());
        }
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  /** Entities nest (an abuse contact inside the registrant); a depth bound keeps a hostile answer harmless. */
  private static List<Entity> entities(JsonNode array, int depth) {
    if (array == null || !array.isArray() || depth > 4) {
      return List.of();
    }
    List<Entity> result = new ArrayList<>();
    for (JsonNode e : array) {
      if (!e.isObject()) {
        continue;
      }
      List<String> roles = new ArrayList<>();
      JsonNode r = e.get("roles");
      if (r != null && r.isArray()) {
        r.forEach(role -> roles.add(role.asText()));
      }
      result.add(new Entity(text(e, "handle"), List.copyOf(roles), JCard.parse(e.get("vcardArray")),
          entities(e.get("entities"), depth + 1)));
    }
    return List.copyOf(result);
  }

  private static String selfLink(JsonNode json) {
    JsonNode links = json.get("links");
    if (links != null && links.isArray()) {
      for (JsonNode link : links) {
        if ("self".equals(text(link, "rel")) && text(link, "href") != null) {
          return text(link, "href");
        }
      }
    }
    return null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isValueNode() && !value.isNull() && !value.asText().isBlank()
        ? value.asText().trim() : null;
  }

  /** The first entity with this role, searching nested entities depth-first. */
  public Optional<Entity> withRole(String role) {
    return find(entities, role);
  }

  private static Optional<Entity> find(List<Entity> list, String role) {
    for (Entity e : list) {
      if (e.roles().contains(role)) {
        return Optional.of(e);
      }
    }
    for (Entity e : list) {
      Optional<Entity> nested = find(e.entities(), role);
      if (nested.isPresent()) {
        return nested;
      }
    }
    return Optional.empty();
  }

  /** The registrant's name, else the network's name or handle. */
  public String holderName() {
    return withRole("registrant").map(e -> e.card().displayName()).filter(n -> n != null)
        .orElse(name != null ? name : handle);
  }

  /** Abuse contact first (it is who answers about an IP), then technical, then the registrant's own address. */
  public String contact() {
    for (String role : List.of("abuse", "technical", "noc", "registrant", "administrative")) {
      Optional<String> email = withRole(role).flatMap(e -> e.card().emails().stream().findFirst());
      if (email.isPresent()) {
        return email.get();
      }
    }
    return null;
  }
}
