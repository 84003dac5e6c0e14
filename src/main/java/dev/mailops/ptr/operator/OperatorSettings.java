package dev.mailops.ptr.operator;

import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.owner.OwnerSettings;
import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

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

  /**
   * Default lease and provider settings, owner discovery and the authoritative view off, one shard, the lease
   * namespace as the operator's own.
   */
  public OperatorSettings(DnsSettings dns, Duration defaultRecheckInterval, Set<String> namespaces, int healthPort,
      int reconcileThreads, Duration duplicateRecheck, Duration statusHeartbeat, boolean leaderElection,
      String leaseNamespace, String identity) {
    this(dns, defaultRecheckInterval, namespaces, healthPort, reconcileThreads, duplicateRecheck, statusHeartbeat,
        leaderElection, leaseNamespace, identity, DEFAULT_LEASE_DURATION, true,
        ProviderSettings.defaults(leaseNamespace), OwnerSettings.disabled(), null, Sharding.NONE);
  }

  /** The same settings with leader election on, in {@code namespace}, as {@code identity}. */
  public OperatorSettings withLeaderElection(String namespace, String identity, Duration leaseDuration,
      boolean exitOnLostLease) {
    return copy(f -> {
      f.leaderElection = true;
      f.leaseNamespace = namespace;
      f.identity = identity;
      f.leaseDuration = leaseDuration;
      f.exitOnLostLease = exitOnLostLease;
    });
  }

  public OperatorSettings withProviders(ProviderSettings newProviders) {
    return copy(f -> f.providers = newProviders);
  }

  public OperatorSettings withOwner(OwnerSettings newOwner) {
    return copy(f -> f.owner = newOwner);
  }

  /** The same settings with the authoritative check on ({@code settings}) or off (null). */
  public OperatorSettings withAuthoritative(AuthoritativeSettings settings) {
    return copy(f -> f.authoritative = settings);
  }

  /** The same settings owning only {@code newSharding}'s share; with more than one shard, with leader election. */
  public OperatorSettings withSharding(Sharding newSharding) {
    return copy(f -> {
      f.leaderElection = leaderElection || newSharding.sharded();
      f.sharding = newSharding;
    });
  }

  /** These settings with {@code change} made to a copy: the one place that lists every field (but the header). */
  private OperatorSettings copy(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new OperatorSettings(f.dns, f.defaultRecheckInterval, f.namespaces, f.healthPort, f.reconcileThreads,
        f.duplicateRecheck, f.statusHeartbeat, f.leaderElection, f.leaseNamespace, f.identity, f.leaseDuration,
        f.exitOnLostLease, f.providers, f.owner, f.authoritative, f.sharding);
  }

  /** The fields of one OperatorSettings, to change for {@link #copy}. */
  private static final class Fields {
    DnsSettings dns;
    Duration defaultRecheckInterval;
    Set<String> namespaces;
    int healthPort;
    int reconcileThreads;
    Duration duplicateRecheck;
    Duration statusHeartbeat;
    boolean leaderElection;
    String leaseNamespace;
    String identity;
    Duration leaseDuration;
    boolean exitOnLostLease;
    ProviderSettings providers;
    OwnerSettings owner;
    AuthoritativeSettings authoritative;
    Sharding sharding;

    Fields(OperatorSettings s) {
      dns = s.dns;
      defaultRecheckInterval = s.defaultRecheckInterval;
      namespaces = s.namespaces;
      healthPort = s.healthPort;
      reconcileThreads = s.reconcileThreads;
      duplicateRecheck = s.duplicateRecheck;
      statusHeartbeat = s.statusHeartbeat;
      leaderElection = s.leaderElection;
      leaseNamespace = s.leaseNamespace;
      identity = s.identity;
      leaseDuration = s.leaseDuration;
      exitOnLostLease = s.exitOnLostLease;
      providers = s.providers;
      owner = s.owner;
      authoritative = s.authoritative;
      sharding = s.sharding;
    }
  }
}
