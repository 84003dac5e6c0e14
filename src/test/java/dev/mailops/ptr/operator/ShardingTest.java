package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.testing.SendingIps;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardingTest {

  @Test
  void everyWritingOfOneIpFallsInTheSameBucket() {
    assertThat(Sharding.bucketOf("2001:DB8:0::1")).isEqualTo(Sharding.bucketOf("2001:db8::1"));
    assertThat(Sharding.bucketOf(" 192.0.2.7 ")).isEqualTo(Sharding.bucketOf("192.0.2.7"));
  }

  @Test
  void everyBucketHasExactlyOneShardWhateverTheShardCount() {
    for (int total = 1; total <= Sharding.BUCKETS; total++) {
      int shards = total;
      IntStream.range(0, Sharding.BUCKETS).forEach(bucket -> assertThat(IntStream.range(0, shards)
          .filter(k -> new Sharding(k, shards).owns(bucket)).count()).isEqualTo(1));
    }
  }

  @Test
  void bucketsSpreadIpsOverShards() {
    long[] perShard = new long[3];
    IntStream.range(0, 3000).forEach(n -> perShard[Sharding.bucketOf("10.0." + n / 256 + "." + n % 256) % 3]++);
    for (long count : perShard) {
      assertThat(count).isBetween(700L, 1300L);
    }
  }

  @Test
  void oneShardOwnsEveryObject() {
    assertThat(Sharding.NONE.owns(SendingIps.sendingIp("ns", "a", "192.0.2.1", null, null))).isTrue();
    assertThat(Sharding.NONE.leaseName()).isEqualTo(OperatorSettings.LEASE_NAME);
  }

  @Test
  void aShardOwnsTheObjectsWhoseIpFallsInItsBuckets() {
    var sip = SendingIps.sendingIp("ns", "a", "192.0.2.1", null, null);
    int bucket = Sharding.bucketOf("192.0.2.1");
    assertThat(new Sharding(bucket % 4, 4).owns(sip)).isTrue();
    assertThat(new Sharding((bucket + 1) % 4, 4).owns(sip)).isFalse();
    // a label, such as the bucket label of earlier versions, plays no part
    sip.getMetadata().setLabels(Map.of("ptr.mailops.dev/ip-bucket", "" + (bucket + 1) % 64));
    assertThat(new Sharding(bucket % 4, 4).owns(sip)).isTrue();
  }

  @Test
  void leaseNamesTellTheShardCountOfTheirTopology() {
    assertThat(new Sharding(2, 3).leaseName()).isEqualTo("ptr-operator-shard-2-of-3");
    assertThat(Sharding.totalShardsOfLease("ptr-operator-shard-2-of-3")).isEqualTo(OptionalInt.of(3));
    assertThat(Sharding.totalShardsOfLease(OperatorSettings.LEASE_NAME)).isEqualTo(OptionalInt.of(1));
    assertThat(Sharding.totalShardsOfLease("kube-scheduler")).isEmpty();
  }

  @Test
  void aShardOutsideTheShardCountIsRefusedNamingTheFlags() {
    assertThatThrownBy(() -> new Sharding(3, 3)).hasMessage(
        "--shard must be between 0 and 2 (--total-shards 3 counts from 0), not 3");
    assertThatThrownBy(() -> new Sharding(-1, 3)).hasMessageStartingWith("--shard must be between 0 and 2");
    assertThatThrownBy(() -> new Sharding(0, 0)).hasMessage("--total-shards must be between 1 and 64, not 0");
    assertThatThrownBy(() -> new Sharding(0, 65)).hasMessage("--total-shards must be between 1 and 64, not 65");
  }

  @Test
  void aSendingIpOfAnotherShardIsCachedAsItsIdentityAndSpecOnly() {
    var sip = SendingIps.sendingIp("mail", "mx", "192.0.2.7", "mta.example.org", "example.org");
    sip.getMetadata().setUid("u-1");
    sip.getMetadata().setResourceVersion("42");
    sip.getMetadata().setGeneration(3L);
    sip.getMetadata().setLabels(Map.of("team", "mail"));
    sip.getMetadata().setAnnotations(Map.of(CachedSendingIp.LAST_APPLIED, "{\"spec\":{}}"));
    sip.getMetadata().setFinalizers(List.of(SendingIpReconciler.FINALIZER));
    sip.setStatus(new dev.mailops.ptr.api.SendingIpStatus());

    var cached = TrimmedInformerCaches.placeholder(sip);

    assertThat(cached.getMetadata().getNamespace()).isEqualTo("mail");
    assertThat(cached.getMetadata().getName()).isEqualTo("mx");
    assertThat(cached.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getMetadata().getGeneration()).isEqualTo(3L);
    assertThat(cached.getSpec()).isEqualTo(sip.getSpec());
    assertThat(Sharding.bucketOf(cached)).isEqualTo(Sharding.bucketOf(sip));
    assertThat(cached.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(cached.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(cached.getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(cached.getStatus()).isNull();
  }

  @Test
  void placeholdersShareTheStringsAndEmptyMapsThatRepeatAcrossSendingIps() {
    // as JSON parsing gives them: equal strings, each its own copy
    var first = SendingIps.sendingIp(new String("mail"), "mx-1", "192.0.2.7", new String("mta.example.org"),
        new String("example.org"));
    var second = SendingIps.sendingIp(new String("mail"), "mx-2", "192.0.2.8", new String("mta.example.org"),
        new String("example.org"));

    var one = TrimmedInformerCaches.placeholder(first);
    var other = TrimmedInformerCaches.placeholder(second);

    assertThat(one.getMetadata().getNamespace()).isSameAs(other.getMetadata().getNamespace());
    assertThat(one.getSpec().getHostname()).isSameAs(other.getSpec().getHostname());
    assertThat(one.getSpec().getDomain()).isSameAs(other.getSpec().getDomain());
    assertThat(one.getMetadata().getAdditionalProperties()).isSameAs(other.getMetadata().getAdditionalProperties());
  }

  @Test
  void onlyTheSendingIpsAShardChecksAreIndexedByIp() {
    var sip = SendingIps.sendingIp("mail", "mx", "2001:DB8:0::1", "mta.example.org", "example.org");
    Sharding first = new Sharding(0, 2);
    Sharding second = new Sharding(1, 2);
    Sharding checking = first.owns(sip) ? first : second;
    Sharding other = checking == first ? second : first;

    // every claim of one IP is in the shard that checks it, so duplicate detection needs no other shard's entries
    assertThat(SendingIpReconciler.ipIndexKeys(sip, checking)).containsExactly("2001:db8::1");
    assertThat(SendingIpReconciler.ipIndexKeys(sip, other)).isEmpty();
    assertThat(SendingIpReconciler.ipIndexKeys(sip, Sharding.NONE)).containsExactly("2001:db8::1");
  }
}
