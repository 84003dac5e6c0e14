package dev.mailops.ptr.cli;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.status.ClaimOrder;
import dev.mailops.ptr.status.OwnerStatuses;
import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.owner.OwnerResolver;
import dev.mailops.ptr.status.ConditionType;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.status.StatusAggregator;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Verification;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import dev.mailops.ptr.verify.authority.AuthoritativeChecker;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/** Runs the operator's Verifier and StatusAggregator over a batch, as the cluster would, without a cluster. */
final class CheckReport {
  /** How many verifications are in flight at once: enough to keep a resolver busy, not enough to flood it. */
  private static final int IN_FLIGHT = 256;
  /** Owner lookups at once: RDAP servers rate-limit. */
  private static final int OWNER_LOOKUPS = 4;

  /**
   * One IP to check; {@code source} says where it came from (the IP, or file and object name); namespace and name
   * identify the claim when several claim one IP.
   */
  record Item(String source, VerificationRequest request, String namespace, String name) {

    /** The claim as the operator's claim order sees it: no creation time and no provider known here. */
    SendingIp asClaim() {
      SendingIp claim = new SendingIp();
      claim.getMetadata().setNamespace(namespace);
      claim.getMetadata().setName(name);
      return claim;
    }
  }

  record Result(Item item, Verification verification, SendingIpStatus status) {
    String ready() {
      return status.condition(ConditionType.READY.type()).map(c -> c.getStatus()).orElse(Conditions.UNKNOWN);
    }
  }

  private final Verifier verifier;
  private final StatusAggregator aggregator = new StatusAggregator();
  /** Null when owner discovery is off (--no-owner). */
  private final OwnerResolver owners;
  /** Null without --authoritative. */
  private final AuthoritativeChecker authoritative;

  CheckReport(Verifier verifier, OwnerResolver owners) {
    this(verifier, owners, null);
  }

  CheckReport(Verifier verifier, OwnerResolver owners, AuthoritativeChecker authoritative) {
    this.verifier = verifier;
    this.owners = owners;
    this.authoritative = authoritative;
  }

  List<Result> run(List<Item> items) {
    Map<String, CompletableFuture<OwnerStatus>> ownerLookups = lookUpOwners(items);
    Semaphore permits = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<Verification>> pending = new ArrayList<>(items.size());
    for (Item item : items) {
      permits.acquireUninterruptibly();
      pending.add(verifier.verify(item.request()).whenComplete((v, e) -> permits.release()));
    }
    Map<String, List<Item>> claims = new HashMap<>();
    for (Item item : items) {
      claims.computeIfAbsent(IpAddresses.format(item.request().ip()), ip -> new ArrayList<>()).add(item);
    }
    Instant now = Instant.now();
    List<Result> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Verification verification = pending.get(i).join();
      Optional<String> winner = firstClaim(item, claims.get(IpAddresses.format(verification.ip())));
      String ip = IpAddresses.format(verification.ip());
      OwnerStatus owner = ownerLookups.containsKey(ip) ? ownerLookups.get(ip).join() : null;
      StatusAggregator.Authoritative view = authoritative == null ? StatusAggregator.Authoritative.OFF
          : StatusAggregator.Authoritative.of(authoritative.check(verification.ip(),
              item.request().hostname().or(() -> verification.ptrNames().stream().findFirst())));
      SendingIpStatus status = aggregator.aggregate(new StatusAggregator.Input(verification, 1L,
          ProviderSync.noProvider(), winner, null, now, owner, view));
      results.add(new Result(item, verification, status));
    }
    return results;
  }

  /** Who claims the item's IP first, by the operator's rule, when it is not the item itself. */
  private static Optional<String> firstClaim(Item item, List<Item> claimsOfIp) {
    Map<SendingIp, Item> byClaim = new java.util.IdentityHashMap<>();
    claimsOfIp.forEach(claim -> byClaim.put(claim.asClaim(), claim));
    Item winner = ClaimOrder.winner(byClaim.keySet(), claim -> ClaimOrder.Standing.NO_PROVIDER).map(byClaim::get)
        .orElse(item);
    return winner == item ? Optional.empty() : Optional.of("SendingIp " + winner.source());
  }

  /** One lookup per distinct IP, a few at a time, beside the DNS checks (whose verdicts they never change). */
  private Map<String, CompletableFuture<OwnerStatus>> lookUpOwners(List<Item> items) {
    Map<String, CompletableFuture<OwnerStatus>> lookups = new HashMap<>();
    if (owners == null) {
      return lookups;
    }
    ExecutorService pool = Executors.newFixedThreadPool(OWNER_LOOKUPS, r -> {
      Thread t = new Thread(r, "owner-lookup");
      t.setDaemon(true);
      return t;
    });
    for (Item item : items) {
      InetAddress ip = item.request().ip();
      lookups.computeIfAbsent(IpAddresses.format(ip), k -> CompletableFuture.supplyAsync(
          () -> OwnerStatuses.of(owners.resolve(ip), Instant.now()), pool));
    }
    pool.shutdown(); // the queued lookups still run; the threads end after them
    return lookups;
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
