package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * JOSDK copies every primary resource before its reconciler sees it (through JSON, by default), so that a reconciler
 * changing it cannot corrupt the informer cache. {@link SendingIpReconciler} never changes it: its status is a fresh
 * object, and fabric8 edits a finalizer on its own copy. That copy per reconcile was a third of the operator's CPU in the
 * steady state at N = 10,000 (docs/benchmarks.md), so SendingIps are handed over as the cache holds them, its lists
 * and maps frozen ({@link CachedSendingIp}); other kinds are copied as before.
 */
final class CacheSharingCloner implements Cloner {
  private final KubernetesSerialization serialization;

  CacheSharingCloner(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  @Override
  public <R extends HasMetadata> R clone(R object) {
    return object instanceof SendingIp ? object : serialization.clone(object);
  }
}
