package dev.mailops.ptr.status;

import dev.mailops.ptr.api.AuthoritativeStatus;
import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Check;
import dev.mailops.ptr.verify.Outcome;
import dev.mailops.ptr.verify.Reason;
import dev.mailops.ptr.verify.Verdict;
import dev.mailops.ptr.verify.Verification;
import dev.mailops.ptr.verify.authority.AuthoritativeView;
import io.fabric8.kubernetes.api.model.Condition;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Builds every status condition of a SendingIp from one verification, the provider's state and the duplicate-IP
 * check: the checks, ProviderSynced, Ready, and kstatus's Reconciling and Stalled. The cluster and the {@code check}
 * command both use it, so they cannot disagree.
 */
public final class StatusAggregator {

  /**
   * Everything a status is made from. {@code duplicateOf} names who claims the IP first (as
   * {@link ClaimOrder#describeWinner} words it) when this SendingIp loses the claim; {@code owner} is owner
   * discovery's latest answer (null when off): it goes into status.owner and names the owner in the messages, and
   * never changes a condition's status or reason.
   */
  public record Input(Verification verification, long generation, ProviderSync provider,
      Optional<String> duplicateOf, SendingIpStatus previous, Instant now, OwnerStatus owner,
      Authoritative authoritative) {

    /** Without the authoritative check. */
    public Input(Verification verification, long generation, ProviderSync provider, Optional<String> duplicateOf,
        SendingIpStatus previous, Instant now, OwnerStatus owner) {
      this(verification, generation, provider, duplicateOf, previous, now, owner, Authoritative.OFF);
    }

    /** Without owner discovery. */
    public Input(Verification verification, long generation, ProviderSync provider, Optional<String> duplicateOf,
        SendingIpStatus previous, Instant now) {
      this(verification, generation, provider, duplicateOf, previous, now, null);
    }
  }

  /**
   * The authoritative check's part of a status: off (no condition, no status.authoritative), not due this time
   * (the last ones are kept), or a fresh view.
   */
  public record Authoritative(boolean enabled, AuthoritativeView view) {
    public static final Authoritative OFF = new Authoritative(false, null);
    public static final Authoritative KEEP_LAST = new Authoritative(true, null);

    public static Authoritative of(AuthoritativeView view) {
      return new Authoritative(true, java.util.Objects.requireNonNull(view, "view"));
    }
  }

  public SendingIpStatus aggregate(Input in) {
    Verification v = in.verification();
    Collection<Condition> previousConditions = in.previous() == null ? List.of() : in.previous().getConditions();
    boolean previousIsCurrent = in.previous() != null
        && Long.valueOf(in.generation()).equals(in.previous().getObservedGeneration());

    List<Condition> conditions = new ArrayList<>();
    for (Check check : Check.values()) {
      ConditionType type = typeOf(check);
      Verdict verdict = v.verdicts().get(check);
      boolean ptrUnknown = v.verdicts().get(Check.PTR_PRESENT).outcome() == Outcome.UNKNOWN;
      Optional<Condition> kept = Conditions.find(previousConditions, type.type());
      if (check == Check.HOSTNAME_MEANINGFUL && ptrUnknown && previousIsCurrent && kept.isPresent()) {
        // Without the PTR names only half of the judgement is possible: keep the last full one.
        conditions.add(kept.get());
        continue;
      }
      conditions.add(Conditions.transition(previousConditions, type.type(), statusOf(verdict.outcome()),
          verdict.reason().camelCase(), Messages.forVerdict(check, verdict, v, in.owner()), in.generation(), in.now()));
    }
    ProviderSync provider = in.provider();
    conditions.add(Conditions.transition(previousConditions, ConditionType.PROVIDER_SYNCED.type(), provider.status(),
        provider.reason(), provider.message(), in.generation(), in.now()));
    Condition ready = ready(conditions, in, previousConditions);
    conditions.add(ready);
    conditions.addAll(Conditions.kstatus(previousConditions, ready, progress(in), in.generation(), in.now()));
    // after Ready on purpose: Ready is what receivers' resolvers see; the authoritative view never changes it
    AuthoritativeStatus authoritative = null;
    if (in.authoritative().enabled() && in.authoritative().view() != null) {
      AuthoritativeView view = in.authoritative().view();
      AuthoritativeRule.Result rule = AuthoritativeRule.judge(view);
      conditions.add(Conditions.transition(previousConditions, ConditionType.AUTHORITATIVE_CONSISTENT.type(),
          rule.status(), rule.reason(), rule.message(), in.generation(), in.now()));
      authoritative = AuthoritativeStatuses.of(view);
    } else if (in.authoritative().enabled()) {
      Conditions.find(previousConditions, ConditionType.AUTHORITATIVE_CONSISTENT.type()).ifPresent(conditions::add);
      authoritative = in.previous() == null ? null : in.previous().getAuthoritative();
    }

    SendingIpStatus status = new SendingIpStatus();
    status.setObservedGeneration(in.generation());
    status.setIprev(v.iprev().value());
    status.setConditions(conditions);
    status.setProvider(provider.state());
    status.setOwner(in.owner());
    status.setAuthoritative(authoritative);
    // A temporary failure says nothing new about what its own lookup would have found: keep that field's last
    // value, and only that one, so a fresh PTR answer is never shown beside stale data (or the reverse).
    boolean keepPtrNames = previousIsCurrent && unknown(v, Check.PTR_PRESENT);
    status.setPtrNames(keepPtrNames ? in.previous().getPtrNames() : List.copyOf(v.ptrNames()));
    // The last forward addresses belong to the last forward name: keep them only while the PTR names are the same.
    boolean keepForward = previousIsCurrent && unknown(v, Check.FORWARD_CONFIRMED)
        && java.util.Objects.equals(status.getPtrNames(), in.previous().getPtrNames());
    status.setForwardAddresses(keepForward ? in.previous().getForwardAddresses()
        : v.forwardAddresses().stream().map(IpAddresses::format).toList());
    return status;
  }

