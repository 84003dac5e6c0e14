package dev.mailops.ptr.operator;

import dev.mailops.ptr.status.ConditionType;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.DnsObserver;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  public Metrics josdkMetrics() {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }

  /** Where the SendingIp gauge reads from at scrape time: the informer cache, so no API call. */
  public void countSendingIpsFrom(Supplier<Stream<SendingIp>> source) {
    this.sendingIpSource = source;
  }

  @Override
  public void queried(String type, String outcome, Duration elapsed) {
    Counter.builder("ptr.dns.queries").description("DNS queries sent by the verification engine")
        .tags("type", type, "outcome", outcome).register(registry).increment();
    Timer.builder("ptr.dns.query.duration").description("Time from sending a DNS query to its answer")
        .tags("type", type).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry).record(elapsed);
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
