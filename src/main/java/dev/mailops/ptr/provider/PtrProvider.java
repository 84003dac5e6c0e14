package dev.mailops.ptr.provider;

import java.net.InetAddress;

/**
 * The owner of an IP that can set its PTR through an API. One implementation per provider, each in its own
 * sub-package; the operator's provider gate decides when to call it and never sees wire details.
 */
public interface PtrProvider extends AutoCloseable {

  /** Short type name, as in the ReverseDnsProvider spec: aws, gcp, rfc2136. */
  String type();

  /** What the provider holds for this IP now. */
  PtrRecord read(InetAddress ip) throws ProviderException;

  /** Sets the PTR of {@code ip} to {@code hostname} (normalised, no trailing dot); the provider may still be working. */
  PtrRecord set(InetAddress ip, String hostname) throws ProviderException;

  /** Resets the PTR to the provider's default (deletionPolicy Reset). */
  PtrRecord reset(InetAddress ip) throws ProviderException;

  /** A cheap authenticated call that proves credentials and reachability (ReverseDnsProvider Ready). */
  void probe() throws ProviderException;

  @Override
  default void close() {}
}