  private static boolean unknown(Verification v, Check check) {
    return v.verdict(check).outcome() == Outcome.UNKNOWN;
  }

  /**
   * What will change without anyone acting, if anything: the provider applying an update or backing off a temporary
   * failure. A temporary DNS failure makes Ready Unknown, which Conditions.kstatus reads as under way by itself. A
   * losing duplicate claim never is: only a person can settle it.
   */
  private static Optional<Conditions.Progress> progress(Input in) {
    ProviderSync provider = in.provider();
    if (in.duplicateOf().isPresent() || !provider.underWay()) {
      return Optional.empty();
    }
    return Optional.of(new Conditions.Progress(provider.reason(), provider.message()));
  }

  private Condition ready(List<Condition> conditions, Input in, Collection<Condition> previous) {
    String type = ConditionType.READY.type();
    if (in.duplicateOf().isPresent()) {
      return Conditions.transition(previous, type, Conditions.FALSE, "DuplicateIp",
          Messages.capitalise(in.duplicateOf().get()) + " claims " + IpAddresses.format(in.verification().ip())
              + " first; only the first claim of an IP is verified and set: delete one of the two",
          in.generation(), in.now());
    }
    Optional<Condition> firstFalse = conditions.stream().filter(c -> Conditions.FALSE.equals(c.getStatus())).findFirst();
    if (firstFalse.isPresent()) {
      return Conditions.transition(previous, type, Conditions.FALSE, firstFalse.get().getReason(),
          firstFalse.get().getMessage(), in.generation(), in.now());
    }
    Optional<Condition> firstUnknown =
        conditions.stream().filter(c -> Conditions.UNKNOWN.equals(c.getStatus())).findFirst();
    if (firstUnknown.isPresent()) {
      return Conditions.transition(previous, type, Conditions.UNKNOWN, firstUnknown.get().getReason(),
          firstUnknown.get().getMessage(), in.generation(), in.now());
    }
    return Conditions.transition(previous, type, Conditions.TRUE, "Compliant",
        Messages.compliant(in.verification()), in.generation(), in.now());
  }

  static ConditionType typeOf(Check check) {
    return switch (check) {
      case PTR_PRESENT -> ConditionType.PTR_PRESENT;
      case SINGLE_PTR -> ConditionType.SINGLE_PTR;
      case PTR_MATCHES_HOSTNAME -> ConditionType.PTR_MATCHES_HOSTNAME;
      case FORWARD_CONFIRMED -> ConditionType.FORWARD_CONFIRMED;
      case HOSTNAME_MEANINGFUL -> ConditionType.HOSTNAME_MEANINGFUL;
    };
  }

