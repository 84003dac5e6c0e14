package dev.mailops.ptr.gate;

import dev.mailops.ptr.api.DeletionPolicy;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.status.ClaimOrder;
import dev.mailops.ptr.status.ProviderReason;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.verify.Verification;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides whether and how the PTR of a SendingIp is set at its provider, after DNS was verified. The reconciler
 * hands it the verification; the gate owns provider policy and calls and returns what ProviderSynced should say.
 */
public interface ProviderGate {

  /**
   * @param firstClaim who claims the IP first when this SendingIp loses the claim (as ClaimOrder words it); the
   *     provider is then not called for it, or two claims would flip the PTR back and forth
   */
  ProviderSync sync(SendingIp resource, Verification verification, Optional<String> firstClaim);

  /** How the SendingIp stands with the provider it names, for the claim order of its IP. */
  default ClaimOrder.Standing standing(SendingIp resource) {
    return hasProvider(resource) ? ClaimOrder.Standing.ALLOWED : ClaimOrder.Standing.NO_PROVIDER;
  }

  /**
   * Called while a SendingIp that {@link #needsFinalizer needs the finalizer} is being deleted. Empty: done, the
   * finalizer may go; a duration: not done yet, call again after it.
   *
   * @param otherClaim another live claim of the same IP, if any (then nothing is reset)
   */
  default Optional<Duration> cleanup(SendingIp resource, Optional<String> otherClaim) {
    return Optional.empty();
  }

  /** The SendingIp is gone; drop what is remembered of it. */
  default void forget(String uid) {}

  /** Only a SendingIp that resets its PTR at a provider on delete needs the operator to be there when it goes. */
  static boolean needsFinalizer(SendingIp resource) {
    return hasProvider(resource) && resource.getSpec().getDeletionPolicy() == DeletionPolicy.Reset;
  }

  static boolean hasProvider(SendingIp resource) {
    String ref = resource.getSpec() == null ? null : resource.getSpec().getProviderRef();
    return ref != null && !ref.isBlank();
  }

  /** For operators run without any provider support. */
  ProviderGate NONE = (resource, verification, firstClaim) -> !hasProvider(resource) ? ProviderSync.noProvider()
      : ProviderSync.failed(ProviderReason.PROVIDER_ERROR, "ReverseDnsProvider " + resource.getSpec().getProviderRef()
          + " cannot be used: this operator runs without provider support", null);
}
