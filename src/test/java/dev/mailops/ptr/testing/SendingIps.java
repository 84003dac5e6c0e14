package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** Building and reading SendingIps in tests. */
public final class SendingIps {
  private SendingIps() {}

  /** A SendingIp object (not yet created); hostname, domain and namespace may be null. */
  public static SendingIp sendingIp(String namespace, String name, String ip, String hostname, String domain) {
    SendingIp sip = new SendingIp();
    sip.getMetadata().setName(name);
    sip.getMetadata().setNamespace(namespace);
    SendingIpSpec spec = new SendingIpSpec();
    spec.setIp(ip);
    spec.setHostname(hostname);
    spec.setDomain(domain);
    sip.setSpec(spec);
    return sip;
  }

  /** Creates it through the API server. */
  public static SendingIp create(KubernetesClient client, String namespace, String name, String ip, String hostname,
      String domain) {
    return client.resource(sendingIp(namespace, name, ip, hostname, domain)).create();
  }

  /**
   * Creates one that uses ReverseDnsProvider {@code provider} through the API server; provider and policy may be null
   * (none; Retain).
   */
  public static SendingIp createWithProvider(KubernetesClient client, String namespace, String name, String ip,
      String hostname, String provider, DeletionPolicy policy) {
    SendingIp sip = sendingIp(namespace, name, ip, hostname, null);
    sip.getSpec().setProviderRef(provider);
    sip.getSpec().setDeletionPolicy(policy);
    return client.resource(sip).create();
  }

  /** As the API server has it now, null when there is none. */
  public static SendingIp get(KubernetesClient client, String namespace, String name) {
    return client.resources(SendingIp.class).inNamespace(namespace).withName(name).get();
  }

  /** The Ready condition's status, or empty while the operator has not written one. */
  public static Optional<String> readyStatus(KubernetesClient client, String namespace, String name) {
    return condition(client, namespace, name, "Ready").map(Condition::getStatus);
  }

  /** One condition of the SendingIp's status, empty while there is none. */
  public static Optional<Condition> condition(KubernetesClient client, String namespace, String name, String type) {
    SendingIp sip = get(client, namespace, name);
    return sip == null || sip.getStatus() == null ? Optional.empty() : sip.getStatus().condition(type);
  }

  /** What the status says the provider holds, empty while nothing is recorded. */
  public static Optional<ProviderState> providerState(KubernetesClient client, String namespace, String name) {
    SendingIp sip = get(client, namespace, name);
    return sip == null || sip.getStatus() == null ? Optional.empty()
        : Optional.ofNullable(sip.getStatus().getProvider());
  }

  /** The Events about the SendingIp (or anything else of that name in the namespace). */
  public static List<Event> events(KubernetesClient client, String namespace, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
  }
}
