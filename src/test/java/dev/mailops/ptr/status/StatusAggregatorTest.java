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
import dev.mailops.ptr.verify.authority.AuthoritativeView;
import dev.mailops.ptr.verify.authority.ServerAnswer;
import dev.mailops.ptr.verify.authority.ZoneView;
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
        "PtrMatchesHostname", "ForwardConfirmed", "HostnameMeaningful", "ProviderSynced", "Ready", "Reconciling",
        "Stalled");
    assertThat(status.getConditions()).filteredOn(c -> !List.of("Reconciling", "Stalled").contains(c.getType()))
        .allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
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

    // Stalled=False is the normal state of the abnormal-true pair; every other condition turns Unknown, never False
    assertThat(during.getConditions()).filteredOn(c -> !c.getType().equals("Stalled"))
        .noneMatch(c -> c.getStatus().equals("False"));
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

  // --- kstatus: Ready, Reconciling and Stalled for every state (docs/api.md has the same table) ---------------

  @Test
  void compliantIsReadyWithNeitherReconcilingNorStalled() {
    SendingIpStatus status = aggregate(compliant(), null, T0);
    assertKstatus(status, "True", "False", "False");
    assertThat(condition(status, "Reconciling").getReason()).isEqualTo("Compliant");
    assertThat(condition(status, "Stalled").getReason()).isEqualTo("Compliant");
    assertThat(condition(status, "Stalled").getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void updatePendingAtTheProviderIsReconcilingNotStalled() {
    SendingIpStatus status = aggregateWith(mismatch(), ProviderSync.pending(null, "AWS is applying the PTR", null));
    assertKstatus(status, "False", "True", "False");
    assertThat(condition(status, "Reconciling").getReason()).isEqualTo("UpdatePending");
    assertThat(condition(status, "Reconciling").getMessage()).isEqualTo("AWS is applying the PTR");
    assertThat(condition(status, "Stalled").getReason()).isEqualTo("Reconciling");
  }

  @Test
  void temporaryProviderFailureBeingBackedOffIsReconciling() {
    ProviderSync throttled = ProviderSync.failed(ProviderReason.PROVIDER_ERROR, "aws-prod throttled the request; retrying in 20s",
        null).withRetryAfter(java.time.Duration.ofSeconds(20)).asTemporary();
    SendingIpStatus status = aggregateWith(mismatch(), throttled);
    assertKstatus(status, "False", "True", "False");
    assertThat(condition(status, "Reconciling").getReason()).isEqualTo("ProviderError");
    assertThat(condition(status, "Reconciling").getMessage()).contains("retrying in 20s");
  }

  @Test
  void temporaryDnsFailureIsReconcilingNeverStalled() {
    Verdict temp = new Verdict(Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE, "timeout");
    Verification outage = with(compliant(), Iprev.TEMPERROR, Map.of(Check.PTR_PRESENT, temp, Check.SINGLE_PTR, temp,
        Check.PTR_MATCHES_HOSTNAME, temp, Check.FORWARD_CONFIRMED, temp), List.of());
    SendingIpStatus status = aggregate(outage, aggregate(compliant(), null, T0), T1);
    assertKstatus(status, "Unknown", "True", "False");
    assertThat(condition(status, "Reconciling").getReason()).isEqualTo("DnsTemporaryFailure");
    assertThat(condition(status, "Reconciling").getMessage()).isEqualTo(ready(status).getMessage());
  }

  @Test
  void notCompliantWithoutProviderIsStalledWithReadysReasonAndMessage() {
    SendingIpStatus status = aggregate(mismatch(), null, T0);
    assertKstatus(status, "False", "False", "True");
    assertThat(condition(status, "Stalled").getReason()).isEqualTo("PtrMismatch");
    assertThat(condition(status, "Stalled").getMessage()).isEqualTo(ready(status).getMessage())
        .contains("Ask the owner of this IP to change it to mail.example.com");
    assertThat(condition(status, "Reconciling").getReason()).isEqualTo("Stalled");
  }

  @Test
  void providerThatRefusesIsStalledWhateverTheReason() {
    List<ProviderSync> refusals = List.of(
        ProviderSync.failed(ProviderReason.PROVIDER_NOT_ALLOWED, "192.0.2.10 is outside the allowedCidrs", null),
        ProviderSync.failed(ProviderReason.UNSUPPORTED, "cannot set the PTR of an IPv6 address", null),
        ProviderSync.failed(ProviderReason.PROVIDER_ERROR, "credentials rejected; retrying in 20s", null)
            .withRetryAfter(java.time.Duration.ofSeconds(20)),
        ProviderSync.failed(ProviderReason.PROVIDER_ERROR, "refused the change; retrying in 20s", null),
        ProviderSync.failed(ProviderReason.FORWARD_RECORD_MISSING, "Create the forward record first", null),
        ProviderSync.failed(ProviderReason.PROVIDER_ERROR, "ReverseDnsProvider aws-prod not found", null));
    for (ProviderSync refusal : refusals) {
      SendingIpStatus status = aggregateWith(compliant(), refusal);
      assertKstatus(status, "False", "False", "True");
      assertThat(condition(status, "Stalled").getReason()).isEqualTo(refusal.reason());
      assertThat(condition(status, "Stalled").getMessage()).isEqualTo(refusal.message());
    }
  }

  @Test
  void losingDuplicateClaimIsStalledEvenWhenTheProviderIsUnderWay() {
    SendingIpStatus status = aggregator.aggregate(new StatusAggregator.Input(compliant(), 1,
        ProviderSync.pending(null, "pending", null), Optional.of("SendingIp mail/mx1"), null, T0));
    assertKstatus(status, "False", "False", "True");
    assertThat(condition(status, "Stalled").getReason()).isEqualTo("DuplicateIp");
    assertThat(condition(status, "Stalled").getMessage()).contains("mail/mx1");
  }

  @Test
  void invalidSpecIsStalledWithEveryConditionPresent() {
    SendingIpStatus status = InvalidSpec.status("spec.ip is not an IP address", 4, null, T0);
    assertThat(status.getConditions()).extracting(Condition::getType).containsExactly("PtrPresent", "SinglePtr",
        "PtrMatchesHostname", "ForwardConfirmed", "HostnameMeaningful", "ProviderSynced", "Ready", "Reconciling",
        "Stalled");
    assertKstatus(status, "False", "False", "True");
    assertThat(condition(status, "Stalled").getReason()).isEqualTo("InvalidSpec");
    assertThat(condition(status, "Stalled").getMessage()).contains("spec.ip is not an IP address");
    assertThat(status.getObservedGeneration()).isEqualTo(4L);
  }

  @Test
  void stalledTransitionTimeMovesOnlyWhenItFlips() {
    SendingIpStatus stalled = aggregate(mismatch(), null, T0);
    SendingIpStatus still = aggregate(mismatch(), stalled, T1);
    assertThat(condition(still, "Stalled").getLastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(still.sameObservationAs(stalled)).isTrue();
    SendingIpStatus fixed = aggregate(compliant(), still, T1);
    assertThat(condition(fixed, "Stalled").getLastTransitionTime()).isEqualTo("2026-11-28T11:00:00Z");
  }

  private static void assertKstatus(SendingIpStatus status, String ready, String reconciling, String stalled) {
    assertThat(List.of(ready(status).getStatus(), condition(status, "Reconciling").getStatus(),
        condition(status, "Stalled").getStatus())).containsExactly(ready, reconciling, stalled);
  }

  // --- AuthoritativeConsistent ---------------------------------------------------------------------------------

  private static final String PRIMARY = "ns1.example.net";

  private static ServerAnswer server(String name, String answer, long serial) {
    return ServerAnswer.answered(name, "192.0.2." + name.charAt(2), answer, serial, 300L);
  }

  private static AuthoritativeView view(ServerAnswer... servers) {
    return new AuthoritativeView(List.of(new ZoneView("2.0.192.in-addr.arpa", "10.2.0.192.in-addr.arpa", "PTR",
        PRIMARY, List.of(servers), null)), T0);
  }

  private SendingIpStatus aggregateAuthoritative(Verification v, AuthoritativeView view, SendingIpStatus previous) {
    return aggregator.aggregate(new StatusAggregator.Input(v, 3, ProviderSync.noProvider(), Optional.empty(),
        previous, T1, null, view == null ? StatusAggregator.Authoritative.KEEP_LAST
            : StatusAggregator.Authoritative.of(view)));
  }

  @Test
  void serversThatAllGiveTheSameAnswerAreConsistentAndStatusListsEachOne() {
    SendingIpStatus status = aggregateAuthoritative(compliant(), view(server(PRIMARY, "mail.example.com", 5),
        server("ns2.example.net", "mail.example.com", 5)), null);
    Condition c = condition(status, "AuthoritativeConsistent");
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("ServersAgree");
    assertThat(c.getMessage()).contains("2 authoritative servers of 2.0.192.in-addr.arpa answer mail.example.com");
    assertThat(status.getAuthoritative().getZones().get(0).getServers())
        .extracting(s -> s.getServer() + " " + s.getAddress() + " " + s.getState() + " " + s.getAnswer() + " "
            + s.getSerial())
        .containsExactly("ns1.example.net 192.0.2.1 Answered mail.example.com 5",
            "ns2.example.net 192.0.2.2 Answered mail.example.com 5");
  }

  @Test
  void aSecondaryBehindThePrimarysSerialIsFalseSecondaryBehindAndNamesTheOldAnswer() {
    Condition c = condition(aggregateAuthoritative(compliant(), view(server(PRIMARY, "mail.example.com", 5),
        server("ns2.example.net", "old.example.com", 4)), null), "AuthoritativeConsistent");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("SecondaryBehind");
    assertThat(c.getMessage()).contains("ns2.example.net (192.0.2.2) has serial 4, behind the primary "
        + "ns1.example.net's serial 5").contains("answers old.example.com");
  }

  @Test
  void serversAtTheSameSerialWithDifferentAnswersAreFalseServersDisagree() {
    Condition c = condition(aggregateAuthoritative(compliant(), view(server(PRIMARY, "mail.example.com", 5),
        server("ns2.example.net", "other.example.com", 5)), null), "AuthoritativeConsistent");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("ServersDisagree");
  }

  @Test
  void aServerThatRefusesTheZoneIsFalseLameDelegation() {
    Condition c = condition(aggregateAuthoritative(compliant(), view(server(PRIMARY, "mail.example.com", 5),
        ServerAnswer.lame("ns3.example.net", "192.0.2.3", "REFUSED for 10.2.0.192.in-addr.arpa/PTR")), null),
        "AuthoritativeConsistent");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("LameDelegation");
    assertThat(c.getMessage()).contains("ns3.example.net (192.0.2.3): REFUSED");
  }

  @Test
  void aServerThatTimesOutIsUnknownNeverFalse() {
    Condition c = condition(aggregateAuthoritative(compliant(), view(server(PRIMARY, "mail.example.com", 5),
        ServerAnswer.unreachable("ns2.example.net", "192.0.2.2", "no answer within 2000 ms")), null),
        "AuthoritativeConsistent");
    assertThat(c.getStatus()).isEqualTo("Unknown");
    assertThat(c.getReason()).isEqualTo("ServerUnreachable");
  }

  @Test
  void noAuthoritativeServerFoundIsUnknownAuthorityUnknown() {
    AuthoritativeView none = new AuthoritativeView(List.of(ZoneView.notFound("10.2.0.192.in-addr.arpa", "PTR",
        "could not look up 10.2.0.192.in-addr.arpa/SOA: no answer within 2000 ms")), T0);
    Condition c = condition(aggregateAuthoritative(compliant(), none, null), "AuthoritativeConsistent");
    assertThat(c.getStatus()).isEqualTo("Unknown");
    assertThat(c.getReason()).isEqualTo("AuthorityUnknown");
  }

  @Test
  void authoritativeInconsistencyNeverChangesReady() {
    SendingIpStatus status = aggregateAuthoritative(compliant(), view(server(PRIMARY, "mail.example.com", 5),
        server("ns2.example.net", "old.example.com", 4)), null);
    assertThat(ready(status).getStatus()).isEqualTo("True");
    assertThat(condition(status, "Stalled").getStatus()).isEqualTo("False");
  }

  @Test
  void aCheckWithoutAFreshAuthoritativeViewKeepsTheLastConditionAndServers() {
    SendingIpStatus first = aggregateAuthoritative(compliant(), view(server(PRIMARY, "mail.example.com", 5),
        server("ns2.example.net", "old.example.com", 4)), null);
    SendingIpStatus kept = aggregateAuthoritative(compliant(), null, first);
    assertThat(condition(kept, "AuthoritativeConsistent")).isEqualTo(condition(first, "AuthoritativeConsistent"));
    assertThat(kept.getAuthoritative()).isEqualTo(first.getAuthoritative());
    assertThat(aggregate(compliant(), first, T1).condition("AuthoritativeConsistent")).isEmpty();
  }

  // --- builders ------------------------------------------------------------------------------------------------

  private SendingIpStatus aggregate(Verification v, SendingIpStatus previous, Instant now) {
    return aggregator.aggregate(new StatusAggregator.Input(v, 3, ProviderSync.noProvider(), Optional.empty(),
        previous, now));
  }

  private SendingIpStatus aggregateWith(Verification v, ProviderSync provider) {
    return aggregator.aggregate(new StatusAggregator.Input(v, 3, provider, Optional.empty(), null, T0));
  }

  private static Verification mismatch() {
    return with(compliant(), Iprev.PASS,
        Map.of(Check.PTR_MATCHES_HOSTNAME, new Verdict(Outcome.FAIL, Reason.PTR_MISMATCH, "PTR is x.example.com")),
        List.of("x.example.com"));
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
