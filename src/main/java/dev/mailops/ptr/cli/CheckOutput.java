package dev.mailops.ptr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mailops.ptr.api.AuthoritativeStatus;
import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.verify.IpAddresses;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Text for people, JSON (the DESIGN.md shape) for pipelines. */
final class CheckOutput {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CheckOutput() {}

  static String json(List<CheckReport.Result> results, boolean array) {
    List<Map<String, Object>> objects = results.stream().map(CheckOutput::jsonObject).toList();
    try {
      return JSON.writeValueAsString(array ? objects : objects.get(0));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> jsonObject(CheckReport.Result r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("ip", IpAddresses.format(r.verification().ip()));
    o.put("hostname", r.verification().desiredHostname().orElse(null));
    o.put("iprev", r.status().getIprev());
    o.put("compliant", r.ready().equals(Conditions.TRUE));
    o.put("ptrNames", r.status().getPtrNames());
    o.put("forwardAddresses", r.status().getForwardAddresses());
    List<Map<String, String>> conditions = new ArrayList<>();
    for (Condition c : r.status().getConditions()) {
      Map<String, String> json = new LinkedHashMap<>();
      json.put("type", c.getType());
      json.put("status", c.getStatus());
      json.put("reason", c.getReason());
      json.put("message", c.getMessage());
      conditions.add(json);
    }
    o.put("conditions", conditions);
    if (r.status().getOwner() != null) {
      o.put("owner", JSON.convertValue(r.status().getOwner(), Map.class));
    }
    if (r.status().getAuthoritative() != null) {
      o.put("authoritative", JSON.convertValue(r.status().getAuthoritative(), Map.class));
    }
    return o;
  }

  /** "Example Hosting GmbH (hoster; 185.199.0.0/16; contact ...; RDAP ...; ReverseDnsProvider type hetzner)". */
  private static String ownerLine(OwnerStatus owner) {
    List<String> details = new ArrayList<>();
    details.add(owner.getKind());
    for (String[] part : new String[][] {{"", owner.getNetwork()}, {"contact ", owner.getContact()},
        {"RDAP ", owner.getRdap()}, {"ReverseDnsProvider type ", owner.getProviderType()}}) {
      if (part[1] != null) {
        details.add(part[0] + part[1]);
      }
    }
    String name = owner.getName() != null ? owner.getName() : "unknown";
    String line = name + " (" + String.join("; ", details) + ")";
    return owner.getReason() != null ? line + ": " + owner.getReason() : line;
  }

  /** The two views side by side: what the resolvers say, then what each authoritative server says. */
  private static void authoritativeLines(StringBuilder out, CheckReport.Result r) {
    out.append("  resolvers:     PTR ").append(r.status().getPtrNames().isEmpty() ? "none"
        : String.join(", ", r.status().getPtrNames()));
    if (r.verification().forwardName() != null) {
      out.append("; ").append(r.verification().forwardName()).append(" -> ")
          .append(r.status().getForwardAddresses().isEmpty() ? "none"
              : String.join(", ", r.status().getForwardAddresses()));
    }
    out.append('\n');
    out.append("  authoritative:\n");
    for (AuthoritativeStatus.AuthoritativeZone z : r.status().getAuthoritative().getZones()) {
      out.append("    ").append(z.getName()).append('/').append(z.getType());
      if (z.getZone() != null) {
        out.append(" in zone ").append(z.getZone());
      }
      if (z.getPrimary() != null) {
        out.append(" (primary ").append(z.getPrimary()).append(')');
      }
      if (z.getProblem() != null) {
        out.append(": ").append(z.getProblem());
      }
      out.append('\n');
      for (AuthoritativeStatus.AuthoritativeServer s : z.getServers()) {
        String who = s.getServer() + (s.getAddress() == null ? "" : " (" + s.getAddress() + ")");
        String what = s.getAnswer() != null ? s.getAnswer() : s.getDetail();
        out.append(String.format("      %-40s %-11s %s%s%n", who, s.getState(), what,
            s.getSerial() == null ? "" : "  serial " + s.getSerial()));
      }
    }
  }

  static String text(List<CheckReport.Result> results) {
    StringBuilder out = new StringBuilder();
    for (CheckReport.Result r : results) {
      String verdict = switch (r.ready()) {
        case Conditions.TRUE -> "COMPLIANT";
        case Conditions.FALSE -> "NOT COMPLIANT";
        default -> "UNDETERMINED";
      };
      out.append(r.item().source());
      String ip = IpAddresses.format(r.verification().ip());
      if (!r.item().source().equals(ip)) {
        out.append(" (").append(ip).append(')');
      }
      r.verification().desiredHostname().ifPresent(h -> out.append(" -> ").append(h));
      out.append(": ").append(verdict).append(" (iprev=").append(r.status().getIprev()).append(")\n");
      if (r.status().getOwner() != null) {
        out.append("  owner: ").append(ownerLine(r.status().getOwner())).append('\n');
      }
      for (Condition c : r.status().getConditions()) {
        String mark = switch (c.getStatus()) {
          case Conditions.TRUE -> "ok  ";
          case Conditions.FALSE -> "FAIL";
          default -> "??  ";
        };
        out.append(String.format("  %s %-19s %-22s %s%n", mark, c.getType(), c.getReason(), c.getMessage()));
      }
      if (r.status().getAuthoritative() != null) {
        authoritativeLines(out, r);
      }
    }
    return out.toString();
  }
}
