package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Whether a SendingIp may use a ReverseDnsProvider at all: its allowedCidrs and namespaceSelector. */
final class ProviderPermission {
  private ProviderPermission() {}

  /** Why the SendingIp may not use the provider, when it may not: the rule that refuses it, in words. */
  static Optional<String> refusal(SendingIp resource, InetAddress ip, ReverseDnsProvider provider,
      Map<String, String> namespaceLabels) {
    String name = provider.getMetadata().getName();
    List<String> cidrs = provider.getSpec() == null ? List.of() : provider.getSpec().getAllowedCidrs();
    if (!ProviderRules.inAnyCidr(ip, cidrs)) {
      return Optional.of(IpAddresses.format(ip) + " is outside the allowedCidrs " + cidrs + " of ReverseDnsProvider "
          + name + "; no provider call is made");
    }
    String namespace = resource.getMetadata().getNamespace();
    return ProviderRules.unmet(provider.getSpec().getNamespaceSelector(), namespaceLabels).map(unmet -> "Namespace "
        + namespace + " is not selected by the namespaceSelector of ReverseDnsProvider " + name + " (" + unmet
        + " not met); no provider call is made");
  }
}
