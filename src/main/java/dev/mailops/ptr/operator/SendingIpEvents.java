package dev.mailops.ptr.operator;

import dev.mailops.ptr.gate.GateEvents;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events about SendingIps, so `kubectl describe` tells the story: every Ready transition, and what the
 * provider gate did (PtrSet, PtrReset, PtrResetFailed).
 *
 * <p>Events are posted by one background thread, not by the reconciler: when thousands of SendingIps are
 * created at once, each reconcile would otherwise wait for a second API call before its status is written.
 * Like client-go's event broadcaster, the queue is bounded ({@value #QUEUE_LIMIT}) and events beyond it are
 * dropped (and logged at debug): an Event is a courtesy, status is the record.
 */
public class SendingIpEvents implements GateEvents, AutoCloseable {
  static final int QUEUE_LIMIT = 1000;
  private static final Logger log = LoggerFactory.getLogger(SendingIpEvents.class);
  private final KubernetesClient client;
  private final Clock clock;
  private final String component;
  private final ThreadPoolExecutor poster;

  public SendingIpEvents(KubernetesClient client, Clock clock, String component) {
    this.client = client;
    this.clock = clock;
    this.component = component;
    this.poster = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_LIMIT), r -> {
      Thread t = new Thread(r, "ready-events");
      t.setDaemon(true);
      return t;
    }, (r, executor) -> log.debug("event queue full ({} waiting): an Event is dropped", QUEUE_LIMIT));
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
    record(resource, good ? "Normal" : "Warning", reason, ready.getReason() + ": " + ready.getMessage());
  }

  /** Queues one Event about {@code resource}; type is Normal or Warning. */
  @Override
  public void record(SendingIp resource, String type, String reason, String message) {
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
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(component).endSource()
        .build();
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    poster.execute(() -> {
      try {
        client.v1().events().inNamespace(namespace).resource(event).create();
      } catch (RuntimeException e) {
        // An Event is a courtesy: losing one must not fail the reconcile that writes the status.
        log.warn("could not record event {} for {}/{}: {}", reason, namespace, name, e.getMessage());
      }
    });
  }

  /** Posts what is queued (for at most a few seconds), then stops. */
  @Override
  public void close() {
    poster.shutdown();
    try {
      poster.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
