package dev.mailops.ptr.status;

import dev.mailops.ptr.verify.authority.AuthoritativeView;
import dev.mailops.ptr.verify.authority.ServerAnswer;
import dev.mailops.ptr.verify.authority.ZoneView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rule of the AuthoritativeConsistent condition, from what every authoritative server answered. In order, the
 * first that holds in any zone decides:
 * <ol>
 *   <li>False {@code SecondaryBehind}: a server's SOA serial is behind the primary's (SOA MNAME, else the highest
 *       seen), whether or not its answer already differs;
 *   <li>False {@code ServersDisagree}: servers at the same serial give different answers;
 *   <li>False {@code LameDelegation}: a listed server refuses the zone (REFUSED, NOTAUTH), answers without
 *       authority (no AA), or its NS name does not exist;
 *   <li>Unknown {@code AuthorityUnknown}: the zone or its servers could not be found through the resolvers;
 *   <li>Unknown {@code ServerUnreachable}: a server did not answer (timeout, network error, SERVFAIL). Never False:
 *       it may be temporary, and a server that stays silent is reported so at every check;
 *   <li>True {@code ServersAgree}.
 * </ol>
 */
final class AuthoritativeRule {
  private static final int MAX_LISTED = 4;

  record Result(String status, String reason, String message) {}

  private AuthoritativeRule() {}

  static Result judge(AuthoritativeView view) {
    for (ZoneView z : view.zones()) {
      List<ServerAnswer> behind = z.behind();
      if (!behind.isEmpty()) {
        return new Result(Conditions.FALSE, "SecondaryBehind", behindMessage(z, behind));
      }
    }
    for (ZoneView z : view.zones()) {
      if (!z.disagreeing().isEmpty()) {
        return new Result(Conditions.FALSE, "ServersDisagree", "The authoritative servers of " + z.zone()
            + " disagree on " + z.name() + "/" + z.type() + ": " + answers(z)
            + ". Resolvers hand out whichever answer the server they ask gives: correct the zone on the servers "
            + "that differ");
      }
    }
    for (ZoneView z : view.zones()) {
      if (!z.lame().isEmpty()) {
        return new Result(Conditions.FALSE, "LameDelegation", listed(z.lame(), s -> s.label() + ": " + s.detail())
            + (z.lame().size() == 1 ? " is" : " are") + " listed as a server of " + z.zone()
            + " but does not serve it. Resolvers that ask it get no answer and must try another server: remove it "
            + "from the zone's NS records or make it serve the zone");
      }
    }
    for (ZoneView z : view.zones()) {
      if (z.problem() != null) {
        return new Result(Conditions.UNKNOWN, "AuthorityUnknown", "Could not find the authoritative servers for "
            + z.name() + " (" + z.problem() + "). The authoritative view is not available here; this says "
            + "nothing about what receivers see");
      }
    }
    for (ZoneView z : view.zones()) {
      if (!z.unreachable().isEmpty()) {
        return new Result(Conditions.UNKNOWN, "ServerUnreachable", listed(z.unreachable(),
            s -> s.label() + ": " + s.detail()) + " did not answer for " + z.zone()
            + "; this may be temporary, so it is asked again at the next check");
      }
    }
    return new Result(Conditions.TRUE, "ServersAgree", view.zones().stream()
        .map(z -> "all " + z.servers().size() + " authoritative servers of " + z.zone() + " answer "
            + z.referenceAnswer().orElse("?") + " for " + z.name() + "/" + z.type()
            + z.referenceSerial().map(serial -> " (serial " + serial + ")").orElse(""))
        .collect(Collectors.joining("; ")).transform(StatusAggregator.Messages::capitalise));
  }

  private static String behindMessage(ZoneView z, List<ServerAnswer> behind) {
    long reference = z.referenceSerial().orElseThrow();
    String whose = z.primaryAnswer().isPresent() ? "the primary " + z.primary() + "'s serial " : "the highest serial ";
    List<ServerAnswer> different = z.disagreeing();
    String answers = different.isEmpty() ? "; its answer for " + z.name() + " is still the same"
        : "; " + answers(z) + ". Receivers whose resolver asks " + (behind.size() == 1 ? "it" : "them")
            + " see the old answer until the zone is transferred";
    return listed(behind, s -> s.label() + " has serial " + s.serial()) + ", behind " + whose + reference
        + " for " + z.zone() + answers;
  }

  /** "ns1.example.net (192.0.2.1) answers a.example; ns2... answers b.example". */
  private static String answers(ZoneView z) {
    Map<String, List<ServerAnswer>> byAnswer = new LinkedHashMap<>();
    for (ServerAnswer s : z.answered()) {
      byAnswer.computeIfAbsent(s.answer(), k -> new ArrayList<>()).add(s);
    }
    return byAnswer.entrySet().stream()
        .map(e -> listed(e.getValue(), s -> s.label() + (s.serial() == null ? "" : " at serial " + s.serial()))
            + " " + (e.getValue().size() == 1 ? "answers " : "answer ") + e.getKey())
        .collect(Collectors.joining("; "));
  }

  private static String listed(List<ServerAnswer> servers, java.util.function.Function<ServerAnswer, String> text) {
    String shown = servers.stream().limit(MAX_LISTED).map(text).collect(Collectors.joining(", "));
    return servers.size() > MAX_LISTED ? shown + " and " + (servers.size() - MAX_LISTED) + " more" : shown;
  }
}
