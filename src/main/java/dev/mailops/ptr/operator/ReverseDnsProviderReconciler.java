package dev.mailops.ptr.operator;

import dev.mailops.ptr.gate.ProviderConfigException;
import dev.mailops.ptr.gate.ProviderInstances;
import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderStatus;
import dev.mailops.ptr.provider.ProviderException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;
import java.util.stream.Collectors;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a ReverseDnsProvider's status: its type, observedGeneration and a Ready condition that says whether its
 * credentials Secret is there (in the operator's namespace) and a probe call with them succeeds. Probed again
 * every {@code probeInterval}; the status is patched only when it changed.
 *
 * <p>No finalizer: deleting a ReverseDnsProvider must never need the operator; a built provider of a deleted
 * one is simply no longer looked up.
 *
 * <p>Ready reasons: True/{@code Ready}; False/{@code SecretNotFound}, {@code SecretOutsideOperatorNamespace},
 * {@code InvalidConfig}, {@code Unsupported}, {@code ProbeFailed}. Next to it kstatus's Reconciling (True while a
 * throttled or unavailable probe is retried) and Stalled (True with Ready's words for everything else that is False).
 */
@ControllerConfiguration(name = ReverseDnsProviderReconciler.NAME)
public class ReverseDnsProviderReconciler implements Reconciler<ReverseDnsProvider> {
  public static final String NAME = "reversednsprovider";
  static final String SECRET_INDEX = "by-secret";
  private static final Logger log = LoggerFactory.getLogger(ReverseDnsProviderReconciler.class);

  private final ProviderInstances instances;
  private final ProviderSettings settings;
  private final Clock clock;

  public ReverseDnsProviderReconciler(ProviderInstances instances, ProviderSettings settings, Clock clock) {
    this.instances = instances;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Watches Secrets in the operator namespace only, so that creating or rotating a credentials Secret re-probes the
   * ReverseDnsProviders that reference it at once (an index on the provider cache maps a Secret to them).
   */
  @Override
  public List<EventSource<?, ReverseDnsProvider>> prepareEventSources(
      EventSourceContext<ReverseDnsProvider> context) {
    context.getPrimaryCache().addIndexer(SECRET_INDEX, provider -> provider.getSpec().credentialsSecret()
        .map(ref -> List.of(ref.getNamespace() + "/" + ref.getName())).orElse(List.of()));
    var config = InformerEventSourceConfiguration.from(Secret.class, ReverseDnsProvider.class)
        .withName("credentials-secrets")
        .withNamespaces(Set.of(settings.operatorNamespace()))
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
            .byIndex(SECRET_INDEX, secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName())
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(config, context));
  }

  @Override
  public UpdateControl<ReverseDnsProvider> reconcile(ReverseDnsProvider resource, Context<ReverseDnsProvider> context) {
    Instant now = clock.instant();
    long generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(1L);
    ReverseDnsProviderStatus previous = resource.getStatus();
    List<Condition> previousConditions = previous == null ? List.of() : previous.getConditions();

    String status = Conditions.TRUE;
    String reason = "Ready";
    String message;
    // throttled or unavailable clears by itself at the next probe: Reconciling; everything else needs a person
    Optional<Conditions.Progress> progress = Optional.empty();
    try {
      instances.get(resource, true).probe();
      message = "Credentials present and the " + resource.getSpec().type()
          + " provider answered a probe";
    } catch (ProviderConfigException e) {
      status = Conditions.FALSE;
      reason = e.reason();
      message = e.getMessage();
    } catch (ProviderException e) {
      status = Conditions.FALSE;
      reason = "ProbeFailed";
      message = "Probe failed (" + e.kind() + "): " + e.getMessage();
      if (e.kind().retryable()) {
        progress = Optional.of(new Conditions.Progress(reason, message + "; probing again in "
            + settings.probeInterval().toSeconds() + "s"));
      }
    }

    ReverseDnsProviderStatus next = new ReverseDnsProviderStatus();
    next.setObservedGeneration(generation);
    next.setType(resource.getSpec().type());
    Condition ready = Conditions.transition(previousConditions, Conditions.READY, status, reason, message, generation,
        now);
    List<Condition> conditions = new ArrayList<>(List.of(ready));
    conditions.addAll(Conditions.kstatus(previousConditions, ready, progress, generation, now));
    next.setConditions(conditions);
    if (previous != null && Objects.equals(previous.getObservedGeneration(), next.getObservedGeneration())
        && Objects.equals(previous.getType(), next.getType())
        && Objects.equals(previous.getConditions(), next.getConditions())) {
      return UpdateControl.<ReverseDnsProvider>noUpdate().rescheduleAfter(settings.probeInterval());
    }
    log.info("ReverseDnsProvider {}: Ready={} {}", resource.getMetadata().getName(), status, reason);
    ReverseDnsProvider patch = new ReverseDnsProvider();
    patch.getMetadata().setName(resource.getMetadata().getName());
    patch.setStatus(next);
    return UpdateControl.patchStatus(patch).rescheduleAfter(settings.probeInterval());
  }
}
