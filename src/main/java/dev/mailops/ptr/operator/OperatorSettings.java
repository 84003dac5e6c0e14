package dev.mailops.ptr.operator;

import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.owner.OwnerSettings;
import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import java.time.Duration;
import java.util.Set;

/**
 * How the operator runs; set by the {@code run} command from flags and environment variables.
 *
 * @param namespaces namespaces to watch, empty for all
 * @param duplicateRecheck how soon a SendingIp that lost an IP claim looks again (the winner may be deleted)
 * @param statusHeartbeat how often lastCheckTime is refreshed when nothing else changed (writes cost API load)
 * @param leaseDuration how long a leader's Lease holds without renewal; a standby takes over after it
 * @param exitOnLostLease end the process when leadership is lost, so two replicas never reconcile at once
 *     (Kubernetes restarts the pod); tests that run several instances in one JVM turn it off
 * @param providers how ReverseDnsProviders are used; its operatorNamespace is where credentials Secrets live
 * @param owner owner discovery (RDAP, cloud ranges) for status.owner; off unless the run command turns it on
 * @param authoritative how the authoritative servers are asked (condition AuthoritativeConsistent); null: not asked
 * @param sharding which share of the SendingIps this replica owns; more than one shard implies leader election
 *     (a Lease per shard)
 */
public record OperatorSettings(DnsSettings dns, Duration defaultRecheckInterval, Set<String> namespaces,
    int healthPort, int reconcileThreads, Duration duplicateRecheck, Duration statusHeartbeat,
    boolean leaderElection, String leaseNamespace, String identity, Duration leaseDuration,
    boolean exitOnLostLease, ProviderSettings providers, OwnerSettings owner, AuthoritativeSettings authoritative,
    Sharding sharding) {

  /** The Lease of the only shard; {@link Sharding#leaseName()} names one per shard. */
  public static final String LEASE_NAME = "ptr-operator-leader";
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);

  /** One shard (every SendingIp), the authoritative view off. */
  public OperatorSettings(DnsSettings dns, Duration defaultRecheckInterval, Set<String> namespaces,
      int healthPort, int reconcileThreads, Duration duplicateRecheck, Duration statusHeartbeat,
      boolean leaderElection, String leaseNamespace, String identity, Duration leaseDuration,
      boolean exitOnLostLease, ProviderSettings providers, OwnerSettings owner) {
    this(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads, duplicateRecheck, statusHeartbeat,
        leaderElection, leaseNamespace, identity, leaseDuration, exitOnLostLease, providers, owner, null, Sharding.NONE);
  }

  /** Default lease and provider settings, owner discovery off, the lease namespace as the operator's own. */
  public OperatorSettings(DnsSettings dns, Duration defaultRecheckInterval, Set<String> namespaces, int healthPort,
      int reconcileThreads, Duration duplicateRecheck, Duration statusHeartbeat, boolean leaderElection,
      String leaseNamespace, String identity) {
    this(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads, duplicateRecheck, statusHeartbeat,
        leaderElection, leaseNamespace, identity, DEFAULT_LEASE_DURATION, true,
        ProviderSettings.defaults(leaseNamespace), OwnerSettings.disabled());
  }

  /** The same settings with leader election on, in {@code namespace}, as {@code identity}. */
  public OperatorSettings withLeaderElection(String namespace, String identity, Duration leaseDuration,
      boolean exitOnLostLease) {
    return new OperatorSettings(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads,
        duplicateRecheck, statusHeartbeat, true, namespace, identity, leaseDuration, exitOnLostLease, providers, owner,
        authoritative, sharding);
  }

  public OperatorSettings withProviders(ProviderSettings newProviders) {
    return new OperatorSettings(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads,
        duplicateRecheck, statusHeartbeat, leaderElection, leaseNamespace, identity, leaseDuration, exitOnLostLease,
        newProviders, owner, authoritative, sharding);
  }

  public OperatorSettings withOwner(OwnerSettings newOwner) {
    return new OperatorSettings(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads,
        duplicateRecheck, statusHeartbeat, leaderElection, leaseNamespace, identity, leaseDuration, exitOnLostLease,
        providers, newOwner, authoritative, sharding);
  }

  /** The same settings with the authoritative check on ({@code settings}) or off (null). */
  public OperatorSettings withAuthoritative(AuthoritativeSettings settings) {
    return new OperatorSettings(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads,
        duplicateRecheck, statusHeartbeat, leaderElection, leaseNamespace, identity, leaseDuration, exitOnLostLease,
        providers, owner, settings, sharding);
  }

  /** The same settings owning only {@code newSharding}'s share; with more than one shard, with leader election. */
  public OperatorSettings withSharding(Sharding newSharding) {
    return new OperatorSettings(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads,
        duplicateRecheck, statusHeartbeat, leaderElection || newSharding.sharded(), leaseNamespace, identity,
        leaseDuration, exitOnLostLease, providers, owner, authoritative, newSharding);
  }
}
