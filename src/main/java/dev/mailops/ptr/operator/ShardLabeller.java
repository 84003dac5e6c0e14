package dev.mailops.ptr.operator;

import com.google.common.util.concurrent.MoreExecutors;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the bucket label on SendingIps that have none (new ones, or all of them after the first start with more than
 * one shard), so that a shard's informer selects them. Every shard watches the unlabelled ones (a set that is empty
 * in steady state) and labels only those in its own buckets; the label is a pure function of the IP, so two
 * writers could only ever write the same value.
 *
 * <p>The patches run on a few threads of their own, not the informer's: on a first start with shards every object
 * needs one, and one at a time they held back convergence. Each copy of an object is labelled once: a copy the
 * informer hands back again (its resync, while the event of the object leaving the selector is still on the way)
 * is not patched again.
 */
final class ShardLabeller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShardLabeller.class);
  /** A label patch that failed (API server away) is tried again at the informer's next resync. */
  private static final Duration RESYNC = Duration.ofMinutes(1);
  /** Label patches in flight at once: enough to keep up with the status writes, few enough to spare the server. */
  private static final int PATCH_THREADS = 4;

  private final KubernetesClient client;
  private final Sharding sharding;
  private final Set<String> namespaces;
  private final List<SharedIndexInformer<SendingIp>> informers = new ArrayList<>();
  private final ExecutorService patches;
  /**
   * namespace/name of each object this replica labelled (or is labelling) → the resourceVersion of the copy it
   * labelled; an entry goes when the object leaves the informer (the label landed, or it was deleted).
   */
  private final Map<String, String> labelled = new ConcurrentHashMap<>();

  ShardLabeller(KubernetesClient client, Sharding sharding, Set<String> namespaces) {
    this.client = client;
    this.sharding = sharding;
    this.namespaces = namespaces;
    AtomicInteger threads = new AtomicInteger();
    this.patches = Executors.newFixedThreadPool(PATCH_THREADS, task -> {
      Thread thread = new Thread(task, "shard-labeller-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
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
        labelled.remove(key(resource)); // labelled (or gone): nothing more to do
      }
    };
    List<FilterWatchListDeletable<SendingIp, ?, ?>> selections = new ArrayList<>();
    if (namespaces.isEmpty()) {
      selections.add(client.resources(SendingIp.class).inAnyNamespace());
    } else {
      namespaces.forEach(namespace -> selections.add(client.resources(SendingIp.class).inNamespace(namespace)));
    }
    for (var selection : selections) {
      SharedIndexInformer<SendingIp> informer = selection.withLabelNotIn(Sharding.BUCKET_LABEL, buckets)
          .runnableInformer(RESYNC.toMillis());
      // on a first start with shards every object is here: keep only what labelling needs
      informer.itemStore(new TransformingItemStore<>(ShardLabeller::trim));
      informer.addEventHandler(handler);
      informer.run();
      informers.add(informer);
    }
  }

  /** A copy with only what labelling reads: namespace, name, resourceVersion, labels and IP. */
  static SendingIp trim(SendingIp resource) {
    SendingIp trimmed = new SendingIp();
    ObjectMeta meta = resource.getMetadata();
    trimmed.setMetadata(new ObjectMetaBuilder().withNamespace(meta.getNamespace()).withName(meta.getName())
        .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withLabels(meta.getLabels()).build());
    SendingIpSpec spec = new SendingIpSpec();
    spec.setIp(resource.getSpec() == null ? null : resource.getSpec().getIp());
    trimmed.setSpec(spec);
    return trimmed;
  }

  /** Labels the object if its bucket is this shard's, unless it labelled this very copy before. */
  void labelIfMine(SendingIp resource) {
    int bucket = Sharding.bucketOf(resource);
    String key = key(resource);
    String version = resource.getMetadata().getResourceVersion();
    if (!sharding.owns(bucket) || version.equals(labelled.put(key, version))) {
      return; // another shard's, or this very copy was labelled already
    }
    patches.execute(() -> {
      try {
        label(client, resource, bucket);
      } catch (RuntimeException e) {
        labelled.remove(key, version);
        log.warn("{}: could not set the IP bucket label ({}); trying again within {}", key, e.getMessage(), RESYNC);
      }
    });
  }

  private static String key(SendingIp resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  /**
   * Sets the bucket label with a merge patch (no read, no conflict: only this one key changes). The object then
   * leaves the informers that selected it by its old label and enters the one of its bucket's shard. An object
   * already gone is not an error; any other failure is thrown. The patch goes through a resource() handle: fabric8
   * reads the object first when it patches by withName().
   */
  static void label(KubernetesClient client, SendingIp resource, int bucket) {
    String name = resource.getMetadata().getName();
    String namespace = resource.getMetadata().getNamespace();
    SendingIp target = new SendingIp();
    target.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    try {
      client.resources(SendingIp.class).inNamespace(namespace).resource(target)
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
    // the patches under way are let land (the ones not yet started are left to the next start's informer)
    MoreExecutors.shutdownAndAwaitTermination(patches, Duration.ofSeconds(5));
    informers.clear();
  }
}
