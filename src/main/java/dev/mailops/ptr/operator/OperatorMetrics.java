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
 * status ({@code ptr_sendingips}), DNS queries by type and outcome with a latency histogram
 * ({@code ptr_dns_queries_total}, {@code ptr_dns_query_duration_seconds}) and provider calls by provider,
 * operation and outcome ({@code ptr_provider_calls_total}). No label ever carries a credential or a name from a
 * Secret.
 */
public final class OperatorMetrics implements DnsObserver {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge sendingIps = MultiGauge.builder("ptr.sendingips")
      .description("SendingIps by namespace and Ready status").register(registry);
  private volatile Supplier<Stream<SendingIp>> sendingIpSource = Stream::empty;

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
    Map<List<String>, Long> counts = sendingIpSource.get().collect(Collectors.groupingBy(
        sip -> List.of(sip.getMetadata().getNamespace(), readyStatus(sip)), Collectors.counting()));
    sendingIps.register(counts.entrySet().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("namespace", e.getKey().get(0), "ready", e.getKey().get(1)),
            e.getValue()))
        .collect(Collectors.toList()), true);
    return registry.scrape();
  }

  private static String readyStatus(SendingIp sip) {
    return sip.getStatus() == null ? "Unknown"
        : sip.getStatus().condition(ConditionType.READY.type()).map(Condition::getStatus).orElse("Unknown");
  }
}
