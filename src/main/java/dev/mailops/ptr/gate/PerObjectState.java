package dev.mailops.ptr.gate;

import dev.mailops.ptr.status.ProviderSync;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator remembers of each SendingIp between checks, keyed by UID, in memory only: losing it on restart
 * costs one provider read and resets backoffs, nothing more. JOSDK never reconciles one object on two threads at
 * once, so an entry is only touched by one thread at a time.
 */
public final class PerObjectState {

  /** A failed provider call and when the next may be made; valid only for the generation it was made for. */
  record ProviderBackoff(long generation, int attempts, Instant until, ProviderSync result) {}

  /**
   * The provider held (or was just given) {@code hostname} for {@code generation} and DNS does not show it yet.
   *
   * @param rechecks how many checks have found it still pending (drives the backoff of the next one)
   * @param providerReadAt when the provider was last asked
   * @param atProvider the provider itself said it was still applying the value (an action or operation under way):
   *     only its next read can tell when that ends
   */
  record Pending(long generation, String hostname, int rechecks, Instant providerReadAt, boolean atProvider) {}

  private static final class Entry {
    int dnsFailures;
    ProviderBackoff backoff;
    Pending pending;
    int resetAttempts;
    Instant authoritativeCheckedAt;
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private Entry entry(String uid) {
    return entries.computeIfAbsent(uid, k -> new Entry());
  }

  /** Counts one more consecutive temporary DNS failure and returns the count. */
  public int dnsFailed(String uid) {
    return ++entry(uid).dnsFailures;
  }

  public void dnsAnswered(String uid) {
    Entry e = entries.get(uid);
    if (e != null) {
      e.dnsFailures = 0;
    }
  }

  Optional<ProviderBackoff> backoff(String uid) {
    Entry e = entries.get(uid);
    return e == null ? Optional.empty() : Optional.ofNullable(e.backoff);
  }

  void backoff(String uid, ProviderBackoff backoff) {
    entry(uid).backoff = backoff;
  }

  Optional<Pending> pending(String uid) {
    Entry e = entries.get(uid);
    return e == null ? Optional.empty() : Optional.ofNullable(e.pending);
  }

  void pending(String uid, Pending pending) {
    entry(uid).pending = pending;
  }

  /** The provider needs nothing more (in sync, not used, refused): its backoff and pending memory go. */
  void providerSettled(String uid) {
    Entry e = entries.get(uid);
    if (e != null) {
      e.backoff = null;
      e.pending = null;
    }
  }

  /**
   * Whether the authoritative servers are asked at this check: at most once per nine tenths of the re-check
   * interval (the phase re-checks are one interval apart), more often only while a provider update is pending.
   */
  public boolean authoritativeDue(String uid, Instant now, java.time.Duration interval, boolean updatePending) {
    Entry e = entries.get(uid);
    Instant last = e == null ? null : e.authoritativeCheckedAt;
    return updatePending || last == null || !now.isBefore(last.plus(interval.multipliedBy(9).dividedBy(10)));
  }

  public void authoritativeChecked(String uid, Instant at) {
    entry(uid).authoritativeCheckedAt = at;
  }

  /** Counts one more failed reset attempt and returns the count. */
  int resetFailed(String uid) {
    return ++entry(uid).resetAttempts;
  }

  /** The SendingIp is gone: forget all of it. */
  public void forget(String uid) {
    entries.remove(uid);
  }
}
