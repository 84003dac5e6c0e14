package dev.mailops.ptr.status;

import dev.mailops.ptr.api.SendingIpStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The status of a SendingIp whose spec cannot be checked at all (admission validation let it through). */
public final class InvalidSpec {
  public static final String REASON = "InvalidSpec";

  private InvalidSpec() {}

  public static SendingIpStatus status(String problem, long generation, SendingIpStatus previous, Instant now) {
    List<Condition> old = previous == null ? List.of() : previous.getConditions();
    List<Condition> conditions = new ArrayList<>();
    for (ConditionType type : ConditionType.values()) {
      if (type == ConditionType.READY) {
        Condition ready = Conditions.transition(old, type.type(), Conditions.FALSE, REASON,
            "The spec cannot be checked: " + problem + ". Fix the SendingIp", generation, now);
        conditions.add(ready);
        // Stalled with the same words: only an edit of the spec changes anything
        conditions.addAll(Conditions.kstatus(old, ready, Optional.empty(), generation, now));
        break;
      }
      conditions.add(Conditions.transition(old, type.type(), Conditions.UNKNOWN, REASON, "Not checked: invalid spec",
          generation, now));
    }
    SendingIpStatus status = new SendingIpStatus();
    status.setObservedGeneration(generation);
    status.setIprev("permerror");
    status.setConditions(conditions);
    return status;
  }
}
