package dev.mailops.ptr.operator;

import com.google.common.util.concurrent.MoreExecutors;
import dev.mailops.ptr.gate.GateEvents;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>Repeats are aggregated as client-go's EventCorrelator does: an Event with the same object, type, reason and
 * message as one already posted updates that Event's {@code count} and {@code lastTimestamp} (one PATCH) instead of
 * adding a new one, so a Ready flip on every DNS blip is one line in `kubectl describe`, not one per blip. The
 * last {@value #REMEMBERED} such keys are remembered, as in client-go; an Event the API server has already
 * expired (1 h TTL by default) is posted anew.
 */
public class SendingIpEvents implements GateEvents, AutoCloseable {
  static final int QUEUE_LIMIT = 1000;
  static final int REMEMBERED = 4096;
  private static final Logger log = LoggerFactory.getLogger(SendingIpEvents.class);
  private final KubernetesClient client;
  private final Clock clock;
  private final String component;
  private final ThreadPoolExecutor poster;
  /** Posted Events by what makes them the same; touched only by the single poster thread. */
  private final Map<EventKey, Posted> posted = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<EventKey, Posted> eldest) {
      return size() > REMEMBERED;
    }
  };

  private record EventKey(String namespace, String name, String uid, String type, String reason, String message) {}

  private record Posted(String eventName, int count) {}

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

  /** Events waiting for the poster thread (at most {@value #QUEUE_LIMIT}; more are dropped). */
  int queued() {
    return poster.getQueue().size();
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

  /**
   * A Warning when AuthoritativeConsistent turns False (a secondary behind, servers disagreeing, a lame server), a
   * Normal Event when it turns True again; Unknown (a server that did not answer) makes none, as it may be temporary.
   */
  void onAuthoritativeChange(SendingIp resource, Optional<Condition> before, Optional<Condition> after) {
    String oldStatus = before.map(Condition::getStatus).orElse(null);
    String newStatus = after.map(Condition::getStatus).orElse(null);
    if (after.isEmpty() || Objects.equals(oldStatus, newStatus) || Conditions.UNKNOWN.equals(newStatus)) {
      return;
    }
    Condition c = after.get();
    if (Conditions.FALSE.equals(newStatus)) {
      record(resource, "Warning", "AuthoritativeInconsistent", c.getReason() + ": " + c.getMessage());
    } else if (oldStatus != null) {
      record(resource, "Normal", "AuthoritativeConsistent", c.getReason() + ": " + c.getMessage());
    }
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
    EventKey key = new EventKey(namespace, name, resource.getMetadata().getUid(), type, reason, message);
    poster.execute(() -> {
      try {
        post(key, event, now);
      } catch (RuntimeException e) {
        // An Event is a courtesy: losing one must not fail the reconcile that writes the status.
        log.warn("could not record event {} for {}/{}: {}", reason, namespace, name, e.getMessage());
      }
    });
  }

  private void post(EventKey key, Event event, String now) {
    Posted earlier = posted.get(key);
    if (earlier != null) {
      int count = earlier.count() + 1;
      try {
        client.v1().events().inNamespace(key.namespace()).withName(earlier.eventName())
            .patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}");
        posted.put(key, new Posted(earlier.eventName(), count));
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
        // expired by the API server's Event TTL: start a new one
      }
    }
    client.v1().events().inNamespace(key.namespace()).resource(event).create();
    posted.put(key, new Posted(event.getMetadata().getName(), 1));
  }

  /** Posts what is queued (for at most a few seconds), then stops. */
  @Override
  public void close() {
    MoreExecutors.shutdownAndAwaitTermination(poster, Duration.ofSeconds(5));
  }
}
