package dev.mailops.ptr.gate;

import dev.mailops.ptr.status.ProviderSync;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpSpec;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.verify.Check;
import dev.mailops.ptr.verify.Iprev;
import dev.mailops.ptr.verify.Outcome;
import dev.mailops.ptr.verify.Reason;
import dev.mailops.ptr.verify.Verdict;
import dev.mailops.ptr.verify.Verification;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate's decisions with a counting fake provider: which calls happen, and which never do. */
class DefaultProviderGateTest {

  /** Holds one PTR per IP like a real provider; counts calls; can be told to fail. */
  static final class FakeProvider implements PtrProvider {
    String value;
    int reads;
    int sets;
    int resets;
    ProviderException failure;

    @Override public String type() { return "rfc2136"; }

    @Override public PtrRecord read(InetAddress ip) throws ProviderException {
      reads++;
      if (failure != null) throw failure;
      return value == null ? PtrRecord.none() : PtrRecord.applied(value);
    }

    @Override public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
      sets++;
      if (failure != null) throw failure;
      value = hostname;
      return PtrRecord.applied(hostname);
    }

    @Override public PtrRecord reset(InetAddress ip) throws ProviderException {
      resets++;
      if (failure != null) throw failure;
      value = null;
      return PtrRecord.none();
    }

