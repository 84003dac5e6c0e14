package dev.mailops.ptr.cli;

import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.status.ConditionType;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.status.StatusAggregator;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Verification;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** Runs the operator's Verifier and StatusAggregator over a batch, as the cluster would, without a cluster. */
final class CheckReport {
  /** How many verifications are in flight at once: enough to keep a resolver busy, not enough to flood it. */
  private static final int IN_FLIGHT = 256;

  /** One IP to check; {@code source} says where it came from (the IP, or file and object name). */
  record Item(String source, VerificationRequest request) {}

  record Result(Item item, Verification verification, SendingIpStatus status) {
    String ready() {
      return status.condition(ConditionType.READY.type()).map(c -> c.getStatus()).orElse(Conditions.UNKNOWN);
    }
  }

  private final Verifier verifier;
  private final StatusAggregator aggregator = new StatusAggregator();

  CheckReport(Verifier verifier) {
    this.verifier = verifier;
  }

  List<Result> run(List<Item> items) {
    Semaphore permits = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<Verification>> pending = new ArrayList<>(items.size());
    for (Item item : items) {
      permits.acquireUninterruptibly();
      pending.add(verifier.verify(item.request()).whenComplete((v, e) -> permits.release()));
    }
    Map<String, String> firstClaim = new HashMap<>();
    Instant now = Instant.now();
    List<Result> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Verification verification = pending.get(i).join();
      String ip = IpAddresses.format(verification.ip());
      String winner = firstClaim.putIfAbsent(ip, item.source());
      SendingIpStatus status = aggregator.aggregate(new StatusAggregator.Input(verification, 1L,
          ProviderSync.noProvider(), Optional.ofNullable(winner), null, now));
      results.add(new Result(item, verification, status));
    }
    return results;
  }

  /** 1 if anything is not compliant, else 3 if anything is undetermined, else 0. */
  static int exitCode(List<Result> results) {
    if (results.stream().anyMatch(r -> r.ready().equals(Conditions.FALSE))) {
      return Main.NOT_COMPLIANT;
    }
    if (results.stream().anyMatch(r -> r.ready().equals(Conditions.UNKNOWN))) {
      return Main.UNDETERMINED;
    }
    return Main.COMPLIANT;
  }
}
