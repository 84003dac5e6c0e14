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
    int slash = cidr.indexOf('/');
    InetAddress network;
    int prefix;
    try {
      network = IpAddresses.parse(slash < 0 ? cidr : cidr.substring(0, slash));
      prefix = slash < 0 ? network.getAddress().length * 8 : Integer.parseInt(cidr.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] a = ip.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length || prefix < 0 || prefix > a.length * 8) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (n[full] & mask);
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
