package dev.mailops.ptr.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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

  /**
   * The instant a status timestamp names. The form {@link #timestamp} writes ({@code 2026-11-30T15:20:28Z}) is read
   * digit by digit: this runs on every reconcile, and a formatter's parse was 6% of the steady state's CPU. Any other
   * RFC 3339 form goes to {@link Instant#parse}.
   *
   * @throws java.time.format.DateTimeParseException when it is no timestamp
   */
  public static Instant instant(String text) {
    if (text.length() == 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
        && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int day = digits(text, 8, 2);
      int hour = digits(text, 11, 2);
      int minute = digits(text, 14, 2);
      int second = digits(text, 17, 2);
      if ((year | month | day | hour | minute | second) >= 0) {
        try {
          return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
          // out of range (a leap second, say): the formatter decides
        }
      }
    }
    return Instant.parse(text);
  }

  /** The decimal number in text[from, from + count), or -1 when a character is no digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
