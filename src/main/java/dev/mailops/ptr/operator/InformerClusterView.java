package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.gate.ClusterView;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The gate's view of the cluster: ReverseDnsProviders from an informer (a change re-triggers the SendingIps that
 * reference it, through a providerRef index on the SendingIp cache), namespace labels from a GET remembered for
 * {@code labelsTtl}.
 */
final class InformerClusterView implements ClusterView {
  static final String PROVIDER_INDEX = "by-provider";

  private record Labels(Map<String, String> labels, Instant readAt) {}

  private final KubernetesClient client;
  private final Duration labelsTtl;
  private final Clock clock;
  /** The SendingIps this replica checks (all of them with one shard): a provider's change reconciles only those. */
  private final Predicate<SendingIp> checkedHere;
  private final Map<String, Labels> namespaceLabels = new ConcurrentHashMap<>();
  private volatile InformerEventSource<ReverseDnsProvider, SendingIp> providers;

  InformerClusterView(KubernetesClient client, Duration labelsTtl, Clock clock, Predicate<SendingIp> checkedHere) {
    this.client = client;
    this.checkedHere = checkedHere;
    this.labelsTtl = labelsTtl;
    this.clock = clock;
  }

  /** The ReverseDnsProvider informer, registered with the SendingIp controller. */
  List<EventSource<?, SendingIp>> eventSources(EventSourceContext<SendingIp> context) {
    // only the SendingIps this replica checks: another shard reconciles the others when their provider changes
    context.getPrimaryCache().addIndexer(PROVIDER_INDEX, resource -> {
      String ref = resource.getSpec() == null ? null : resource.getSpec().getProviderRef();
      return ref == null || ref.isBlank() || !checkedHere.test(resource) ? List.of() : List.of(ref);
    });
    var config = InformerEventSourceConfiguration.from(ReverseDnsProvider.class, SendingIp.class)
        .withName("reversednsproviders")
        .withWatchAllNamespaces()
        .withSecondaryToPrimaryMapper(provider -> context.getPrimaryCache()
            .byIndex(PROVIDER_INDEX, provider.getMetadata().getName()).stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    providers = new InformerEventSource<>(config, context);
    return List.of(providers);
  }

  @Override
  public Optional<ReverseDnsProvider> provider(String name) {
    InformerEventSource<ReverseDnsProvider, SendingIp> source = providers;
    return source != null ? source.get(new ResourceID(name))
        : Optional.ofNullable(client.resources(ReverseDnsProvider.class).withName(name).get());
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Instant now = clock.instant();
    Labels cached = namespaceLabels.get(namespace);
    if (cached != null && cached.readAt().plus(labelsTtl).isAfter(now)) {
      return cached.labels();
    }
    Namespace ns;
    try {
      ns = client.namespaces().withName(namespace).get();
    } catch (KubernetesClientException e) {
      throw new LookupFailedException("Could not read the labels of namespace " + namespace + " (HTTP " + e.getCode()
          + ")");
    }
    Map<String, String> labels = ns == null || ns.getMetadata().getLabels() == null ? Map.of()
        : Map.copyOf(ns.getMetadata().getLabels());
    namespaceLabels.put(namespace, new Labels(labels, now));
    return labels;
  }
}