    @Override public void probe() {}
  }

  final FakeProvider fake = new FakeProvider();
  final MutableClock clock = new MutableClock();
  final ProviderSettings settings = ProviderSettings.defaults("ptr-system").withReset(3, Duration.ofSeconds(1));
  Map<String, String> namespaceLabels = Map.of("team", "mail");
  final ReverseDnsProvider provider = provider();
  final ClusterView cluster = new ClusterView() {
    @Override public Optional<ReverseDnsProvider> provider(String name) {
      return name.equals("p") ? Optional.of(provider) : Optional.empty();
    }

    @Override public Map<String, String> namespaceLabels(String namespace) {
      return namespaceLabels;
    }
  };
  final DefaultProviderGate gate = new DefaultProviderGate(cluster,
      new ProviderInstances(null, settings, PtrProviders.none().with("rfc2136", config -> fake), clock),
      settings, clock, GateEvents.NONE, new PerObjectState());

  @Test
  void readsFirstAndSetsOnlyWhenTheProviderHoldsSomethingElse() throws Exception {
    SendingIp resource = sendingIp("192.0.2.10", "mail.example.com");
    ProviderSync first = gate.sync(resource, verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(first.reason()).isEqualTo("UpdatePending");
    assertThat(first.state().getPtrValue()).isEqualTo("mail.example.com");
    assertThat(fake.sets).isEqualTo(1);

    // DNS does not show it yet: still pending, no second set (nor a second read so soon)
    resource.setStatus(new SendingIpStatus());
    resource.getStatus().setProvider(first.state());
    ProviderSync second = gate.sync(resource, verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(second.reason()).isEqualTo("UpdatePending");
    assertThat(second.message()).contains("holds");
    assertThat(fake.sets).isEqualTo(1);
    assertThat(fake.reads).isEqualTo(1);

    // the operator restarted before writing status: it reads what the provider holds, and does not write again
    DefaultProviderGate restarted = new DefaultProviderGate(cluster,
        new ProviderInstances(null, settings, PtrProviders.none().with("rfc2136", config -> fake), clock),
        settings, clock, GateEvents.NONE, new PerObjectState());
    ProviderSync afterRestart = restarted.sync(resource,
        verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(afterRestart.reason()).isEqualTo("UpdatePending");
    assertThat(fake.reads).isEqualTo(2);
    assertThat(fake.sets).isEqualTo(1);

    ProviderSync third = gate.sync(resource,
        verification("192.0.2.10", "mail.example.com", List.of("mail.example.com"), Outcome.PASS), Optional.empty());
    assertThat(third.status()).isEqualTo("True");
    assertThat(third.reason()).isEqualTo("InSync");
    assertThat(fake.reads).isEqualTo(2);
  }

  @Test
  void providerAlreadyHoldingTheValueAfterARestartIsNotWrittenAgain() {
    fake.value = "mail.example.com";
    ProviderSync sync = gate.sync(sendingIp("192.0.2.10", "mail.example.com"),
        verification("192.0.2.10", "mail.example.com", List.of("old.example.com"), Outcome.PASS), Optional.empty());
    assertThat(sync.reason()).isEqualTo("UpdatePending");
    assertThat(fake.sets).isZero();
  }

  @Test
  void refusalsAndMissingForwardRecordMakeNoCall() {
    ProviderSync outside = gate.sync(sendingIp("198.51.100.1", "mail.example.com"),
        verification("198.51.100.1", "mail.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(outside.reason()).isEqualTo("ProviderNotAllowed");
    assertThat(outside.message()).contains("allowedCidrs");

    namespaceLabels = Map.of("team", "web");
    ProviderSync notSelected = gate.sync(sendingIp("192.0.2.10", "mail.example.com"),
        verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(notSelected.reason()).isEqualTo("ProviderNotAllowed");
    assertThat(notSelected.message()).contains("namespaceSelector").contains("team=mail");
    namespaceLabels = Map.of("team", "mail");

    ProviderSync noForward = gate.sync(sendingIp("192.0.2.10", "mail.example.com"),
        verification("192.0.2.10", "mail.example.com", List.of(), Outcome.FAIL), Optional.empty());
    assertThat(noForward.reason()).isEqualTo("ForwardRecordMissing");
    assertThat(noForward.message()).contains("mail.example.com. A 192.0.2.10");
    ProviderSync noForward6 = gate.sync(sendingIp("2001:db8::25", "mx6.example.com"),
        verification("2001:db8::25", "mx6.example.com", List.of(), Outcome.FAIL), Optional.empty());
    assertThat(noForward6.message()).contains("mx6.example.com. AAAA 2001:db8::25");

    ProviderSync dnsDown = gate.sync(sendingIp("192.0.2.10", "mail.example.com"),
        verification("192.0.2.10", "mail.example.com", List.of(), Outcome.UNKNOWN), Optional.empty());
    assertThat(dnsDown.status()).isEqualTo("Unknown");

    ProviderSync missing = gate.sync(sendingIp("192.0.2.10", "mail.example.com", "nope"),
        verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(missing.reason()).isEqualTo("ProviderError");
    assertThat(missing.message()).contains("ReverseDnsProvider nope not found");
    assertThat(fake.reads + fake.sets).isZero();
  }

  @Test
  void failuresBackOffWithoutCallsUntilTheDelayHasPassed() {
    fake.failure = new ProviderException(ProviderException.Kind.UNAVAILABLE, "timeout");
    SendingIp resource = sendingIp("192.0.2.10", "mail.example.com");
    Verification v = verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS);
    ProviderSync first = gate.sync(resource, v, Optional.empty());
    assertThat(first.status()).isEqualTo("False");
    assertThat(first.reason()).isEqualTo("ProviderError");
    assertThat(first.message()).contains("retrying in 5s");
    assertThat(first.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(first.temporary()).as("unavailable clears by itself: Reconciling, not Stalled").isTrue();
    assertThat(fake.reads).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    ProviderSync during = gate.sync(resource, v, Optional.empty());
    assertThat(during.message()).isEqualTo(first.message());
    assertThat(during.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(during.temporary()).isTrue();
    assertThat(fake.reads).isEqualTo(1);

    clock.advance(Duration.ofSeconds(4));
    ProviderSync second = gate.sync(resource, v, Optional.empty());
    assertThat(second.message()).contains("retrying in 10s");
    assertThat(fake.reads).isEqualTo(2);

    fake.failure = new ProviderException(ProviderException.Kind.AUTHENTICATION, "BADSIG");
    clock.advance(Duration.ofSeconds(11));
    ProviderSync rejected = gate.sync(resource, v, Optional.empty());
    assertThat(rejected.message()).contains("credentials rejected");
    assertThat(rejected.temporary()).as("rejected credentials need a person: Stalled").isFalse();
    fake.failure = new ProviderException(ProviderException.Kind.UNSUPPORTED, "IPv6");
    clock.advance(Duration.ofMinutes(1));
    assertThat(gate.sync(resource, v, Optional.empty()).reason()).isEqualTo("Unsupported");

    fake.failure = null;
    clock.advance(Duration.ofMinutes(2));
    assertThat(gate.sync(resource, v, Optional.empty()).reason()).isEqualTo("UpdatePending");
  }

  @Test
  void resetOnDeleteRetriesABoundedNumberOfTimes() {
    SendingIp retain = sendingIp("192.0.2.10", "mail.example.com");
    assertThat(gate.cleanup(retain, Optional.empty())).isEmpty();
    assertThat(fake.resets).isZero();

    SendingIp reset = sendingIp("192.0.2.10", "mail.example.com");
    reset.getSpec().setDeletionPolicy(DeletionPolicy.Reset);
    fake.failure = new ProviderException(ProviderException.Kind.UNAVAILABLE, "down");
    assertThat(gate.cleanup(reset, Optional.empty())).contains(Duration.ofSeconds(1));
    assertThat(gate.cleanup(reset, Optional.empty())).contains(Duration.ofSeconds(2));
    assertThat(gate.cleanup(reset, Optional.empty())).isEmpty();
    assertThat(fake.reads).as("each attempt reads first").isEqualTo(3);

    fake.failure = null;
    fake.value = "mail.example.com";
    assertThat(gate.cleanup(reset, Optional.empty())).isEmpty();
    assertThat(fake.value).isNull();
  }

  @Test
  void resetOnDeleteLeavesAPtrThatAnotherClaimOrAnotherNameHolds() {
    SendingIp reset = sendingIp("192.0.2.10", "mail.example.com");
    reset.getSpec().setDeletionPolicy(DeletionPolicy.Reset);
    fake.value = "mail.example.com";
    assertThat(gate.cleanup(reset, Optional.of("SendingIp mail/winner"))).isEmpty();
    assertThat(fake.value).isEqualTo("mail.example.com");
    assertThat(fake.reads + fake.resets).as("no provider call at all").isZero();

    fake.value = "someone-else.example.com";
    assertThat(gate.cleanup(reset, Optional.empty())).isEmpty();
    assertThat(fake.value).isEqualTo("someone-else.example.com");
    assertThat(fake.resets).isZero();
  }

  @Test
  void aLosingClaimIsRefusedWithoutACallAndWithoutNamingAnotherTeam() {
    ProviderSync lost = gate.sync(sendingIp("192.0.2.10", "mail.example.com"),
        verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS), Optional.of("another namespace"));
    assertThat(lost.reason()).isEqualTo("ProviderNotAllowed");
    assertThat(lost.message()).startsWith("Another namespace claims this IP first");
    assertThat(fake.reads + fake.sets).isZero();
  }

  @Test
  void whileTheProviderHoldsTheValueItIsNotReadAgainAndRechecksBackOff() {
    SendingIp resource = sendingIp("192.0.2.10", "mail.example.com");
    Verification notYet = verification("192.0.2.10", "mail.example.com", List.of("old.example.com"), Outcome.PASS);
    ProviderSync set = gate.sync(resource, notYet, Optional.empty());
    assertThat(set.reason()).isEqualTo("UpdatePending");
    assertThat(set.retryAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(fake.sets).isEqualTo(1);
    resource.setStatus(new SendingIpStatus());
    resource.getStatus().setProvider(set.state());

    // resolvers still hand out the old PTR for its TTL: look again later and later, without asking the provider
    Duration expected = Duration.ofSeconds(10);
    for (int i = 0; i < 5; i++) {
      clock.advance(expected);
      expected = expected.multipliedBy(2);
      ProviderSync waiting = gate.sync(resource, notYet, Optional.empty());
      assertThat(waiting.reason()).isEqualTo("UpdatePending");
      assertThat(waiting.retryAfter()).isEqualTo(expected);
    }
    assertThat(fake.reads).isEqualTo(1);
    assertThat(fake.sets).isEqualTo(1);

    // at the stated slow rate the provider is read again, in case it dropped the change
    clock.advance(settings.pendingProviderRead());
    gate.sync(resource, notYet, Optional.empty());
    assertThat(fake.reads).isEqualTo(2);
    assertThat(fake.sets).isEqualTo(1);
  }

  @Test
  void aSpecEditEndsTheBackoffOfTheOldSpec() {
    fake.failure = new ProviderException(ProviderException.Kind.REJECTED, "not verified: wrong.example.com");
    SendingIp resource = sendingIp("192.0.2.10", "wrong.example.com");
    resource.getMetadata().setGeneration(1L);
    ProviderSync failed = gate.sync(resource, verification("192.0.2.10", "wrong.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(failed.reason()).isEqualTo("ProviderError");
    assertThat(fake.reads).isEqualTo(1);

    fake.failure = null;
    resource.getSpec().setHostname("mail.example.com");
    resource.getMetadata().setGeneration(2L);
    ProviderSync fixed = gate.sync(resource, verification("192.0.2.10", "mail.example.com", List.of(), Outcome.PASS), Optional.empty());
    assertThat(fixed.reason()).isEqualTo("UpdatePending");
    assertThat(fixed.message()).doesNotContain("wrong.example.com");
    assertThat(fake.sets).isEqualTo(1);
  }

  @Test
  void aResetTheProviderCannotDoIsGivenUpAtOnceInsteadOfRetried() {
    SendingIp reset = sendingIp("192.0.2.10", "mail.example.com");
    reset.getSpec().setDeletionPolicy(DeletionPolicy.Reset);
    fake.failure = new ProviderException(ProviderException.Kind.UNSUPPORTED, "no reset here");
    assertThat(gate.cleanup(reset, Optional.empty())).as("the finalizer may go now").isEmpty();
    assertThat(fake.reads + fake.resets).isEqualTo(1);
  }

  // --- fixtures

  static ReverseDnsProvider provider() {
    var spec = new ReverseDnsProviderSpec();
    spec.setAllowedCidrs(List.of("192.0.2.0/24", "2001:db8::/32"));
    spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("team", "mail").build());
    var rfc = new ReverseDnsProviderSpec.Rfc2136Provider();
    rfc.setServer("127.0.0.1");
    rfc.setTsigKeyName("k");
    spec.setRfc2136(rfc); // no Secret reference: the fake needs none, and nothing is read from an API server
    var resource = new ReverseDnsProvider();
    resource.getMetadata().setName("p");
    resource.getMetadata().setResourceVersion("1");
    resource.setSpec(spec);
    return resource;
  }

  static SendingIp sendingIp(String ip, String hostname) {
    return sendingIp(ip, hostname, "p");
  }

  static SendingIp sendingIp(String ip, String hostname, String ref) {
    var spec = new SendingIpSpec();
    spec.setIp(ip);
    spec.setHostname(hostname);
    spec.setProviderRef(ref);
    var resource = new SendingIp();
    resource.getMetadata().setName("s");
    resource.getMetadata().setNamespace("mail");
    resource.getMetadata().setUid("uid-" + ip + "-" + ref);
    resource.setSpec(spec);
    return resource;
  }

  static Verification verification(String ip, String hostname, List<String> ptrs, Outcome forward) {
    boolean matches = ptrs.size() == 1 && ptrs.get(0).equals(hostname);
    Map<Check, Verdict> verdicts = new EnumMap<>(Check.class);
    verdicts.put(Check.PTR_PRESENT, ptrs.isEmpty() ? new Verdict(Outcome.FAIL, Reason.NO_PTR_RECORD, "none")
        : new Verdict(Outcome.PASS, Reason.PTR_FOUND, "found"));
    verdicts.put(Check.SINGLE_PTR, ptrs.size() == 1 ? new Verdict(Outcome.PASS, Reason.SINGLE_PTR_RECORD, "one")
        : new Verdict(Outcome.FAIL, Reason.NO_PTR_RECORD, "none"));
    verdicts.put(Check.PTR_MATCHES_HOSTNAME, matches ? new Verdict(Outcome.PASS, Reason.PTR_MATCHES, "ok")
        : new Verdict(Outcome.FAIL, Reason.PTR_MISMATCH, "no"));
    verdicts.put(Check.FORWARD_CONFIRMED, new Verdict(Outcome.PASS, Reason.FORWARD_CONFIRMED, "ok"));
    verdicts.put(Check.HOSTNAME_MEANINGFUL, new Verdict(Outcome.PASS, Reason.HOSTNAME_MEANINGFUL, "ok"));
    try {
      InetAddress address = InetAddress.getByName(ip);
      return new Verification(address, "rev", Optional.of(hostname), Optional.empty(),
          ptrs.isEmpty() ? Iprev.PERMERROR : Iprev.PASS, ptrs, hostname, List.of(address), forward, verdicts,
          Instant.EPOCH);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");

    void advance(Duration d) { now = now.plus(d); }

    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(java.time.ZoneId zone) { return this; }

    @Override public Instant instant() { return now; }
  }

}
