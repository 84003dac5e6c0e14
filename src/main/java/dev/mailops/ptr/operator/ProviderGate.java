package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.verify.Verification;

/**
 * Decides whether and how the PTR of a SendingIp is set at its provider, after DNS was verified. The reconciler
 * hands it the verification; the gate owns the provider calls and returns what ProviderSynced should say.
 */
public interface ProviderGate {

  ProviderSync sync(SendingIp resource, Verification verification);

  /** For SendingIps without providerRef, and for operators run without any provider support. */
  ProviderGate NONE = (resource, verification) -> resource.getSpec().getProviderRef() == null
      ? ProviderSync.noProvider()
      : ProviderSync.failed("ProviderError", "ReverseDnsProvider " + resource.getSpec().getProviderRef()
          + " cannot be used: this operator runs without provider support", null);
}
