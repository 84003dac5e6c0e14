package dev.mailops.ptr.operator;

import dev.mailops.ptr.status.ConditionType;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.DnsObserver;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prometheus metrics at /metrics: java-operator-sdk's own, plus the domain's: SendingIps by namespace and Ready
 * status ({@code ptr_sendingips}), by namespace, condition type (Ready, Reconciling, Stalled) and status
 * ({@code ptr_sendingip_conditions}, what the PrometheusRule alerts on), DNS queries by type and outcome with a latency histogram
 * ({@code ptr_dns_queries_total}, {@code ptr_dns_query_duration_seconds}) and provider calls by provider,
 * operation and outcome ({@code ptr_provider_calls_total}). No label ever carries a credential or a name from a
 * Secret.
 */
public final class OperatorMetrics implements DnsObserver {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge sendingIps = MultiGauge.builder("ptr.sendingips")
      .description("SendingIps by namespace and Ready status").register(registry);
  private final MultiGauge conditions = MultiGauge.builder("ptr.sendingip.conditions")
      .description("SendingIps by namespace, condition type (Ready, Reconciling, Stalled) and status").register(registry);
  private volatile Supplier<Stream<SendingIp>> sendingIpSource = Stream::empty;
  /** The conditions alerts need; the per-check ones stay out to keep the series few. */
  private static final List<String> ALERTED_TYPES = List.of(ConditionType.READY.type(),
      ConditionType.RECONCILING.type(), ConditionType.STALLED.type());
  private final Set<ResourceID> failing = ConcurrentHashMap.newKeySet();
  /** Told of each reconcile that finished without an error, and of each object's cleanup; nothing by default. */
  private volatile Consumer<ResourceID> finishedListener = id -> {};
  private volatile Consumer<ResourceID> cleanupListener = id -> {};
  private final Map<List<String>, Counter> queryCounters = new ConcurrentHashMap<>();
  private final Map<String, Timer> queryTimers = new ConcurrentHashMap<>();

  /** JOSDK's metrics into the registry; they also keep {@link #failingResources()}. */
  public Metrics josdkMetrics() {
    Metrics micrometer = new ReconcileMeters(registry);
    return new Metrics() {
      @Override
      public void controllerRegistered(Controller<? extends HasMetadata> controller) {
        micrometer.controllerRegistered(controller);
      }

      @Override
      public void receivedEvent(Event event, Map<String, Object> metadata) {
        micrometer.receivedEvent(event, metadata);
      }

      @Override
      public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        micrometer.reconcileCustomResource(resource, retryInfo, metadata);
      }

      @Override
      public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
        failing.add(ResourceID.fromResource(resource));
        micrometer.failedReconciliation(resource, exception, metadata);
      }

      @Override
      public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
        micrometer.reconciliationExecutionStarted(resource, metadata);
      }

      @Override
      public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
        micrometer.reconciliationExecutionFinished(resource, metadata);
      }

      @Override
      public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
        failing.remove(resourceID);
        cleanupListener.accept(resourceID);
        micrometer.cleanupDoneFor(resourceID, metadata);
      }

      @Override
      public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
        failing.remove(ResourceID.fromResource(resource));
        finishedListener.accept(ResourceID.fromResource(resource));
        micrometer.finishedReconciliation(resource, metadata);
      }

      @Override
      public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        return micrometer.timeControllerExecution(execution);
      }

      @Override
      public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
        return micrometer.monitorSizeOf(map, name);
      }
    };
  }

  /**
   * Tells {@code finished} of every reconcile that finishes without an error and {@code cleanedUp} of every object
   * whose cleanup is done (set them before the operator starts): a test counts reconciles per object to wait for a
   * re-check instead of sleeping. The operator itself keeps no count per object, which would cost every SendingIp a
   * map entry (docs/benchmarks.md, live heap per SendingIp).
   */
  public void onReconciliation(Consumer<ResourceID> finished, Consumer<ResourceID> cleanedUp) {
    this.finishedListener = finished;
    this.cleanupListener = cleanedUp;
  }

  /** Resources whose last reconcile failed (and is being retried): the ones to run again after an API outage. */
  public Set<ResourceID> failingResources() {
    return Set.copyOf(failing);
  }

  /** Where the SendingIp gauge reads from at scrape time: the informer cache, so no API call. */
  public void countSendingIpsFrom(Supplier<Stream<SendingIp>> source) {
    this.sendingIpSource = source;
  }

  /** The Ready Events waiting to be posted, read at scrape time. */
  public void countQueuedEventsFrom(IntSupplier queued) {
    Gauge.builder("ptr.events.queued", queued::getAsInt)
        .description("Kubernetes Events waiting to be posted (beyond 1,000 they are dropped)").register(registry);
  }

  @Override
  public void queried(String type, String outcome, Duration elapsed) {
    // built and registered once per label set (a few record types and outcomes), not looked up for every query
    queryCounters.computeIfAbsent(List.of(type, outcome), labels -> Counter.builder("ptr.dns.queries")
        .description("DNS queries sent by the verification engine")
        .tags("type", type, "outcome", outcome).register(registry)).increment();
    queryTimers.computeIfAbsent(type, label -> Timer.builder("ptr.dns.query.duration")
        .description("Time from sending a DNS query to its answer")
        .tags("type", type).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry)).record(elapsed);
  }

  /** One call to a provider's API; outcome is ok or the failure kind in lower case. */
  public void providerCall(String provider, String operation, String outcome) {
    Counter.builder("ptr.provider.calls").description("Calls to reverse DNS provider APIs")
        .tags("provider", provider, "operation", operation, "outcome", outcome).register(registry).increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    List<SendingIp> all = sendingIpSource.get().toList();
    Map<List<String>, Long> counts = all.stream().collect(Collectors.groupingBy(
        sip -> List.of(sip.getMetadata().getNamespace(), status(sip, ConditionType.READY.type())),
        Collectors.counting()));
    sendingIps.register(counts.entrySet().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("namespace", e.getKey().get(0), "ready", e.getKey().get(1)),
            e.getValue()))
        .collect(Collectors.toList()), true);
    Map<List<String>, Long> byCondition = all.stream()
        .flatMap(sip -> ALERTED_TYPES.stream().map(type -> List.of(sip.getMetadata().getNamespace(), type,
            status(sip, type))))
        .collect(Collectors.groupingBy(key -> key, Collectors.counting()));
    conditions.register(byCondition.entrySet().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("namespace", e.getKey().get(0), "type", e.getKey().get(1), "status",
            e.getKey().get(2)), e.getValue()))
        .collect(Collectors.toList()), true);
    return registry.scrape();
  }

  /** A condition's status; Unknown before the operator wrote one (a new SendingIp, or one from an older version). */
  private static String status(SendingIp sip, String type) {
    return sip.getStatus() == null ? "Unknown"
        : sip.getStatus().condition(type).map(Condition::getStatus).orElse("Unknown");
  }
}
