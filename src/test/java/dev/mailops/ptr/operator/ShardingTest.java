package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.testing.SendingIps;
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
  void oneShardSelectsEverythingAndOwnsEveryObjectLabelledOrNot() {
    assertThat(Sharding.NONE.selector()).isEmpty();
    assertThat(Sharding.NONE.ownsLabelled(SendingIps.sendingIp("ns", "a", "192.0.2.1", null, null))).isTrue();
    assertThat(Sharding.NONE.leaseName()).isEqualTo(OperatorSettings.LEASE_NAME);
  }

  @Test
  void aShardSelectsItsBucketsByLabel() {
    assertThat(new Sharding(1, 32).selector()).contains("ptr.mailops.dev/ip-bucket in (1,33)");
    var sip = SendingIps.sendingIp("ns", "a", "192.0.2.1", null, null);
    sip.getMetadata().setLabels(Map.of(Sharding.BUCKET_LABEL, "33"));
    assertThat(new Sharding(1, 32).ownsLabelled(sip)).isTrue();
    assertThat(new Sharding(0, 32).ownsLabelled(sip)).isFalse();
    sip.getMetadata().setLabels(Map.of(Sharding.BUCKET_LABEL, "64"));
    assertThat(Sharding.labelledBucket(sip)).isEmpty();
    assertThat(new Sharding(0, 32).ownsLabelled(sip)).isFalse();
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
  void theLabellersCacheKeepsOnlyWhatLabellingReads() {
    var sip = SendingIps.sendingIp("mail", "mx", "192.0.2.7", "mta.example.org", "example.org");
    sip.getMetadata().setUid("u-1");
    sip.getMetadata().setResourceVersion("42");
    sip.getMetadata().setLabels(Map.of("team", "mail"));
    sip.getMetadata().setAnnotations(Map.of(CachedSendingIp.LAST_APPLIED, "{\"spec\":{}}"));
    sip.setStatus(new dev.mailops.ptr.api.SendingIpStatus());

    var cached = ShardLabeller.trim(sip);

    assertThat(cached.getMetadata().getNamespace()).isEqualTo("mail");
    assertThat(cached.getMetadata().getName()).isEqualTo("mx");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getMetadata().getLabels()).isEqualTo(Map.of("team", "mail"));
    assertThat(Sharding.bucketOf(cached)).isEqualTo(Sharding.bucketOf(sip));
    assertThat(cached.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(cached.getSpec().getHostname()).isNull();
    assertThat(cached.getStatus()).isNull();
  }
}
