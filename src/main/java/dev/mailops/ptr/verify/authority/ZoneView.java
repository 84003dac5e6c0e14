package dev.mailops.ptr.verify.authority;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One question (name and type) asked of every authoritative server of the zone that holds the name, and the
 * comparison of their answers.
 *
 * @param zone the zone apex, no trailing dot (null when it could not be found)
 * @param name the name asked
 * @param type PTR, A or AAAA
 * @param primary the SOA MNAME, no trailing dot (null when unknown)
 * @param servers one answer per server address, in NS order
 * @param problem why the zone or its servers could not be found (null when they were)
 */
public record ZoneView(String zone, String name, String type, String primary, List<ServerAnswer> servers,
    String problem) {

  public ZoneView {
    servers = List.copyOf(servers);
  }

  /** The zone of {@code name} or its servers could not be found: nothing was compared. */
  public static ZoneView notFound(String name, String type, String problem) {
    return new ZoneView(null, name, type, null, List.of(), problem);
  }

  public List<ServerAnswer> answered() {
    return servers.stream().filter(s -> s.state() == ServerAnswer.State.ANSWERED).toList();
  }

  public List<ServerAnswer> lame() {
    return servers.stream().filter(s -> s.state() == ServerAnswer.State.LAME).toList();
  }

  public List<ServerAnswer> unreachable() {
    return servers.stream().filter(s -> s.state() == ServerAnswer.State.UNREACHABLE).toList();
  }

  /** The primary's own answer, when the primary is one of the servers asked and answered. */
  public Optional<ServerAnswer> primaryAnswer() {
    return answered().stream().filter(s -> s.server().equals(primary)).findFirst();
  }

  /**
   * The serial the others are measured against: the primary's (SOA MNAME) when it answered, else the highest one
   * seen (RFC 1982 order). Empty when no server gave one.
   */
  public Optional<Long> referenceSerial() {
    Optional<Long> fromPrimary = primaryAnswer().map(ServerAnswer::serial);
    if (fromPrimary.isPresent()) {
      return fromPrimary;
    }
    Long highest = null;
    for (ServerAnswer s : answered()) {
      if (s.serial() != null && (highest == null || Serials.before(highest, s.serial()))) {
        highest = s.serial();
      }
    }
    return Optional.ofNullable(highest);
  }

  /** Answering servers whose serial is behind the reference serial. */
  public List<ServerAnswer> behind() {
    Optional<Long> reference = referenceSerial();
    if (reference.isEmpty()) {
      return List.of();
    }
    return answered().stream().filter(s -> s.serial() != null && Serials.before(s.serial(), reference.get()))
        .toList();
  }

  /**
   * The answer the others are measured against: the primary's when it answered, else the one most servers gave
   * (the first in NS order on a tie).
   */
  public Optional<String> referenceAnswer() {
    Optional<String> fromPrimary = primaryAnswer().map(ServerAnswer::answer);
    if (fromPrimary.isPresent()) {
      return fromPrimary;
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ServerAnswer s : answered()) {
      counts.merge(s.answer(), 1, Integer::sum);
    }
    return counts.entrySet().stream().reduce((a, b) -> b.getValue() > a.getValue() ? b : a).map(Map.Entry::getKey);
  }

  /** Answering servers whose answer differs from the reference answer. */
  public List<ServerAnswer> disagreeing() {
    Optional<String> reference = referenceAnswer();
    List<ServerAnswer> out = new ArrayList<>();
    for (ServerAnswer s : answered()) {
      if (reference.isPresent() && !reference.get().equals(s.answer())) {
        out.add(s);
      }
    }
    return out;
  }

  /** Every server of the zone answered, all with the same answer. */
  public boolean unanimous() {
    return problem == null && !servers.isEmpty() && answered().size() == servers.size() && disagreeing().isEmpty();
  }
}
