package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.IpAddresses;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/**
 * Which SendingIps this replica owns when several share the work ({@code run --shard K --total-shards T}).
 *
 * <p>Sharding is by IP, so that every claim of one IP lands in the same replica and duplicate detection, which
 * looks the claimants up in the informer cache, still sees all of them. Each SendingIp carries a label with its
 * bucket: a CRC-32 of the normalised IP modulo {@link #BUCKETS}, the same whatever the number of shards, so a
 * label never changes when the shards do. Shard K of T owns the buckets b with {@code b % T == K} and its
 * informer lists only those (a label selector: its cache holds only its share). With one shard there is no
 * selector and no label, as before sharding existed.
 *
 * <p>Each shard has its own Lease; replicas of one shard are leader and standbys.
 */
public record Sharding(int shard, int totalShards) {
  /** The bucket label on every SendingIp while more than one shard runs. */
  public static final String BUCKET_LABEL = "ptr.mailops.dev/ip-bucket";
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

  /** The bucket label's value, if it is a valid bucket. */
  public static Optional<Integer> labelledBucket(SendingIp resource) {
    var labels = resource.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(BUCKET_LABEL);
    if (value == null) {
      return Optional.empty();
    }
    try {
      int bucket = Integer.parseInt(value);
      return bucket >= 0 && bucket < BUCKETS ? Optional.of(bucket) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether this shard owns the object as labelled (what its informer selects); always with one shard. */
  public boolean ownsLabelled(SendingIp resource) {
    return !sharded() || labelledBucket(resource).filter(this::owns).isPresent();
  }

  /** The label selector of this shard's SendingIp informer; empty with one shard (it sees every object). */
  public Optional<String> selector() {
    if (!sharded()) {
      return Optional.empty();
    }
    return Optional.of(BUCKET_LABEL + " in (" + IntStream.range(0, BUCKETS).filter(this::owns)
        .mapToObj(Integer::toString).collect(Collectors.joining(",")) + ")");
  }

  @Override
  public String toString() {
    return "shard " + shard + " of " + totalShards;
  }
}
