package dev.mailops.ptr.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The one place that decides condition transitions: lastTransitionTime is kept unless the status flips. */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  private Conditions() {}

  /** A condition of {@code type}, carrying over lastTransitionTime from {@code previous} when the status is unchanged. */
  public static Condition transition(Collection<Condition> previous, String type, String status, String reason,
      String message, Long observedGeneration, Instant now) {
    String lastTransition = find(previous, type)
        .filter(old -> status.equals(old.getStatus()) && old.getLastTransitionTime() != null)
        .map(Condition::getLastTransitionTime)
        .orElseGet(() -> timestamp(now));
    return new Condition(lastTransition, message, observedGeneration, reason, status, type);
  }

  /** Why a status is expected to change without anyone acting: the reason and message Reconciling carries. */
  public record Progress(String reason, String message) {}

  /**
   * kstatus's abnormal-true conditions, {@code Reconciling} and {@code Stalled}, derived from {@code ready}. Both
   * are always present (True or False), like every other condition, so {@code kubectl wait
   * --for=condition=Stalled=False} and the Argo CD checks never meet a missing one. Rules: Ready True makes both
   * False; otherwise {@code progress} (or Ready Unknown) makes Reconciling True; otherwise (Ready False, nothing
   * under way) Stalled is True with Ready's reason and message, so Flux and {@code kubectl describe} say what to do.
   */
  public static List<Condition> kstatus(Collection<Condition> previous, Condition ready, Optional<Progress> progress,
      Long observedGeneration, Instant now) {
    String reconciling;
    String stalled;
    String reconcilingReason;
    String reconcilingMessage;
    String stalledReason;
    String stalledMessage;
    Optional<Progress> underWay = TRUE.equals(ready.getStatus()) ? Optional.empty()
        : progress.or(() -> UNKNOWN.equals(ready.getStatus())
            ? Optional.of(new Progress(ready.getReason(), ready.getMessage())) : Optional.empty());
    if (TRUE.equals(ready.getStatus())) {
      reconciling = FALSE;
      stalled = FALSE;
      reconcilingReason = stalledReason = ready.getReason();
      reconcilingMessage = stalledMessage = "Ready is True: nothing is under way and nothing needs a person";
    } else if (underWay.isPresent()) {
      reconciling = TRUE;
      stalled = FALSE;
      reconcilingReason = underWay.get().reason();
      reconcilingMessage = underWay.get().message();
      stalledReason = RECONCILING;
      stalledMessage = "Expected to change without anyone acting: see Reconciling";
    } else {
      reconciling = FALSE;
      stalled = TRUE;
      reconcilingReason = STALLED;
      reconcilingMessage = "Nothing changes until someone acts: see Stalled";
      stalledReason = ready.getReason();
      stalledMessage = ready.getMessage();
    }
    return List.of(
        transition(previous, RECONCILING, reconciling, reconcilingReason, reconcilingMessage, observedGeneration, now),
        transition(previous, STALLED, stalled, stalledReason, stalledMessage, observedGeneration, now));
  }

  public static Optional<Condition> find(Collection<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(Collection<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /** RFC 3339 at second precision, as Kubernetes writes metav1.Time. */
  public static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