  private static String statusOf(Outcome outcome) {
    return switch (outcome) {
      case PASS -> Conditions.TRUE;
      case FAIL -> Conditions.FALSE;
      case UNKNOWN, NONE -> Conditions.UNKNOWN;
    };
  }

  /** The words users read: what is wrong and what to do. */
  static final class Messages {
    private Messages() {}

    static String forVerdict(Check check, Verdict verdict, Verification v, OwnerStatus owner) {
      String ip = IpAddresses.format(v.ip());
      String wanted = v.desiredHostname().orElse(null);
      String recordType = v.ip() instanceof java.net.Inet6Address ? "AAAA" : "A";
      Reason reason = verdict.reason();
      return switch (reason) {
        case DNS_TEMPORARY_FAILURE -> "DNS could not answer (" + verdict.detail()
            + "). A temporary failure says nothing about compliance: the last known result stands until DNS answers again";
        case NO_PTR_RECORD -> check == Check.FORWARD_CONFIRMED ? capitalise(verdict.detail())
            : "No PTR record for " + ip + " (" + v.reverseName() + "). " + OwnerWords.ask(ip, owner,
                "(cloud, hoster or ISP) to set its PTR to ", "Set its PTR to ",
                wanted != null ? wanted : "a hostname of yours that resolves back to " + ip);
        case MULTIPLE_PTR_RECORDS -> ip + " has " + v.ptrNames().size() + " PTR records (" + shortList(v.ptrNames())
            + "); receivers expect exactly one. " + OwnerWords.ask(ip, owner, "to keep only ", "Keep only ",
                wanted != null ? wanted : "one of them");
        case PTR_MISMATCH -> "The PTR of " + ip + " is " + shortList(v.ptrNames()) + ", not " + wanted
            + ". " + OwnerWords.ask(ip, owner, "to change it to ", "Change its PTR to ", wanted);
        case NO_FORWARD_RECORD -> v.forwardName() == null ? "There is no name to resolve forward for " + ip
            : v.forwardName() + " has no " + recordType + " record, so reverse DNS is not forward-confirmed. Create "
                + v.forwardName() + ". " + recordType + " " + ip;
        case FORWARD_MISMATCH -> v.forwardName() + " resolves to " + addresses(v) + ", not " + ip
            + ". Add " + v.forwardName() + ". " + recordType + " " + ip + " so the PTR is forward-confirmed";
        // the detail names the rule that fired and what a chosen name looks like (HostnameJudge)
        case GENERIC_HOSTNAME -> capitalise(verdict.detail()) + ". Receivers treat such names as dynamic or "
            + "unmanaged (SpamAssassin RDNS_DYNAMIC, Haraka fcrdns generic_rdns)";
        case DOMAIN_MISMATCH -> capitalise(verdict.detail()) + ". Use a hostname under "
            + v.domain().orElse("the sending domain");
        case NO_HOSTNAME_REQUESTED -> "No hostname requested: any single PTR is accepted";
        case PTR_FOUND -> "PTR for " + ip + ": " + shortList(v.ptrNames());
        case SINGLE_PTR_RECORD -> "Exactly one PTR record";
        case PTR_MATCHES -> "The PTR names " + wanted;
        case FORWARD_CONFIRMED -> v.forwardName() + " resolves back to " + ip;
        case HOSTNAME_MEANINGFUL -> "The hostname looks chosen, not generated"
            + v.domain().map(d -> ", and belongs to " + d).orElse("");
      };
    }

    static String compliant(Verification v) {
      return IpAddresses.format(v.ip()) + " has one PTR, " + v.ptrNames().get(0)
          + ", that resolves back to it (iprev=pass)";
    }

    private static String shortList(List<String> names) {
      if (names.isEmpty()) {
        return "none";
      }
      String shown = String.join(", ", names.subList(0, Math.min(5, names.size())));
      return names.size() > 5 ? shown + ", ... (" + names.size() + " in all)" : shown;
    }

    private static String addresses(Verification v) {
      return v.forwardAddresses().stream().map(IpAddresses::format).limit(5).toList().toString();
    }

    static String capitalise(String s) {
      return s == null || s.isEmpty() ? "The hostname is not acceptable" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
  }
}
