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
 */
public record OperatorSettings(DnsSettings dns, Duration defaultRecheckInterval, Set<String> namespaces,
    int healthPort, int reconcileThreads, Duration duplicateRecheck, Duration statusHeartbeat,
    boolean leaderElection, String leaseNamespace, String identity) {

  public static final String LEASE_NAME = "ptr-operator-leader";
}
