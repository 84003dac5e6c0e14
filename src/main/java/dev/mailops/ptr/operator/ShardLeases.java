package dev.mailops.ptr.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;

/** The operator's Leases of other shard counts that a live replica still holds. */
final class ShardLeases {
  private ShardLeases() {}

  /**
   * Names of the Leases, in {@code namespace}, of a shard count other than {@code mine}'s whose holder renewed them
   * within their duration: replicas of that topology may still be reconciling. A Lease released on shutdown (empty
   * holder) or expired (its replica died) does not count.
   */
  static List<String> heldByOtherShardCounts(KubernetesClient client, String namespace, Sharding mine, Instant now) {
    return client.leases().inNamespace(namespace).list().getItems().stream()
        .filter(lease -> Sharding.totalShardsOfLease(lease.getMetadata().getName()).stream()
            .anyMatch(total -> total != mine.totalShards()))
        .filter(lease -> held(lease.getSpec(), now))
        .map(lease -> lease.getMetadata().getName())
        .sorted()
        .toList();
  }

  static boolean held(LeaseSpec spec, Instant now) {
    if (spec == null || spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty()) {
      return false;
    }
    if (spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
      return true; // a holder without times: assume it is alive until it says otherwise
    }
    return spec.getRenewTime().toInstant().plusSeconds(spec.getLeaseDurationSeconds()).isAfter(now);
  }
}
