package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Emits a Kubernetes Event when a SendingIp's Ready status changes, so `kubectl describe` tells the story. */
public class ReadyEvents {
  private static final Logger log = LoggerFactory.getLogger(ReadyEvents.class);
  private final KubernetesClient client;
  private final Clock clock;
  private final String component;

  public ReadyEvents(KubernetesClient client, Clock clock, String component) {
    this.client = client;
    this.clock = clock;
    this.component = component;
  }

  void onStatusChange(SendingIp resource, Optional<Condition> before, Optional<Condition> after) {
    String oldStatus = before.map(Condition::getStatus).orElse(null);
    String newStatus = after.map(Condition::getStatus).orElse(null);
    if (after.isEmpty() || Objects.equals(oldStatus, newStatus)) {
      return;
    }
    Condition ready = after.get();
    boolean good = Conditions.TRUE.equals(newStatus);
    String reason = good ? "Ready" : "Not" + "Ready" + (Conditions.UNKNOWN.equals(newStatus) ? "Unknown" : "");
    String now = Conditions.timestamp(clock.instant());
    var event = new EventBuilder()
        .withNewMetadata()
        .withName(resource.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
        .withNamespace(resource.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(resource.getApiVersion()).withKind(resource.getKind())
            .withName(resource.getMetadata().getName()).withNamespace(resource.getMetadata().getNamespace())
            .withUid(resource.getMetadata().getUid()).withResourceVersion(resource.getMetadata().getResourceVersion())
            .build())
        .withType(good ? "Normal" : "Warning")
        .withReason(reason)
        .withMessage(ready.getReason() + ": " + ready.getMessage())
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(component).endSource()
        .build();
    try {
      client.v1().events().inNamespace(resource.getMetadata().getNamespace()).resource(event).create();
    } catch (RuntimeException e) {
      // An Event is a courtesy: losing one must not fail the reconcile that writes the status.
      log.warn("could not record event for {}/{}: {}", resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(), e.getMessage());
    }
  }
}
