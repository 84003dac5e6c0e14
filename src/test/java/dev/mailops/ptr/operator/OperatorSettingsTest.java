package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.gate.ProviderSettings;
import dev.mailops.ptr.owner.OwnerSettings;
import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The run command builds its settings from several {@code with...} calls: none may lose what an earlier one set. */
class OperatorSettingsTest {
  private static final OperatorSettings BASE = new OperatorSettings(
      DnsSettings.of(List.of(new InetSocketAddress("127.0.0.1", 53))), Duration.ofMinutes(30), Set.of("mail"), 8081,
      4, Duration.ofMinutes(5), Duration.ofHours(24), false, "ptr-system", "pod-a")
      .withProviders(ProviderSettings.defaults("ptr-system").withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(9)))
      .withOwner(OwnerSettings.defaults())
      .withAuthoritative(AuthoritativeSettings.defaults())
      .withSharding(new Sharding(1, 3));

  @Test
  void theConvenienceConstructorHasDefaultLeaseProvidersNoOwnerNoAuthoritativeViewAndOneShard() {
    OperatorSettings plain = new OperatorSettings(BASE.dns(), Duration.ofMinutes(30), Set.of(), 0, 4,
        Duration.ofMinutes(5), Duration.ofHours(24), false, "ptr-system", "pod-a");
    assertThat(plain.leaseDuration()).isEqualTo(OperatorSettings.DEFAULT_LEASE_DURATION);
    assertThat(plain.exitOnLostLease()).isTrue();
    assertThat(plain.providers()).isEqualTo(ProviderSettings.defaults("ptr-system"));
    assertThat(plain.owner()).isEqualTo(OwnerSettings.disabled());
    assertThat(plain.authoritative()).isNull();
    assertThat(plain.sharding()).isEqualTo(Sharding.NONE);
  }

  @Test
  void eachWithChangesWhatItNamesAndKeepsEveryOtherSetting() {
    ProviderSettings providers = ProviderSettings.defaults("elsewhere");
    assertOnly(BASE.withProviders(providers), "providers");
    assertThat(BASE.withProviders(providers).providers()).isEqualTo(providers);

    assertOnly(BASE.withOwner(OwnerSettings.disabled()), "owner");
    assertThat(BASE.withOwner(OwnerSettings.disabled()).owner()).isEqualTo(OwnerSettings.disabled());

    assertOnly(BASE.withAuthoritative(null), "authoritative");
    assertThat(BASE.withAuthoritative(null).authoritative()).isNull();

    assertOnly(BASE.withSharding(new Sharding(2, 3)), "sharding");
    assertThat(BASE.withSharding(new Sharding(2, 3)).sharding()).isEqualTo(new Sharding(2, 3));

    OperatorSettings leading = BASE.withLeaderElection("leases", "pod-b", Duration.ofSeconds(7), false);
    assertOnly(leading, "leaderElection", "leaseNamespace", "identity", "leaseDuration", "exitOnLostLease");
    assertThat(List.of(leading.leaderElection(), leading.leaseNamespace(), leading.identity(),
        leading.leaseDuration(), leading.exitOnLostLease()))
        .containsExactly(true, "leases", "pod-b", Duration.ofSeconds(7), false);
  }

  @Test
  void moreThanOneShardTurnsLeaderElectionOnAndOneShardLeavesItAsItWas() {
    OperatorSettings single = BASE.withSharding(Sharding.NONE).withLeaderElection("leases", "pod-b",
        Duration.ofSeconds(7), false);
    OperatorSettings off = new OperatorSettings(BASE.dns(), Duration.ofMinutes(30), Set.of(), 0, 4,
        Duration.ofMinutes(5), Duration.ofHours(24), false, "ptr-system", "pod-a");
    assertThat(off.withSharding(new Sharding(0, 2)).leaderElection()).isTrue();
    assertThat(off.withSharding(Sharding.NONE).leaderElection()).isFalse();
    assertThat(single.withSharding(Sharding.NONE).leaderElection()).isTrue();
  }

  /** {@code changed} equals {@link #BASE} in every field but the named ones. */
  private static void assertOnly(OperatorSettings changed, String... fields) {
    assertThat(changed).usingRecursiveComparison().ignoringFields(fields).isEqualTo(BASE);
  }
}
