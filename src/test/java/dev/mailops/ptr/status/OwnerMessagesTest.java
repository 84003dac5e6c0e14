package dev.mailops.ptr.status;

import static dev.mailops.ptr.status.StatusAggregatorTest.compliant;
import static dev.mailops.ptr.status.StatusAggregatorTest.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.verify.Check;
import dev.mailops.ptr.verify.Iprev;
import dev.mailops.ptr.verify.Outcome;
import dev.mailops.ptr.verify.Reason;
import dev.mailops.ptr.verify.Verdict;
import dev.mailops.ptr.verify.Verification;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The owner in status and in the "ask the owner" messages; never in a condition's status or reason. */
class OwnerMessagesTest {
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  private static final OwnerStatus HOSTER = new OwnerStatus("Hetzner Online GmbH", "hoster", "abuse@hetzner.example",
      "https://rdap.example/ip/192.0.2.0", "hetzner", "192.0.2.0/24", null, "2026-11-30T09:00:00Z");
  private static final OwnerStatus CLOUD = new OwnerStatus("AWS, us-east-1, EC2", "cloud", null, null, "aws",
      "192.0.2.0/24", null, "2026-11-30T09:00:00Z");
  private static final OwnerStatus UNKNOWN = new OwnerStatus(null, "unknown", null, null, null, null,
      "RDAP: rdap.example answered HTTP 503", "2026-11-30T09:00:00Z");
  private final StatusAggregator aggregator = new StatusAggregator();

  @Test
  void noPtrMessageNamesTheRegisteredOwnerItsRdapLinkAndTheProviderType() {
    Condition ready = ready(aggregate(noPtr(), HOSTER));
    assertThat(ready.getReason()).isEqualTo("NoPtrRecord");
    assertThat(ready.getMessage()).isEqualTo("No PTR record for 192.0.2.10 (10.2.0.192.in-addr.arpa). 192.0.2.10 is "
        + "registered to Hetzner Online GmbH (RDAP: https://rdap.example/ip/192.0.2.0). Set its PTR to "
        + "mail.example.com in their console or API, or create a ReverseDnsProvider of type hetzner");
  }

  @Test
  void mismatchMessageNamesTheCloudFromItsPublishedRanges() {
    assertThat(ready(aggregate(mismatch(), CLOUD)).getMessage()).isEqualTo("The PTR of 192.0.2.10 is x.example.com, "
        + "not mail.example.com. 192.0.2.10 is in AWS, us-east-1, EC2 (published cloud ranges). Change its PTR to "
        + "mail.example.com in their console or API, or create a ReverseDnsProvider of type aws");
  }

  @Test
  void multiplePtrMessageNamesTheOwner() {
    Verification v = with(compliant(), Iprev.PASS, Map.of(Check.SINGLE_PTR,
        new Verdict(Outcome.FAIL, Reason.MULTIPLE_PTR_RECORDS, "two")), List.of("mail.example.com", "x.example.com"));
    assertThat(ready(aggregate(v, HOSTER)).getMessage()).contains("receivers expect exactly one. 192.0.2.10 is "
        + "registered to Hetzner Online GmbH").contains("Keep only mail.example.com in their console or API");
  }

  @Test
  void unknownOwnerKeepsTheGeneralAdvice() {
    assertThat(ready(aggregate(noPtr(), UNKNOWN)).getMessage())
        .endsWith("Ask the owner of this IP (cloud, hoster or ISP) to set its PTR to mail.example.com");
  }

  @Test
  void ownerNeverChangesAnyConditionsStatusOrReasonNorIprev() {
    Verdict temp = new Verdict(Outcome.UNKNOWN, Reason.DNS_TEMPORARY_FAILURE, "SERVFAIL");
    List<Verification> cases = List.of(compliant(), noPtr(), mismatch(),
        with(compliant(), Iprev.TEMPERROR, Map.of(Check.PTR_PRESENT, temp, Check.SINGLE_PTR, temp,
            Check.PTR_MATCHES_HOSTNAME, temp, Check.FORWARD_CONFIRMED, temp), List.of()),
        with(compliant(), Iprev.PASS, Map.of(Check.HOSTNAME_MEANINGFUL,
            new Verdict(Outcome.FAIL, Reason.GENERIC_HOSTNAME, "looks generated")), List.of("mail.example.com")));
    for (Verification v : cases) {
      SendingIpStatus without = aggregate(v, null);
      for (OwnerStatus owner : Arrays.asList(HOSTER, CLOUD, UNKNOWN)) {
        SendingIpStatus with = aggregate(v, owner);
        assertThat(verdicts(with)).isEqualTo(verdicts(without));
        assertThat(with.getIprev()).isEqualTo(without.getIprev());
        assertThat(with.getOwner()).isEqualTo(owner);
      }
    }
  }

  @Test
  void aChangedOwnerIsAChangedObservationSoItIsWritten() {
    SendingIpStatus before = aggregate(compliant(), HOSTER);
    assertThat(aggregate(compliant(), HOSTER).sameObservationAs(before)).isTrue();
    assertThat(aggregate(compliant(), CLOUD).sameObservationAs(before)).isFalse();
  }

  private SendingIpStatus aggregate(Verification v, OwnerStatus owner) {
    return aggregator.aggregate(new StatusAggregator.Input(v, 1, ProviderSync.noProvider(), Optional.empty(), null,
        T0, owner));
  }

  private static Verification noPtr() {
    Verdict none = new Verdict(Outcome.FAIL, Reason.NO_PTR_RECORD, "no PTR record for 192.0.2.10 (NXDOMAIN)");
    return with(compliant(), Iprev.PERMERROR, Map.of(Check.PTR_PRESENT, none, Check.SINGLE_PTR, none,
        Check.PTR_MATCHES_HOSTNAME, none, Check.FORWARD_CONFIRMED, none), List.of());
  }

  private static Verification mismatch() {
    return with(compliant(), Iprev.PASS, Map.of(Check.PTR_MATCHES_HOSTNAME,
        new Verdict(Outcome.FAIL, Reason.PTR_MISMATCH, "PTR is x.example.com")), List.of("x.example.com"));
  }

  private static List<String> verdicts(SendingIpStatus status) {
    return status.getConditions().stream().map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()).toList();
  }

  private static Condition ready(SendingIpStatus status) {
    return status.condition("Ready").orElseThrow();
  }
}
