package dev.mailops.ptr.provider;

import java.util.Optional;

/**
 * A provider's answer about one IP's PTR.
 *
 * @param value the PTR name the provider holds (normalised, no trailing dot), empty when none is set
 * @param pending true while the provider is still applying a change (AWS PtrRecordUpdate PENDING, a GCP
 *     operation still running)
 */
public record PtrRecord(Optional<String> value, boolean pending) {

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
