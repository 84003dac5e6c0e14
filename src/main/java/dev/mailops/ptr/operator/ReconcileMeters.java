package dev.mailops.ptr.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * java-operator-sdk's metrics under the names and tags its {@code MicrometerMetrics} (without per-resource metrics)
 * gives them, with each meter built once per label set. Looking meters up by name and tags on every event and
 * reconcile, as {@code MicrometerMetrics} does, was a sixth of the operator's CPU in the steady state. The reconcile
 * timer publishes its histogram buckets only, not quantiles computed in the process: {@code histogram_quantile}
 * gives them from the buckets.
 */
final class ReconcileMeters implements Metrics {
  private static final String PREFIX = "operator.sdk.";
  private static final String EXECUTIONS = PREFIX + "reconciliations.executions.";
  private static final String QUEUE_SIZE = PREFIX + "reconciliations.queue.size.";
  private static final String EXECUTION = PREFIX + "controllers.execution.";

  private final MeterRegistry registry;
  /** Meter name and tag values to the meter (no object's name among them: these are per controller and kind). */
  private final Map<List<Object>, Counter> counters = new ConcurrentHashMap<>();
  private final Map<List<Object>, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> executing = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> queued = new ConcurrentHashMap<>();

  ReconcileMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    String name = controller.getConfiguration().getName();
    Tags kind = gvkTags(GroupVersionKind.gvkFor(controller.getConfiguration().getResourceClass()), "");
    executing.put(name, registry.gauge(EXECUTIONS + name, kind, new AtomicInteger()));
    queued.put(name, registry.gauge(QUEUE_SIZE + name, kind, new AtomicInteger()));
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    String action = event instanceof ResourceEvent resourceEvent ? resourceEvent.getAction().toString() : "UNKNOWN";
    count("events.received", event.getRelatedCustomResourceID(), metadata, "event", event.getClass().getSimpleName(),
        "action", action);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retry, Map<String, Object> metadata) {
    count("reconciliations.started", ResourceID.fromResource(resource), metadata,
        "reconciliations.retries.number", String.valueOf(retry == null ? 0 : retry.getAttemptCount()),
        "reconciliations.retries.last", String.valueOf(retry == null || retry.isLastAttempt()));
    gauge(queued, metadata).incrementAndGet();
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    gauge(executing, metadata).incrementAndGet();
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    gauge(executing, metadata).decrementAndGet();
    gauge(queued, metadata).decrementAndGet();
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    count("reconciliations.success", ResourceID.fromResource(resource), metadata);
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    Throwable cause = exception.getCause();
    if (cause == null) {
      cause = exception;
    } else if (cause instanceof RuntimeException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    count("reconciliations.failed", ResourceID.fromResource(resource), metadata, "exception",
        cause.getClass().getSimpleName());
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    count("events.delete", resourceID, metadata);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) {
    String name = execution.name();
    String controller = execution.controllerName();
    String scope = scopeOf(execution.resourceID());
    Object gvk = kindOf(execution.metadata());
    Timer timer = timers.computeIfAbsent(List.of(name, controller, scope, gvk),
        key -> Timer.builder(EXECUTION + name).tags(Tags.of("controller", controller, "resource.scope", scope)
            .and(gvkTags(gvk, "resource."))).publishPercentileHistogram().register(registry));
    long start = System.nanoTime();
    try {
      T result = execution.execute();
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      executionCounter(name, "success", controller, "type", execution.successTypeName(result)).increment();
      return result;
    } catch (Exception e) {
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      // wrapped as java-operator-sdk's own metrics wrap it, so its error handling sees the same exception
      OperatorException wrapped = e instanceof OperatorException operatorException ? operatorException
          : new OperatorException(e);
      executionCounter(name, "failure", controller, "exception", wrapped.getClass().getSimpleName()).increment();
      throw wrapped;
    }
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    return registry.gaugeMapSize(PREFIX + name + ".size", List.of(), map);
  }

  /** The success or failure counter of a timed execution; its meter name is built only when it is registered. */
  private Counter executionCounter(String name, String outcome, String controller, String tag, String value) {
    return counters.computeIfAbsent(List.of(name, outcome, controller, tag, value),
        key -> registry.counter(EXECUTION + name + "." + outcome, "controller", controller, tag, value));
  }

  /** A counter tagged with the resource's scope and kind, as java-operator-sdk tags it, plus the given tag pairs. */
  private void count(String name, ResourceID id, Map<String, Object> metadata, String... tagPairs) {
    String scope = scopeOf(id);
    Object gvk = kindOf(metadata);
    counters.computeIfAbsent(List.of(name, scope, gvk, List.of(tagPairs)),
        key -> registry.counter(PREFIX + name, Tags.of("scope", scope).and(gvkTags(gvk, "")).and(tagPairs)))
        .increment();
  }

  private static AtomicInteger gauge(Map<String, AtomicInteger> gauges, Map<String, Object> metadata) {
    AtomicInteger gauge = gauges.get(String.valueOf(metadata.get(Constants.CONTROLLER_NAME)));
    return gauge == null ? new AtomicInteger() : gauge;
  }

  /** The resource's GroupVersionKind from java-operator-sdk's metadata ("" when it gave none). */
  private static Object kindOf(Map<String, Object> metadata) {
    Object gvk = metadata == null ? null : metadata.get(Constants.RESOURCE_GVK_KEY);
    return gvk == null ? "" : gvk;
  }

  private static String scopeOf(ResourceID id) {
    return id.getNamespace().isPresent() ? "namespace" : "cluster";
  }

  private static Tags gvkTags(Object gvk, String prefix) {
    if (!(gvk instanceof GroupVersionKind kind)) {
      return Tags.empty();
    }
    Tags tags = Tags.of(Tag.of(prefix + "version", kind.getVersion()), Tag.of(prefix + "kind", kind.getKind()));
    return kind.getGroup() == null || kind.getGroup().isBlank() ? tags : tags.and(prefix + "group", kind.getGroup());
  }
}
