package dev.mailops.ptr.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.verify.Check;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Iprev;
import dev.mailops.ptr.verify.Outcome;
import dev.mailops.ptr.verify.Reason;
import dev.mailops.ptr.verify.Verdict;
import dev.mailops.ptr.verify.Verification;
import io.fabric8.kubernetes.api.model.Condition;
import java.net.InetAddress;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-28T11:00:00Z");
  private final StatusAggregator aggregator = new StatusAggregator();

  @Test
  void compliantVerificationMakesEveryConditionTrueAndReadyCompliant() {
    SendingIpStatus status = aggregate(compliant(), null, T0);
    assertThat(status.getConditions()).extracting(Condition::getType).containsExactly("PtrPresent", "SinglePtr",
        "PtrMatchesHostname", "ForwardConfirmed", "HostnameMeaningful", "ProviderSynced", "Ready");
    assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(ready(status).getReason()).isEqualTo("Compliant");
    assertThat(status.getIprev()).isEqualTo("pass");
    assertThat(status.getPtrNames()).containsExactly("mail.example.com");
    assertThat(status.getForwardAddresses()).containsExactly("192.0.2.10");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void readyTakesTheFirstFalseConditionsReasonAndMessage() {
    Verification v = with(compliant(), Iprev.PASS,
        Map.of(Check.PTR_MATCHES_HOSTNAME, new Verdict(Outcome.FAIL, Reason.PTR_MISMATCH, "PTR is x.example.com"),
            Check.HOSTNAME_MEANINGFUL, new Verdict(Outcome.FAIL, Reason.GENERIC_HOSTNAME, "looks generated")),
        List.of("x.example.com"));
    Condition ready = ready(aggregate(v, null, T0));
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("PtrMismatch");
    assertThat(ready.getMessage()).contains("The PTR of 192.0.2.10 is x.example.com, not mail.example.com")
        .contains("Ask the owner of this IP to change it to mail.example.com");
  }

  @Test
  void noPtrMessageSaysWhatToAskTheOwnerOfTheIpFor() {
    Verdict none = new Verdict(Outcome.FAIL, Reason.NO_PTR_RECORD, "no PTR record for 192.0.2.10 (NXDOMAIN)");
    Verification v = with(compliant(), Iprev.PERMERROR, Map.of(Check.PTR_PRESENT, none, Check.SINGLE_PTR, none,
        Check.PTR_MATCHES_HOSTNAME, none, Check.FORWARD_CONFIRMED, none), List.of());
    Condition ready = ready(aggregate(v, null, T0));
    assertThat(ready.getReason()).isEqualTo("NoPtrRecord");
    assertThat(ready.getMessage()).isEqualTo("No PTR record for 192.0.2.10 (10.2.0.192.in-addr.arpa). Ask the owner "
        + "of this IP (cloud, hoster or ISP) to set its PTR to mail.example.com");
  }

  @Test
  void lastTransitionTimeIsKeptWhileStatusStaysAndMovesWhenItFlips() {
    SendingIpStatus first = aggregate(compliant(), null, T0);
    SendingIpStatus same = aggregate(compliant(), first, T1);
    assertThat(ready(same).getLastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(same.sameObservationAs(first)).isTrue();

    Verification mismatch = with(compliant(), Iprev.PASS,
        Map.of(Check.PTR_MATCHES_HOSTNAME, new Verdict(Outcome.FAIL, Reason.PTR_MISMATCH, "x")),
        List.of("x.example.com"));
    SendingIpStatus flipped = aggregate(mismatch, same, T1);
    assertThat(ready(flipped).getLastTransitionTime()).isEqualTo("2026-11-28T11:00:00Z");
    assertThat(condition(flipped, "PtrPresent").getLastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(flipped.sameObservationAs(same)).isFalse();
  }

  @Test
  void temporaryFailureTurnsTrueIntoUnknownNeverFalseAndKeepsLastKnownData() {
    SendingIpStatus good = aggregate(compliant(), null, T0);
    Verdict temp = new Verdict(Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE, "SERVFAIL from 127.0.0.1:53");
    Verification outage = with(compliant(), Iprev.TEMPERROR, Map.of(Check.PTR_PRESENT, temp, Check.SINGLE_PTR, temp,
        Check.PTR_MATCHES_HOSTNAME, temp, Check.FORWARD_CONFIRMED, temp), List.of());
    SendingIpStatus during = aggregate(outage, good, T1);

    assertThat(during.getConditions()).noneMatch(c -> c.getStatus().equals("False"));
    assertThat(ready(during).getStatus()).isEqualTo("Unknown");
    assertThat(ready(during).getReason()).isEqualTo("DnsTemporaryFailure");
    assertThat(ready(during).getMessage()).contains("SERVFAIL from 127.0.0.1:53").contains("says nothing about compliance");
    assertThat(during.getIprev()).isEqualTo("temperror");
    assertThat(during.getPtrNames()).containsExactly("mail.example.com");
    assertThat(during.getForwardAddresses()).containsExactly("192.0.2.10");
    assertThat(condition(during, "HostnameMeaningful")).isEqualTo(condition(good, "HostnameMeaningful"));
  }

  @Test
  void newPtrAnswerIsShownEvenWhenOnlyTheForwardLookupFailedTemporarily() {
    SendingIpStatus good = aggregate(compliant(), null, T0);
    Verdict temp = new Verdict(Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE, "no answer for x.example.com/A");
    Verification forwardTimedOut = with(compliant(), Iprev.TEMPERROR,
        Map.of(Check.PTR_MATCHES_HOSTNAME, new Verdict(Outcome.FAIL, Reason.PTR_MISMATCH, "PTR is x.example.com"),
            Check.FORWARD_CONFIRMED, temp), List.of("x.example.com"));
    SendingIpStatus during = aggregate(forwardTimedOut, good, T1);

    // the conditions, ptrNames (the PTR column) and forwardAddresses tell one story: the new PTR, whose forward
    // addresses are not known yet (the old ones belong to the old name)
    assertThat(condition(during, "PtrMatchesHostname").getMessage()).contains("is x.example.com, not mail.example.com");
    assertThat(during.getPtrNames()).containsExactly("x.example.com");
    assertThat(during.getForwardAddresses()).isEmpty();
  }

  @Test
  void forwardAddressesAreKeptWhenOnlyTheForwardLookupOfTheSamePtrFailedTemporarily() {
    SendingIpStatus good = aggregate(compliant(), null, T0);
    Verdict temp = new Verdict(Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE, "no answer for mail.example.com/A");
    Verification forwardTimedOut = with(compliant(), Iprev.TEMPERROR, Map.of(Check.FORWARD_CONFIRMED, temp),
        List.of("mail.example.com"));
    SendingIpStatus during = aggregate(forwardTimedOut, good, T1);

    assertThat(during.getPtrNames()).containsExactly("mail.example.com");
    assertThat(during.getForwardAddresses()).containsExactly("192.0.2.10");
  }

  @Test
  void duplicateClaimIsNotReadyNamingTheWinner() {
    SendingIpStatus status = aggregator.aggregate(new StatusAggregator.Input(compliant(), 1, ProviderSync.noProvider(),
        Optional.of("SendingIp mail/mx1"), null, T0));
    assertThat(ready(status).getStatus()).isEqualTo("False");
    assertThat(ready(status).getReason()).isEqualTo("DuplicateIp");
    assertThat(ready(status).getMessage()).contains("SendingIp mail/mx1").contains("192.0.2.10");
    SendingIpStatus otherTeam = aggregator.aggregate(new StatusAggregator.Input(compliant(), 1,
        ProviderSync.noProvider(), Optional.of("another namespace"), null, T0));
    assertThat(ready(otherTeam).getMessage()).startsWith("Another namespace claims 192.0.2.10 first");
  }

  @Test
  void pendingProviderUpdateMakesReadyUnknownWithUpdatePending() {
    SendingIpStatus status = aggregator.aggregate(new StatusAggregator.Input(compliant(), 1,
        ProviderSync.pending(null, "AWS is applying the PTR", null), Optional.empty(), null, T0));
    assertThat(condition(status, "ProviderSynced").getStatus()).isEqualTo("Unknown");
    assertThat(ready(status).getReason()).isEqualTo("UpdatePending");
  }

  @Test
  void noHostnameRequestedIsTrueWithItsOwnReason() {
    Verification v = with(compliant(), Iprev.PASS, Map.of(Check.PTR_MATCHES_HOSTNAME,
        new Verdict(Outcome.PASS, Reason.NO_HOSTNAME_REQUESTED, "no hostname was requested")), List.of("mail.example.com"));
    Condition matches = condition(aggregate(v, null, T0), "PtrMatchesHostname");
    assertThat(matches.getStatus()).isEqualTo("True");
    assertThat(matches.getReason()).isEqualTo("NoHostnameRequested");
  }

  // --- builders ------------------------------------------------------------------------------------------------

  private SendingIpStatus aggregate(Verification v, SendingIpStatus previous, Instant now) {
    return aggregator.aggregate(new StatusAggregator.Input(v, 3, ProviderSync.noProvider(), Optional.empty(),
        previous, now));
  }

  static Verification compliant() {
    Map<Check, Verdict> verdicts = new EnumMap<>(Check.class);
    verdicts.put(Check.PTR_PRESENT, new Verdict(Outcome.PASS, Reason.PTR_FOUND, "found"));
    verdicts.put(Check.SINGLE_PTR, new Verdict(Outcome.PASS, Reason.SINGLE_PTR_RECORD, "one"));
    verdicts.put(Check.PTR_MATCHES_HOSTNAME, new Verdict(Outcome.PASS, Reason.PTR_MATCHES, "matches"));
    verdicts.put(Check.FORWARD_CONFIRMED, new Verdict(Outcome.PASS, Reason.FORWARD_CONFIRMED, "confirmed"));
    verdicts.put(Check.HOSTNAME_MEANINGFUL, new Verdict(Outcome.PASS, Reason.HOSTNAME_MEANINGFUL, "fine"));
    InetAddress ip = IpAddresses.parse("192.0.2.10");
    return new Verification(ip, "10.2.0.192.in-addr.arpa", Optional.of("mail.example.com"), Optional.empty(),
        Iprev.PASS, List.of("mail.example.com"), "mail.example.com", List.of(ip), Outcome.PASS, verdicts, T0);
  }

  static Verification with(Verification base, Iprev iprev, Map<Check, Verdict> changes, List<String> ptrs) {
    Map<Check, Verdict> verdicts = new EnumMap<>(base.verdicts());
    verdicts.putAll(changes);
    return new Verification(base.ip(), base.reverseName(), base.desiredHostname(), base.domain(), iprev, ptrs,
        ptrs.isEmpty() ? base.desiredHostname().orElse(null) : ptrs.get(0),
        iprev == Iprev.TEMPERROR ? List.of() : base.forwardAddresses(), base.desiredHostnameForward(), verdicts,
        base.checkedAt());
  }

  private static Condition ready(SendingIpStatus status) {
    return condition(status, "Ready");
  }

  private static Condition condition(SendingIpStatus status, String type) {
    return status.condition(type).orElseThrow();
  }
}
