package dev.mailops.ptr.gate;

import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.Verification;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether and how the PTR of a SendingIp is set at its provider, after DNS was verified. The reconciler
 * hands it the verification; the gate owns the provider calls and returns what ProviderSynced should say.
 */
public interface ProviderGate {

  ProviderSync sync(SendingIp resource, Verification verification);

  /** Event sources the gate needs next to the SendingIp informer (e.g. ReverseDnsProviders); none by default. */
  default List<EventSource<?, SendingIp>> eventSources(EventSourceContext<SendingIp> context) {
    return List.of();
  }

  /**
   * Called while a SendingIp is being deleted (its finalizer is still on). Empty: done, the finalizer may go;
   * a duration: not done yet, call again after it.
   */
  default Optional<Duration> cleanup(SendingIp resource) {
    return Optional.empty();
  }

  /** For SendingIps without providerRef, and for operators run without any provider support. */
  ProviderGate NONE = (resource, verification) -> resource.getSpec().getProviderRef() == null
      ? ProviderSync.noProvider()
      : ProviderSync.failed("ProviderError", "ReverseDnsProvider " + resource.getSpec().getProviderRef()
          + " cannot be used: this operator runs without provider support", null);
}
