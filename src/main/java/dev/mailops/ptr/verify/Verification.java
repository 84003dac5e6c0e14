package dev.mailops.ptr.verify;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one verification.
 *
 * @param ip the verified IP
 * @param reverseName {@link ReverseNames#of(InetAddress)}
 * @param desiredHostname the requested PTR target, normalised
 * @param domain the requested sending domain, normalised
 * @param iprev RFC 8601 iprev over all (first maxForwardNames) PTR names
 * @param ptrNames normalised PTR names in answer order, deduplicated, at most {@link
 *     Verifier#MAX_PTR_NAMES}; empty on temporary failure
 * @param forwardName the name whose forward lookup is reported: the PTR name equal to the desired
 *     hostname, else the first PTR name, else the desired hostname; null when there is none
 * @param forwardAddresses what forwardName resolves to (A for IPv4, AAAA for IPv6, CNAMEs followed);
 *     empty when it does not resolve or the lookup failed
 * @param desiredHostnameForward whether the desired hostname resolves to the IP: PASS, FAIL,
 *     UNKNOWN (temporary failure), or NONE when no hostname was requested
 * @param verdicts one verdict for every {@link Check}
 * @param checkedAt when the verification finished
 */
public record Verification(
    InetAddress ip,
    String reverseName,
    Optional<String> desiredHostname,
    Optional<String> domain,
    Iprev iprev,
    List<String> ptrNames,
    String forwardName,
    List<InetAddress> forwardAddresses,
    Outcome desiredHostnameForward,
    Map<Check, Verdict> verdicts,
    Instant checkedAt) {

  public Verification {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(reverseName, "reverseName");
    Objects.requireNonNull(desiredHostname, "desiredHostname");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(iprev, "iprev");
    ptrNames = List.copyOf(ptrNames);
    forwardAddresses = List.copyOf(forwardAddresses);
    Objects.requireNonNull(desiredHostnameForward, "desiredHostnameForward");
    EnumMap<Check, Verdict> copy = new EnumMap<>(Check.class);
    copy.putAll(verdicts);
    for (Check c : Check.values()) {
      if (!copy.containsKey(c)) {
        throw new IllegalArgumentException("missing verdict for " + c);
      }
    }
    verdicts = Collections.unmodifiableMap(copy);
    Objects.requireNonNull(checkedAt, "checkedAt");
  }

  /** The verdict of one check. */
  public Verdict verdict(Check check) {
    return verdicts.get(check);
  }

  /** Whether any verdict is UNKNOWN (a temporary DNS failure prevented a decision). */
  public boolean temporaryFailure() {
    return verdicts.values().stream().anyMatch(v -> v.outcome() == Outcome.UNKNOWN);
  }

  /** Whether every verdict is PASS. */
  public boolean compliant() {
    return verdicts.values().stream().allMatch(v -> v.outcome() == Outcome.PASS);
  }
}
