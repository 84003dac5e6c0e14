package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.SendingIp;

/** Where the gate tells people what it did at a provider (Kubernetes Events, in the operator). */
@FunctionalInterface
public interface GateEvents {
  GateEvents NONE = (resource, type, reason, message) -> {};

  /** One Event about {@code resource}; type is Normal or Warning. */
  void record(SendingIp resource, String type, String reason, String message);
}
