package dev.mailops.ptr.status;

import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.owner.Owner;
import java.time.Instant;

/** An owner discovery answer as status.owner shows it; the operator and the {@code check} command both use it. */
public final class OwnerStatuses {
  private OwnerStatuses() {}

  public static OwnerStatus of(Owner owner, Instant checkedAt) {
    return new OwnerStatus(owner.name(), owner.kind().value(), owner.contact(), owner.rdap(), owner.providerType(),
        owner.network(), owner.reason(), Conditions.timestamp(checkedAt));
  }
}
