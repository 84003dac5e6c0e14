package dev.mailops.ptr.status;

import dev.mailops.ptr.api.AuthoritativeStatus;
import dev.mailops.ptr.api.ProviderState;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.verify.authority.AuthoritativeView;
import dev.mailops.ptr.verify.authority.ServerAnswer;
import dev.mailops.ptr.verify.authority.ZoneView;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Ends UpdatePending once the provider's change has landed: when every authoritative server of the PTR's zone
 * answers the new name, nothing is pending at the provider any more; what is left is resolvers' caches, which may
 * hand out the old name until the old record's TTL has run out, counted from the change. ProviderSynced then says
 * {@code Propagating} until that time (Reconciling stays True) and the SendingIp is looked at again at that time,
 * instead of re-checking the resolvers, and re-reading the provider, until their caches expire.
 */
public final class Propagation {
  private Propagation() {}

  /**
   * @param previous the status before this check: its status.authoritative holds the old answer and its TTL
   */
  public static ProviderSync settle(ProviderSync provider, AuthoritativeView view, SendingIpStatus previous,
      Instant now) {
    ProviderState state = provider.state();
    if (provider.code() != ProviderReason.UPDATE_PENDING || state == null || state.getPtrValue() == null) {
      return provider;
    }
    String hostname = state.getPtrValue();
    if (!view.allServersShow(hostname)) {
      return provider;
    }
    ZoneView zone = view.ptrZone().orElseThrow();
    Instant changed = parse(state.getLastUpdateTime()).orElse(now);
    Optional<Long> oldTtl = oldTtl(previous, hostname);
    long ttl = oldTtl.orElseGet(() -> zone.answered().stream().map(ServerAnswer::ttl)
        .filter(t -> t != null).max(Long::compare).orElse(0L));
    Instant until = changed.plusSeconds(ttl);
    ProviderState applied = new ProviderState(state.getName(), hostname, "Applied", state.getLastUpdateTime());
    String landed = "All " + zone.servers().size() + " authoritative servers of " + zone.zone() + " answer "
        + hostname + " for " + zone.name();
    String ttlWords = oldTtl.isPresent() ? "the old record's TTL of " + ttl + "s"
        : "the old record's TTL is not known here, so the new record's " + ttl + "s";
    if (!now.isBefore(until)) {
      return ProviderSync.inSync(applied, landed + "; resolvers' cached copies of the old name expired at "
          + Conditions.timestamp(until) + " (" + ttlWords + ", counted from the change at "
          + Conditions.timestamp(changed) + ")");
    }
    return ProviderSync.propagating(applied, landed + "; resolvers may still hand out the old name until "
        + Conditions.timestamp(until) + " (" + ttlWords + ", counted from the change at "
        + Conditions.timestamp(changed) + ")", Duration.between(now, until).plusSeconds(1));
  }

  /** The longest TTL an authoritative server last gave for another answer than {@code hostname}. */
  private static Optional<Long> oldTtl(SendingIpStatus previous, String hostname) {
    if (previous == null || previous.getAuthoritative() == null) {
      return Optional.empty();
    }
    Long longest = null;
    for (AuthoritativeStatus.AuthoritativeZone z : previous.getAuthoritative().getZones()) {
      if (!"PTR".equals(z.getType())) {
        continue;
      }
      for (AuthoritativeStatus.AuthoritativeServer s : z.getServers()) {
        if (s.getTtl() != null && s.getAnswer() != null && !s.getAnswer().equalsIgnoreCase(hostname)
            && !s.getAnswer().startsWith("CNAME ") && (longest == null || s.getTtl() > longest)) {
          longest = s.getTtl();
        }
      }
    }
    return Optional.ofNullable(longest);
  }

  private static Optional<Instant> parse(String time) {
    try {
      return time == null ? Optional.empty() : Optional.of(Conditions.instant(time));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
