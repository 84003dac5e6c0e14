package dev.mailops.ptr.gate;

import dev.mailops.ptr.status.RecheckSchedule;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderRulesTest {

  @Test
  void cidrsMatchV4AndV6AndNeverAcrossFamilies() throws Exception {
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("192.0.2.10"), List.of("192.0.2.0/24"))).isTrue();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("192.0.2.10"), List.of("192.0.2.0/29"))).isFalse();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("192.0.2.7"), List.of("192.0.2.0/29"))).isTrue();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("192.0.2.130"), List.of("192.0.2.128/25"))).isTrue();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("10.1.2.3"), List.of("0.0.0.0/0"))).isTrue();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("2001:db8::25"), List.of("2001:db8::/48"))).isTrue();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("2001:db9::25"), List.of("2001:db8::/32"))).isFalse();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("2001:db8::25"), List.of("192.0.2.0/24"))).isFalse();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("192.0.2.10"), List.of("garbage", "192.0.2.10/32")))
        .isTrue();
    assertThat(ProviderRules.inAnyCidr(InetAddress.getByName("192.0.2.10"), null)).isFalse();
  }

  @Test
  void selectorsSupportLabelsAndEveryOperator() {
    Map<String, String> labels = Map.of("team", "mail", "env", "prod");
    assertThat(ProviderRules.unmet(null, labels)).isEmpty();
    assertThat(ProviderRules.unmet(new LabelSelectorBuilder().build(), labels)).isEmpty();
    assertThat(ProviderRules.unmet(new LabelSelectorBuilder().addToMatchLabels("team", "mail").build(), labels))
        .isEmpty();
    assertThat(ProviderRules.unmet(new LabelSelectorBuilder().addToMatchLabels("team", "web").build(), labels))
        .contains("team=web");
    assertThat(ProviderRules.unmet(expr("env", "In", "prod", "stage"), labels)).isEmpty();
    assertThat(ProviderRules.unmet(expr("env", "In", "stage"), labels)).isPresent();
    assertThat(ProviderRules.unmet(expr("env", "NotIn", "stage"), labels)).isEmpty();
    assertThat(ProviderRules.unmet(expr("env", "NotIn", "prod"), labels)).isPresent();
    assertThat(ProviderRules.unmet(expr("absent", "NotIn", "prod"), labels)).isEmpty();
    assertThat(ProviderRules.unmet(expr("team", "Exists"), labels)).isEmpty();
    assertThat(ProviderRules.unmet(expr("absent", "Exists"), labels)).isPresent();
    assertThat(ProviderRules.unmet(expr("absent", "DoesNotExist"), labels)).isEmpty();
    assertThat(ProviderRules.unmet(expr("team", "DoesNotExist"), labels)).isPresent();
    assertThat(ProviderRules.unmet(expr("team", "Bogus"), labels)).isPresent();
  }

  @Test
  void backoffDoublesAndIsCapped() {
    Duration five = Duration.ofSeconds(5);
    Duration cap = Duration.ofMinutes(10);
    assertThat(RecheckSchedule.exponential(five, cap, 1)).isEqualTo(five);
    assertThat(RecheckSchedule.exponential(five, cap, 2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(RecheckSchedule.exponential(five, cap, 3)).isEqualTo(Duration.ofSeconds(20));
    assertThat(RecheckSchedule.exponential(five, cap, 40)).isEqualTo(cap);
  }

  private static io.fabric8.kubernetes.api.model.LabelSelector expr(String key, String op, String... values) {
    return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(op).withValues(values)
        .endMatchExpression().build();
  }
}
