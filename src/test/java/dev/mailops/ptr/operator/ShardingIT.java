package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.bench.ApiMetrics;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.BindServer;
import dev.mailops.ptr.testing.Dig;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.ReverseDnsProviders;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.Type;

/**
 * Several replicas sharing the SendingIps by IP ({@code --shard K --total-shards T}), each with its own Lease, on a
 * real API server, with a real BIND as DNS server and as the rfc2136 provider. Who checked what is read from each
 * replica's own counters, never guessed from timing.
 */
class ShardingIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String REVERSE_ZONE = "100.51.198.in-addr.arpa";
  private static final Duration LEASE = Duration.ofSeconds(4);

  private static KubeApi api;
  private static KubernetesClient client;
  private static BindServer bind;
  private static String operatorNs;
  private static String provider;

  private final List<RunningOperator> replicas = new ArrayList<>();
  private String leaseNs;

  @BeforeAll
  static void start() {
    api = KubeApi.shared();
    client = api.client();
    bind = closed.add(BindServer.start(List.of("example.org", REVERSE_ZONE)));
    operatorNs = api.newNamespace("ptr-system");
    client.secrets().inNamespace(operatorNs).resource(new SecretBuilder().withNewMetadata().withName("tsig")
        .endMetadata().addToStringData("secret", bind.tsigSecret()).build()).create();
    provider = "shard-rfc-" + SUFFIX;
    ReverseDnsProviders.create(client, provider, ReverseDnsProviders.forTeam(
        ReverseDnsProviders.rfc2136(bind, operatorNs, "tsig", List.of("198.51.100.0/24")), "mail"));
    closed.add(ReverseDnsProviders.deleting(client, provider));
  }

  @AfterEach
  void stopReplicas() {
    replicas.forEach(RunningOperator::close);
  }

  @Test
  void threeShardsCheckEverySendingIpExactlyOnceAndSeeEveryClaimOfAnIp() throws Exception {
    leaseNs = api.newNamespace("leases");
    String mail = api.newNamespace("mail");
    String shop = api.newNamespace("shop");
    List<RunningOperator> shards = List.of(replica(0, 3, "s0", mail, shop), replica(1, 3, "s1", mail, shop),
        replica(2, 3, "s2", mail, shop));

    List<String> ips = IntStream.rangeClosed(1, 24).mapToObj(n -> "198.51.100." + n).toList();
    for (String ip : ips) {
      bind.ptr(ip, compliant(ip));
      SendingIps.create(client, mail, name(ip), ip, compliantName(ip), null);
    }
    // one IP per shard claimed a second time from another namespace: by UID or namespace these claims would land
    // in different shards and neither would see the other
    List<String> claimedTwice = IntStream.range(0, 3).mapToObj(shard -> ips.stream()
        .filter(ip -> Sharding.bucketOf(ip) % 3 == shard).findFirst().orElseThrow()).toList();
    Thread.sleep(1100); // creation timestamps have one-second precision: the copies are the younger claims
    for (String ip : claimedTwice) {
      SendingIps.create(client, shop, name(ip), ip, compliantName(ip), null);
    }

    // a finished reconcile is counted just after its status write lands: wait for the owners' counts too
    await().atMost(Duration.ofSeconds(90)).until(() -> ips.stream().allMatch(ip -> ready(mail, name(ip)) != null
        && shards.get(Sharding.bucketOf(ip) % 3).reconciliations(mail, name(ip)) > 0)
        && claimedTwice.stream().allMatch(ip -> ready(shop, name(ip)) != null
        && shards.get(Sharding.bucketOf(ip) % 3).reconciliations(shop, name(ip)) > 0));
    for (String ip : ips) {
      int bucket = Sharding.bucketOf(ip);
      assertThat(IntStream.range(0, 3).filter(k -> shards.get(k).reconciliations(mail, name(ip)) > 0).boxed())
          .as("replicas that checked %s (bucket %d)", ip, bucket).containsExactly(bucket % 3);
    }
    for (String ip : claimedTwice) {
      assertThat(ready(shop, name(ip)).getReason()).as(ip).isEqualTo("DuplicateIp");
      assertThat(ready(mail, name(ip)).getReason()).as(ip).isNotEqualTo("DuplicateIp");
      int owner = Sharding.bucketOf(ip) % 3;
      assertThat(shards.get(owner).reconciliations(shop, name(ip))).as("both claims in one shard").isPositive();
    }
    // each replica counts (and holds in full) its share only
    for (int k = 0; k < 3; k++) {
      int shard = k;
      long share = ips.stream().filter(ip -> Sharding.bucketOf(ip) % 3 == shard).count();
      assertThat(shards.get(k).metric("ptr_sendingips", "namespace=\"" + mail + "\"")).as("shard %d: %s", k,
          shards.get(k).scrape().lines().filter(l -> l.contains("ptr_sendingips")).toList()).isEqualTo(share);
    }
  }

  @Test
  void aStandbyTakesOverTheShardOfAKilledReplica() {
    leaseNs = api.newNamespace("leases");
    String mail = api.newNamespace("mail");
    List<RunningOperator> leaders = List.of(replica(0, 3, "s0", mail), replica(1, 3, "s1", mail),
        replica(2, 3, "s2", mail));
    await().atMost(Duration.ofSeconds(30)).until(() -> "s1".equals(holder("ptr-operator-shard-1-of-3")));
    RunningOperator standby = replica(1, 3, "s1-standby", mail);
    String before = ipOfShard(1, 3, 30);
    bind.ptr(before, compliant(before));
    SendingIps.create(client, mail, name(before), before, compliantName(before), null);
    await().atMost(Duration.ofSeconds(30)).until(() -> ready(mail, name(before)) != null
        && leaders.get(1).reconciliations(mail, name(before)) > 0);
    assertThat(standby.reconciliations(mail, name(before))).isZero();
    assertThat(standby.readiness()).contains("standby");

    leaders.get(1).kill();
    replicas.remove(leaders.get(1));
    await().atMost(LEASE.multipliedBy(6)).until(() -> "s1-standby".equals(holder("ptr-operator-shard-1-of-3")));
    String after = ipOfShard(1, 3, lastOctet(before) + 1);
    bind.ptr(after, compliant(after));
    SendingIps.create(client, mail, name(after), after, compliantName(after), null);
    // a finished reconcile is counted just after its status write lands: wait for the count, not the status
    await().atMost(Duration.ofSeconds(30)).until(() -> ready(mail, name(after)) != null
        && standby.reconciliations(mail, name(before)) > 0 && standby.reconciliations(mail, name(after)) > 0);
    assertThat(leaders.get(0).reconciliations(mail, name(after)) + leaders.get(2).reconciliations(mail, name(after)))
        .as("the other shards").isZero();
  }

  @Test
  void aSendingIpMovedToAnotherShardIsNeitherWrittenNorResetByTheShardItLeft() throws Exception {
    leaseNs = api.newNamespace("leases");
    String mail = api.newNamespace("mail", Map.of("team", "mail"));
    RunningOperator left = replica(0, 2, "s0", mail);
    String first = ipOfShard(0, 2, 100);
    String moved = ipOfShard(1, 2, 100);
    SendingIp sip = SendingIps.sendingIp(mail, "mx", first, compliant(first), null);
    sip.getSpec().setProviderRef(provider);
    sip.getSpec().setDeletionPolicy(DeletionPolicy.Reset);
    client.resource(sip).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> ptr(first).equals(Optional.of(compliantName(first))));
    double writesBefore = writes(left);
    long reconcilesBefore = left.reconciliations(mail, "mx");

    // its IP changes to one of shard 1, which has no replica yet: shard 0 sees the change and lets go of it
    String movedHost = compliant(moved);
    // a merge patch, as kubectl apply sends it: no conflict with the operator's status writes
    client.resources(SendingIp.class).inNamespace(mail).withName("mx").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"ip\":\"" + moved + "\",\"hostname\":\"" + movedHost + "\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> left.reconciliations(mail, "mx") > reconcilesBefore);
    assertThat(left.cachedSendingIps()).as("SendingIps shard 0 checks").isEmpty();
    RunningOperator joined = replica(1, 2, "s1", mail);
    await().atMost(Duration.ofSeconds(60)).until(() -> ptr(moved).equals(Optional.of(movedHost))
        && joined.reconciliations(mail, "mx") > 0);
    assertThat(writes(left)).as("PTR writes by the shard the SendingIp left").isEqualTo(writesBefore);
    assertThat(writes(joined)).as("PTR writes by its new shard").isEqualTo(1);

    // deleting it resets the PTR once, from its new shard only
    client.resources(SendingIp.class).inNamespace(mail).withName("mx").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(mail, "mx") == null);
    assertThat(ptr(moved)).isEmpty();
    assertThat(left.metric("ptr_provider_calls_total", "operation=\"reset\"")).isZero();
    assertThat(joined.metric("ptr_provider_calls_total", "operation=\"reset\"", "outcome=\"ok\"")).isEqualTo(1);
    assertThat(ptr(first)).as("the old IP's PTR is not this SendingIp's to reset any more")
        .contains(compliantName(first));
  }

  @Test
  void reshardingFromTwoToThreeWaitsForTheOldShardsAndWritesEachPtrOnce() throws Exception {
    leaseNs = api.newNamespace("leases");
    String mail = api.newNamespace("mail", Map.of("team", "mail"));
    List<RunningOperator> old = List.of(replica(0, 2, "old-0", mail), replica(1, 2, "old-1", mail));
    List<String> ips = IntStream.rangeClosed(160, 165).mapToObj(n -> "198.51.100." + n).toList();
    for (String ip : ips) {
      SendingIp sip = SendingIps.sendingIp(mail, name(ip), ip, compliant(ip), null);
      sip.getSpec().setProviderRef(provider);
      client.resource(sip).create();
    }
    // Ready: DNS shows each PTR, so a later change of it is a new one to put right (not one still propagating)
    await().atMost(Duration.ofSeconds(60)).until(() -> ips.stream()
        .allMatch(ip -> ready(mail, name(ip)) != null && "True".equals(ready(mail, name(ip)).getStatus())));
    assertThat(old.stream().mapToDouble(ShardingIT::writes).sum()).isEqualTo(ips.size());

    // the new topology starts while the old one still runs (a StatefulSet rolling update)
    List<RunningOperator> next = List.of(replica(0, 3, "new-0", mail), replica(1, 3, "new-1", mail),
        replica(2, 3, "new-2", mail));
    await().atMost(Duration.ofSeconds(30)).until(() -> next.stream()
        .allMatch(r -> r.readiness().contains("another shard count")));
    // every PTR goes wrong meanwhile: the old topology alone puts each right, once
    ips.forEach(ip -> bind.ptr(ip, "stray.example.org"));
    await().atMost(Duration.ofSeconds(60)).until(() -> ips.stream().allMatch(ShardingIT::holdsItsName));
    assertThat(old.stream().mapToDouble(ShardingIT::writes).sum()).isEqualTo(2.0 * ips.size());
    assertThat(next.stream().mapToDouble(ShardingIT::reconciliationsStarted).sum()).as("new topology").isZero();

    // the old replicas go (each releases its Lease): the new ones take every SendingIp over and check it
    old.forEach(RunningOperator::close);
    replicas.removeAll(old);
    await().atMost(Duration.ofSeconds(60)).until(() -> ips.stream()
        .allMatch(ip -> next.get(Sharding.bucketOf(ip) % 3).reconciliations(mail, name(ip)) > 0));
    ips.forEach(ip -> bind.ptr(ip, "stray.example.org"));
    await().atMost(Duration.ofSeconds(60)).until(() -> ips.stream().allMatch(ShardingIT::holdsItsName));
    assertThat(next.stream().mapToDouble(ShardingIT::writes).sum()).isEqualTo(ips.size());
    assertThat(old.stream().mapToDouble(ShardingIT::writes).sum()).isEqualTo(2.0 * ips.size());
  }

  @Test
  void twoShardsStartingOnAFleetWriteEachSendingIpOnceItsStatusAndNothingElse() {
    leaseNs = api.newNamespace("leases");
    String mail = api.newNamespace("mail");
    List<String> ips = IntStream.rangeClosed(30, 89).mapToObj(n -> "198.51.100." + n).toList();
    ips.forEach(ShardingIT::compliant);
    // a PTR right from the start, or none: either way one check, one status write each, as with one replica
    ips.stream().filter(ip -> lastOctet(ip) % 2 == 0).forEach(ip -> bind.ptr(ip, compliantName(ip)));
    Map<String, Long> before = ApiMetrics.scrape(client);
    for (String ip : ips) {
      SendingIps.create(client, mail, name(ip), ip, compliantName(ip), null);
    }
    // the first start with shards: every SendingIp is there, as the user's manifests made it
    List<RunningOperator> shards = List.of(replica(0, 2, "s0", mail), replica(1, 2, "s1", mail));
    // three checks by the owner: the first, and two re-checks (5 s apart) that find nothing new to write
    // (a list, not a GET per object: GETs are counted below)
    await().atMost(Duration.ofSeconds(90)).until(() -> client.resources(SendingIp.class).inNamespace(mail).list()
        .getItems().stream().filter(sip -> sip.getStatus() != null).count() == ips.size()
        && ips.stream().allMatch(ip -> shards.get(Sharding.bucketOf(ip) % 2).reconciliations(mail, name(ip)) >= 3));
    Map<String, Long> requests = ApiMetrics.delta(before, ApiMetrics.scrape(client));
    String described = ApiMetrics.describe(requests);
    // a write to the object itself (a label, say) would double the API server's work on a first start
    assertThat(ApiMetrics.objectWrites(requests)).as("writes to the SendingIps themselves: %s", described).isZero();
    assertThat(requests.getOrDefault("GET sendingips", 0L)).as("reads of single SendingIps: %s", described)
        .isZero();
    assertThat(ApiMetrics.statusWrites(requests)).as("status writes: %s", described).isEqualTo(ips.size());
    assertThat(client.resources(SendingIp.class).inNamespace(mail).list().getItems())
        .allSatisfy(sip -> assertThat(sip.getMetadata().getLabels()).as("labels").isNullOrEmpty());
  }

  // --- helpers

  private RunningOperator replica(int shard, int total, String identity, String... namespaces) {
    var settings = RunningOperator.testSettings(bind.dnsAddress(), Set.of(namespaces))
        .withLeaderElection(leaseNs, identity, LEASE, false)
        .withProviders(ProviderSettings.defaults(operatorNs).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withReset(3, Duration.ofMillis(200)).withDnsTimeout(Duration.ofMillis(500))
            .withCacheRecheck(Duration.ofSeconds(2)))
        .withSharding(new Sharding(shard, total));
    RunningOperator replica = RunningOperator.withProviders(api, settings,
        ShippedProviders.all(Duration.ofMillis(500)));
    replicas.add(replica);
    return replica;
  }

  /** Successful PTR writes this replica made at the provider. */
  private static double writes(RunningOperator replica) {
    return replica.metric("ptr_provider_calls_total", "operation=\"set\"", "outcome=\"ok\"");
  }

  private static double reconciliationsStarted(RunningOperator replica) {
    return replica.metric("operator_sdk_reconciliations_started_total");
  }

  /** The first address from {@code from} on in 198.51.100.0/24 whose bucket shard {@code shard} of {@code total} owns. */
  private static String ipOfShard(int shard, int total, int from) {
    return IntStream.range(from, 255).mapToObj(n -> "198.51.100." + n)
        .filter(ip -> Sharding.bucketOf(ip) % total == shard).findFirst().orElseThrow();
  }

  private static String name(String ip) {
    return "ip-" + ip.replace('.', '-');
  }

  /** A name for the IP with no digits in it (one holding the IP's octets would look generated, so not compliant). */
  private static String compliantName(String ip) {
    int octet = lastOctet(ip);
    return "mta-" + (char) ('a' + octet / 26 % 26) + (char) ('a' + octet % 26) + ".example.org";
  }

  /** A hostname whose A record points at the IP (the PTR is the operator's or the test's to set). */
  private static String compliant(String ip) {
    String hostname = compliantName(ip);
    bind.replace(hostname, "A", 5, ip);
    return hostname;
  }

  private static boolean holdsItsName(String ip) {
    return ptr(ip).equals(Optional.of(compliantName(ip)));
  }

  private static int lastOctet(String ip) {
    return Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
  }

  private static Optional<String> ptr(String ip) {
    try {
      String[] octets = ip.split("\\.");
      return Dig.answers(bind.dnsAddress(), octets[3] + "." + REVERSE_ZONE, Type.PTR).stream().findFirst()
          .map(name -> name.replaceAll("\\.$", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String holder(String leaseName) {
    Lease lease = client.leases().inNamespace(leaseNs).withName(leaseName).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static SendingIp get(String ns, String name) {
    return SendingIps.get(client, ns, name);
  }

  private static Condition ready(String ns, String name) {
    return SendingIps.condition(client, ns, name, "Ready").orElse(null);
  }
}
