package dev.mailops.ptr.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * What provider integration tests read back through the API server: SendingIp conditions and provider state,
 * ReverseDnsProvider Ready, Events, everything a user could see (for secrets that must not be there), and the
 * operator's log lines.
 */
public final class ProviderChecks {
  private final KubernetesClient client;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  public ProviderChecks(KubernetesClient client) {
    this.client = client;
  }

  /** Starts capturing every log line of this JVM (the operator runs in it), at DEBUG for the operator's own. */
  public ProviderChecks captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    ((Logger) LoggerFactory.getLogger("dev.mailops.ptr")).setLevel(Level.DEBUG);
    return this;
  }

  public void stopLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  public String logText() {
    synchronized (logs.list) {
      return String.join("\n", logs.list.stream().map(e -> e.getFormattedMessage()
          + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList());
    }
  }

  public Optional<Condition> condition(String ns, String name, String type) {
    return SendingIps.condition(client, ns, name, type);
  }

  /** "Status/Reason" of a condition, e.g. "False/ProviderError"; empty while it is not there. */
  public Optional<String> statusReason(String ns, String name, String type) {
    return condition(ns, name, type).map(c -> c.getStatus() + "/" + c.getReason());
  }

  public Optional<ProviderState> providerState(String ns, String name) {
    return SendingIps.providerState(client, ns, name);
  }

  public Optional<Condition> providerReady(String name) {
    return ReverseDnsProviders.ready(client, name);
  }

  /** Messages of the Events about one SendingIp with this reason. */
  public List<String> events(String ns, String name, String reason) {
    return SendingIps.events(client, ns, name).stream().filter(e -> reason.equals(e.getReason()))
        .map(io.fabric8.kubernetes.api.model.Event::getMessage).toList();
  }

  /** SendingIps and Events of these namespaces and all ReverseDnsProviders, as YAML, plus the captured logs. */
  public String everythingUsersSee(String... namespaces) {
    StringBuilder all = new StringBuilder(Serialization.asYaml(client.resources(ReverseDnsProvider.class).list()));
    for (String ns : namespaces) {
      all.append(Serialization.asYaml(client.resources(SendingIp.class).inNamespace(ns).list()));
      all.append(Serialization.asYaml(client.v1().events().inNamespace(ns).list()));
    }
    return all.append(logText()).toString();
  }

  /**
   * Upper bound of provider attempts in {@code window} after a first failure when every attempt fails at once:
   * attempt k+1 starts no sooner than the k-th backoff (initial, doubling, at most max) after attempt k, plus one
   * for scheduling slack. A hot loop would exceed it by far.
   */
  public static int maxAttempts(Duration window, Duration initial, Duration max) {
    int attempts = 1;
    Duration at = Duration.ZERO;
    Duration delay = initial;
    while (true) {
      at = at.plus(delay);
      if (at.compareTo(window) > 0) {
        return attempts + 1;
      }
      attempts++;
      delay = delay.multipliedBy(2).compareTo(max) > 0 ? max : delay.multipliedBy(2);
    }
  }
}
