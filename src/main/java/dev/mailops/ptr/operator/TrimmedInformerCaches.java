package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.ResolvedControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The trimmed informer cache ({@link CachedSendingIp}) in every watched namespace.
 *
 * <p>JOSDK (5.2.3) runs one informer per watched namespace and gives each the item store its informer configuration
 * returns ({@code InformerManager} calls {@code getItemStore()} once per informer it creates). A store set with
 * {@code withItemStore} is one instance, and fabric8 cannot share one between informers: each informer lists,
 * resyncs and, after a relist, removes from it whatever its own namespace's list lacks, so it would list the other
 * namespaces' objects and drop them. The configuration handed to JOSDK therefore answers every
 * {@code getItemStore()} with a new store.
 *
 * <p>With shards, every replica's informer sees every SendingIp; one another shard owns is kept only as a
 * {@linkplain #placeholder placeholder}, so that a replica's heap grows with its share.
 */
final class TrimmedInformerCaches {
  private TrimmedInformerCaches() {}

  /** {@code built} with a new trimming item store for each informer JOSDK creates for it. */
  static ControllerConfiguration<SendingIp> onEveryInformer(ControllerConfiguration<SendingIp> built,
      Sharding sharding) {
    // the same constructor JOSDK's copy constructor uses; this controller has no dependent resources to carry over
    return new ResolvedControllerConfiguration<>(built.getName(), built.isGenerationAware(),
        built.getAssociatedReconcilerClassName(), built.getRetry(), built.getRateLimiter(),
        built.maxReconciliationInterval().orElse(null), built.getFinalizerName(), Map.of(), built.fieldManager(),
        built.getConfigurationService(), new StorePerInformer(built.getInformerConfig(), sharding),
        built.triggerReconcilerOnAllEvents(), built.getWorkflowSpec().orElse(null));
  }

  /** The informer configuration {@code original}, but with a new trimming store at every call of getItemStore. */
  private static final class StorePerInformer extends InformerConfiguration<SendingIp> {
    private final Sharding sharding;

    StorePerInformer(InformerConfiguration<SendingIp> original, Sharding sharding) {
      super(original.getResourceClass(), original.getName(), original.getNamespaces(),
          original.getFollowControllerNamespaceChanges(), original.getLabelSelector(), original.getOnAddFilter(),
          original.getOnUpdateFilter(), original.getOnDeleteFilter(), original.getGenericFilter(), null,
          original.getInformerListLimit(), original.getFieldSelector());
      this.sharding = sharding;
    }

    @Override
    public ItemStore<SendingIp> getItemStore() {
      return newStore(sharding);
    }
  }

  /** The store of one informer: trimmed SendingIps this replica checks, placeholders of the others. */
  static ItemStore<SendingIp> newStore(Sharding sharding) {
    return new TrimmingStore(resource -> sharding.owns(resource) ? CachedSendingIp.trim(resource)
        : placeholder(resource));
  }

  /**
   * JOSDK's {@code TransformingItemStore}, but keeping the transformed object as it is: that one puts back the
   * name, namespace and resourceVersion strings the object came with, so each cached SendingIp kept its own copy
   * of its namespace's name where trimming had shared one. Not full state, as JOSDK's: during the first list the
   * informer notifies each add at once with the object it received, instead of reading it back from here later.
   */
  private static final class TrimmingStore implements ItemStore<SendingIp> {
    private final ConcurrentHashMap<String, SendingIp> items = new ConcurrentHashMap<>();
    private final UnaryOperator<SendingIp> trim;

    TrimmingStore(UnaryOperator<SendingIp> trim) {
      this.trim = trim;
    }

    @Override
    public String getKey(SendingIp resource) {
      return Cache.metaNamespaceKeyFunc(resource);
    }

    @Override
    public SendingIp put(String key, SendingIp resource) {
      return items.put(key, trim.apply(resource));
    }

    @Override
    public SendingIp remove(String key) {
      return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
      return items.keySet().stream();
    }

    @Override
    public Stream<SendingIp> values() {
      return items.values().stream();
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public SendingIp get(String key) {
      return items.get(key);
    }

    @Override
    public boolean isFullState() {
      return false;
    }
  }

  /**
   * What a replica keeps of a SendingIp another shard owns: its identity and its spec (an update that moves the IP
   * into this shard is told from the old copy's IP), with the strings shared and the maps frozen as in a trimmed
   * SendingIp: a replica keeps one for every SendingIp of the other shards, so with T shards it holds T - 1 of
   * them for each one it checks. It is never reconciled (the controller's event filters drop it) nor indexed.
   */
  static SendingIp placeholder(SendingIp resource) {
    SendingIp placeholder = new SendingIp();
    ObjectMeta meta = resource.getMetadata();
    placeholder.setMetadata(new ObjectMetaBuilder().withNamespace(meta.getNamespace()).withName(meta.getName())
        .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withGeneration(meta.getGeneration())
        .build());
    placeholder.setSpec(resource.getSpec());
    return CachedSendingIp.trim(placeholder);
  }
}
