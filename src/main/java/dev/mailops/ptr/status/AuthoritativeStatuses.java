package dev.mailops.ptr.status;

import dev.mailops.ptr.api.AuthoritativeStatus;
import dev.mailops.ptr.verify.authority.AuthoritativeView;
import dev.mailops.ptr.verify.authority.ServerAnswer;
import dev.mailops.ptr.verify.authority.ZoneView;
import java.util.Locale;

/** The engine's authoritative view as status.authoritative shows it. */
public final class AuthoritativeStatuses {
  private AuthoritativeStatuses() {}

  public static AuthoritativeStatus of(AuthoritativeView view) {
    AuthoritativeStatus status = new AuthoritativeStatus();
    status.setCheckTime(Conditions.timestamp(view.checkedAt()));
    status.setZones(view.zones().stream().map(AuthoritativeStatuses::zone).toList());
    return status;
  }

  private static AuthoritativeStatus.AuthoritativeZone zone(ZoneView z) {
    return new AuthoritativeStatus.AuthoritativeZone(z.zone(), z.name(), z.type(), z.primary(), z.problem(),
        z.servers().stream().map(AuthoritativeStatuses::server).toList());
  }

  private static AuthoritativeStatus.AuthoritativeServer server(ServerAnswer s) {
    String state = s.state().name().charAt(0) + s.state().name().substring(1).toLowerCase(Locale.ROOT);
    return new AuthoritativeStatus.AuthoritativeServer(s.server(), s.address(), state, s.answer(), s.serial(),
        s.ttl(), s.detail());
  }
}
