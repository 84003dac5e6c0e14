package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.IpAddresses;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Which SendingIps this replica owns when several share the work ({@code run --shard K --total-shards T}).
 *
 * <p>Sharding is by IP, so that every claim of one IP lands in the same replica and duplicate detection, which
 * looks the claimants up in the informer cache, still sees all of them. An IP's bucket is a CRC-32 of its
 * normalised form modulo {@link #BUCKETS}, the same whatever the number of shards; shard K of T owns the buckets b
 * with {@code b % T == K}. Every replica watches every SendingIp and keeps in full only those it owns, as
 * kube-state-metrics' {@code --shard} does: nothing is written to the objects to sort them, so a first start with
 * shards costs the API server no more writes than one replica does.
 *
 * <p>Each shard has its own Lease; replicas of one shard are leader and standbys.
 */
public record Sharding(int shard, int totalShards) {
  /** Fixed, so that a bucket never depends on the number of shards; also the most shards that can share work. */
  public static final int BUCKETS = 64;
  /** One replica (with standbys) holds every SendingIp. */
  public static final Sharding NONE = new Sharding(0, 1);

  private static final String LEADER_LEASE = OperatorSettings.LEASE_NAME;
  private static final Pattern SHARD_LEASE = Pattern.compile("ptr-operator-shard-(\\d+)-of-(\\d+)");

  public Sharding {
    if (totalShards < 1 || totalShards > BUCKETS) {
      throw new IllegalArgumentException("--total-shards must be between 1 and " + BUCKETS + ", not " + totalShards);
    }
    if (shard < 0 || shard >= totalShards) {
      throw new IllegalArgumentException("--shard must be between 0 and " + (totalShards - 1) + " (--total-shards "
          + totalShards + " counts from 0), not " + shard);
    }
  }

  public boolean sharded() {
    return totalShards > 1;
  }

  /** The Lease this shard's leader holds: the unsharded name for one shard, so upgrades keep their Lease. */
  public String leaseName() {
    return sharded() ? "ptr-operator-shard-" + shard + "-of-" + totalShards : LEADER_LEASE;
  }

  /**
   * How many shards the topology of a Lease of this operator has, from its name; empty for any other Lease.
   */
  public static OptionalInt totalShardsOfLease(String leaseName) {
    if (LEADER_LEASE.equals(leaseName)) {
      return OptionalInt.of(1);
    }
    Matcher m = SHARD_LEASE.matcher(leaseName);
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(2))) : OptionalInt.empty();
  }

  /** The bucket of an IP: of its normalised form, so 2001:db8::1 and 2001:DB8:0::1 fall in the same one. */
  public static int bucketOf(String ip) {
    String key;
    try {
      key = IpAddresses.format(IpAddresses.parse(ip));
    } catch (RuntimeException e) {
      // not an IP (admission refuses it; an old object may have one): still in exactly one shard, which reports it
      key = ip == null ? "" : ip.trim().toLowerCase(Locale.ROOT);
    }
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % BUCKETS);
  }

  public static int bucketOf(SendingIp resource) {
    return bucketOf(resource.getSpec() == null ? null : resource.getSpec().getIp());
  }

  public boolean owns(int bucket) {
    return bucket % totalShards == shard;
  }

  /** Whether this shard checks the object: by the bucket of its IP; always with one shard. */
  public boolean owns(SendingIp resource) {
    return !sharded() || owns(bucketOf(resource));
  }

  @Override
  public String toString() {
    return "shard " + shard + " of " + totalShards;
  }
}
