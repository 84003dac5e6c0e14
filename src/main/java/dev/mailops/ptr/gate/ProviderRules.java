package dev.mailops.ptr.gate;

import dev.mailops.ptr.verify.IpAddresses;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The two rules of a ReverseDnsProvider that decide whether a SendingIp may use it at all. */
final class ProviderRules {
  private ProviderRules() {}

  /** Whether ip lies in one of the CIDRs (v4 and v6; an entry of the other family or a malformed one never matches). */
  static boolean inAnyCidr(InetAddress ip, List<String> cidrs) {
    if (cidrs == null) {
      return false;
    }
    for (String cidr : cidrs) {
      if (cidr != null && inCidr(ip, cidr.strip())) {
        return true;
      }
    }
    return false;
  }

  static boolean inCidr(InetAddress ip, String cidr) {
    return IpAddresses.inCidr(ip, cidr);
  }

  /**
   * Whether the labels satisfy the selector (matchLabels and matchExpressions In, NotIn, Exists, DoesNotExist, all
   * ANDed); null or empty selects everything. Returns the first unmet requirement, empty when all are met.
   */
  static Optional<String> unmet(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return Optional.empty();
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(have.get(e.getKey()))) {
          return Optional.of(e.getKey() + "=" + e.getValue());
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = have.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok = switch (r.getOperator() == null ? "" : r.getOperator()) {
          case "In" -> value != null && values.contains(value);
          case "NotIn" -> value == null || !values.contains(value);
          case "Exists" -> value != null;
          case "DoesNotExist" -> value == null;
          default -> false;
        };
        if (!ok) {
          return Optional.of(r.getKey() + " " + r.getOperator() + (values.isEmpty() ? "" : " " + values));
        }
      }
    }
    return Optional.empty();
  }
}
