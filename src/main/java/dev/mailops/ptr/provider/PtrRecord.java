package dev.mailops.ptr.provider;

import java.util.Optional;

/**
 * A provider's answer about one IP's PTR.
 *
 * @param value the PTR name the provider holds (normalised, no trailing dot), empty when none is set
 * @param pending true while the provider is still applying a change (AWS PtrRecordUpdate PENDING, a GCP
 *     operation still running)
 * @param sideEffect what else the change did that users see, for the Event (DigitalOcean renames the Droplet); null
 *     when nothing
 */
public record PtrRecord(Optional<String> value, boolean pending, String sideEffect) {

  public PtrRecord(Optional<String> value, boolean pending) {
    this(value, pending, null);
  }

  /** The same answer, saying what else the change did. */
  public PtrRecord withSideEffect(String sideEffect) {
    return new PtrRecord(value, pending, sideEffect);
  }

  public static PtrRecord applied(String value) {
    return new PtrRecord(Optional.ofNullable(value), false);
  }

  public static PtrRecord pending(String value) {
    return new PtrRecord(Optional.ofNullable(value), true);
  }

  public static PtrRecord none() {
    return new PtrRecord(Optional.empty(), false);
  }
}
