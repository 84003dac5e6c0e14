package dev.mailops.ptr.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Optional;

/** The one place that decides condition transitions: lastTransitionTime is kept unless the status flips. */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

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
