package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the bucket label on SendingIps that have none (new ones, or all of them after the first start with more than
 * one shard), so that a shard's informer selects them. Every shard watches the unlabelled ones (a set that is empty
 * in steady state) and labels only those in its own buckets; the label is a pure function of the IP, so two
 * writers could only ever write the same value.
 */
final class ShardLabeller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShardLabeller.class);
  /** A label patch that failed (API server away) is tried again at the informer's next resync. */
  private static final Duration RESYNC = Duration.ofMinutes(1);

  private final KubernetesClient client;
  private final Sharding sharding;
  private final Set<String> namespaces;
  private final List<SharedIndexInformer<SendingIp>> informers = new ArrayList<>();

  ShardLabeller(KubernetesClient client, Sharding sharding, Set<String> namespaces) {
    this.client = client;
    this.sharding = sharding;
    this.namespaces = namespaces;
  }

  void start() {
    String[] buckets = IntStream.range(0, Sharding.BUCKETS).mapToObj(Integer::toString).toArray(String[]::new);
    ResourceEventHandler<SendingIp> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(SendingIp resource) {
        labelIfMine(resource);
      }

      @Override
      public void onUpdate(SendingIp old, SendingIp resource) {
        labelIfMine(resource);
      }

      @Override
      public void onDelete(SendingIp resource, boolean deletedFinalStateUnknown) {
        // labelled (or gone): nothing to do
      }
    };
    if (namespaces.isEmpty()) {
      informers.add(client.resources(SendingIp.class).inAnyNamespace().withLabelNotIn(Sharding.BUCKET_LABEL, buckets)
          .inform(handler, RESYNC.toMillis()));
    } else {
      for (String namespace : namespaces) {
        informers.add(client.resources(SendingIp.class).inNamespace(namespace)
            .withLabelNotIn(Sharding.BUCKET_LABEL, buckets).inform(handler, RESYNC.toMillis()));
      }
    }
  }

  private void labelIfMine(SendingIp resource) {
    int bucket = Sharding.bucketOf(resource);
    if (sharding.owns(bucket)) {
      try {
        label(client, resource, bucket);
      } catch (KubernetesClientException e) {
        log.warn("{}/{}: could not set the IP bucket label ({}); trying again within {}",
            resource.getMetadata().getNamespace(), resource.getMetadata().getName(), e.getMessage(), RESYNC);
      }
    }
  }

  /**
   * Sets the bucket label with a merge patch (no read, no conflict: only this one key changes). The object then
   * leaves the informers that selected it by its old label and enters the one of its bucket's shard. An object
   * already gone is not an error; any other failure is thrown.
   */
  static void label(KubernetesClient client, SendingIp resource, int bucket) {
    String name = resource.getMetadata().getName();
    String namespace = resource.getMetadata().getNamespace();
    try {
      client.resources(SendingIp.class).inNamespace(namespace).withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"labels\":{\"" + Sharding.BUCKET_LABEL + "\":\"" + bucket + "\"}}}");
      log.debug("{}/{}: labelled with IP bucket {}", namespace, name, bucket);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
