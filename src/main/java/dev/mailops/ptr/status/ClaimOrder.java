package dev.mailops.ptr.status;

import dev.mailops.ptr.api.SendingIp;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which of several SendingIps claiming one IP wins it: the operator and the {@code check} command use this one rule.
 *
 * <p>First the standing of each claim with its provider: a claim its ReverseDnsProvider allows outranks one without
 * a provider, which outranks one its provider refuses (or whose provider does not exist). So a namespace that may
 * create SendingIps cannot pre-claim an IP in another team's provider range and block it. Then the older claim
 * (creation time), then namespace and name, so every replica and every run picks the same winner.
 */
public final class ClaimOrder {

  /** How a claim stands with the provider it names. */
  public enum Standing { ALLOWED, NO_PROVIDER, REFUSED }

  private ClaimOrder() {}

  /** The winning claim among {@code claims} (which should exclude SendingIps being deleted). */
  public static Optional<SendingIp> winner(Collection<SendingIp> claims, Function<SendingIp, Standing> standing) {
    Comparator<SendingIp> order = Comparator
        .comparing((SendingIp r) -> standing.apply(r))
        .thenComparing(r -> Objects.requireNonNullElse(r.getMetadata().getCreationTimestamp(), ""))
        .thenComparing(r -> Objects.requireNonNullElse(r.getMetadata().getNamespace(), ""))
        .thenComparing(r -> Objects.requireNonNullElse(r.getMetadata().getName(), ""));
    return claims.stream().min(order);
  }

  /**
   * How a losing claim names the winner: by namespace and name when both live in one namespace, otherwise without
   * naming another team's objects.
   */
  public static String describeWinner(SendingIp winner, SendingIp loser) {
    return Objects.equals(winner.getMetadata().getNamespace(), loser.getMetadata().getNamespace())
        ? "SendingIp " + winner.getMetadata().getNamespace() + "/" + winner.getMetadata().getName()
        : "another namespace";
  }
}
