package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceAction;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's meters are java-operator-sdk's: the same calls into {@link ReconcileMeters} and into the SDK's own
 * {@code MicrometerMetrics} (without per-resource metrics) give the same meters, tag for tag, with the same values,
 * but for the reconcile timer's quantiles computed in the process.
 */
class ReconcileMetersTest {
  private static final String CONTROLLER = "probe";
  private final KubernetesClient client = new KubernetesClientBuilder()
      .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build()).build();

  @ControllerConfiguration(name = CONTROLLER)
  static final class Probe implements Reconciler<SendingIp> {
    @Override
    public UpdateControl<SendingIp> reconcile(SendingIp resource, Context<SendingIp> context) {
      return UpdateControl.noUpdate();
    }
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void everyMeterHasJavaOperatorSdksNameTagsAndValue() {
    MeterRegistry ours = new SimpleMeterRegistry();
    MeterRegistry sdks = new SimpleMeterRegistry();
    drive(new ReconcileMeters(ours));
    drive(MicrometerMetrics.withoutPerResourceMetrics(sdks));

    assertThat(ours.getMeters()).isNotEmpty();
    Map<String, Double> expected = values(sdks);
    // the one difference: the reconcile timer's quantiles computed in the process (its histogram buckets stay)
    assertThat(expected.keySet().removeIf(meter -> meter.startsWith("operator.sdk.controllers.execution.reconcile"
        + ".percentile[tag(controller=probe), tag(phi="))).isTrue();
    assertThat(values(ours)).isEqualTo(expected);
  }

  /** A controller's life in the calls java-operator-sdk makes: events, reconciles that succeed and fail, a delete. */
  private void drive(Metrics metrics) {
    Probe probe = new Probe();
    var configuration = new BaseConfigurationService().getConfigurationFor(probe);
    metrics.controllerRegistered(new Controller<>(probe, configuration, client));
    SendingIp resource = new SendingIp();
    resource.getMetadata().setName("mx1");
    resource.getMetadata().setNamespace("mail");
    ResourceID id = ResourceID.fromResource(resource);
    Map<String, Object> metadata = Map.of(Constants.RESOURCE_GVK_KEY, GroupVersionKind.gvkFor(SendingIp.class),
        Constants.CONTROLLER_NAME, CONTROLLER);

    for (int i = 0; i < 3; i++) {
      metrics.receivedEvent(new ResourceEvent(ResourceAction.UPDATED, id, resource), metadata);
      metrics.reconcileCustomResource(resource, null, metadata);
      metrics.reconciliationExecutionStarted(resource, metadata);
      time(metrics, id, metadata, () -> "done");
      metrics.reconciliationExecutionFinished(resource, metadata);
      metrics.finishedReconciliation(resource, metadata);
    }
    metrics.receivedEvent(new Event(id), metadata);
    metrics.reconcileCustomResource(resource, null, metadata);
    metrics.reconciliationExecutionStarted(resource, metadata);
    assertThatThrownBy(() -> time(metrics, id, metadata, () -> {
      throw new IOException("refused");
    })).isInstanceOf(OperatorException.class).hasCauseInstanceOf(IOException.class);
    metrics.reconciliationExecutionFinished(resource, metadata);
    metrics.failedReconciliation(resource, new OperatorException(new IOException("refused")), metadata);
    metrics.cleanupDoneFor(id, metadata);
  }

  private static void time(Metrics metrics, ResourceID id, Map<String, Object> metadata, Callable<String> body) {
    try {
      metrics.timeControllerExecution(new Metrics.ControllerExecution<String>() {
        @Override
        public String name() {
          return "reconcile";
        }

        @Override
        public String controllerName() {
          return CONTROLLER;
        }

        @Override
        public String successTypeName(String result) {
          return "resource";
        }

        @Override
        public ResourceID resourceID() {
          return id;
        }

        @Override
        public Map<String, Object> metadata() {
          return metadata;
        }

        @Override
        public String execute() throws Exception {
          return body.call();
        }
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each meter as name and sorted tags, to its value: a counter's count, a gauge's value, a timer's count. */
  private static Map<String, Double> values(MeterRegistry registry) {
    Map<String, Double> values = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      double value = meter instanceof Counter counter ? counter.count()
          : meter instanceof Gauge gauge ? gauge.value()
          : meter instanceof Timer timer ? timer.count() : Double.NaN;
      values.put(meter.getId().getName() + meter.getId().getTags(), value);
    }
    return values;
  }
}
