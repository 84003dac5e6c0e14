package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.ReverseDnsProvider;
import java.util.Map;
import java.util.Optional;

/** What the gate needs to know of the cluster: ReverseDnsProviders by name and the labels of namespaces. */
public interface ClusterView {

  Optional<ReverseDnsProvider> provider(String name);

  /**
   * The labels of a namespace (empty when it has none).
   *
   * @throws LookupFailedException when they cannot be read now (the API server is unavailable)
   */
  Map<String, String> namespaceLabels(String namespace);

  /** A look-up that failed for now: no answer, not a "no". */
  class LookupFailedException extends RuntimeException {
    public LookupFailedException(String message) {
      super(message);
    }
  }
}
