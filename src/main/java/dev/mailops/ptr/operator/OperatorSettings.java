package dev.mailops.ptr.operator;

import dev.mailops.ptr.verify.DnsSettings;
import java.time.Duration;
import java.util.Set;

/**
 * How the operator runs; set by the {@code run} command from flags and environment variables.
 *
 * @param namespaces namespaces to watch, empty for all
 * @param duplicateRecheck how soon a SendingIp that lost an IP claim looks again (the winner may be deleted)
 * @param statusHeartbeat how often lastCheckTime is refreshed when nothing else changed (writes cost API load)
 * @param providers how ReverseDnsProviders are used; its operatorNamespace is where credentials Secrets live
 */
public record OperatorSettings(DnsSettings dns, Duration defaultRecheckInterval, Set<String> namespaces,
    int healthPort, int reconcileThreads, Duration duplicateRecheck, Duration statusHeartbeat,
    boolean leaderElection, String leaseNamespace, String identity, ProviderSettings providers) {

  public static final String LEASE_NAME = "ptr-operator-leader";

  /** Provider settings by default, with the lease namespace as the operator's own namespace. */
  public OperatorSettings(DnsSettings dns, Duration defaultRecheckInterval, Set<String> namespaces,
      int healthPort, int reconcileThreads, Duration duplicateRecheck, Duration statusHeartbeat,
      boolean leaderElection, String leaseNamespace, String identity) {
    this(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads, duplicateRecheck, statusHeartbeat,
        leaderElection, leaseNamespace, identity, ProviderSettings.defaults(leaseNamespace));
  }

  public OperatorSettings withProviders(ProviderSettings newProviders) {
    return new OperatorSettings(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads,
        duplicateRecheck, statusHeartbeat, leaderElection, leaseNamespace, identity, newProviders);
  }
}
