package dev.mailops.ptr.reliability;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** Small helpers to create and read SendingIps in one namespace. */
final class SendingIps {
  /** The conditions the DNS verdicts drive (ProviderSynced and HostnameMeaningful are not DNS answers). */
  static final List<String> DNS_CONDITIONS = List.of("PtrPresent", "SinglePtr", "PtrMatchesHostname",
      "ForwardConfirmed");

  private final KubernetesClient client;
  private final String namespace;

  SendingIps(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  static SendingIp of(String name, String ip, String hostname) {
    return dev.mailops.ptr.testing.SendingIps.sendingIp(null, name, ip, hostname, null);
  }

  SendingIp create(String name, String ip, String hostname) {
    return create(of(name, ip, hostname));
  }

  SendingIp create(SendingIp sip) {
    return client.resource(sip).inNamespace(namespace).create();
  }

  SendingIp get(String name) {
    return dev.mailops.ptr.testing.SendingIps.get(client, namespace, name);
  }

  Optional<SendingIpStatus> status(String name) {
    SendingIp sip = get(name);
    return sip == null ? Optional.empty() : Optional.ofNullable(sip.getStatus());
  }

  Optional<Condition> condition(String name, String type) {
    return status(name).flatMap(s -> s.condition(type));
  }

  /** "Status/Reason" of the Ready condition, or null before the first status. */
  String ready(String name) {
    return condition(name, "Ready").map(c -> c.getStatus() + "/" + c.getReason()).orElse(null);
  }
}
