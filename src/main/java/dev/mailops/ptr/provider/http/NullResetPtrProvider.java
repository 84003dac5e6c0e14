package dev.mailops.ptr.provider.http;

import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.PtrRecord;
import java.net.InetAddress;

/**
 * A provider whose PTR is one name field of the IP at the provider: setting writes the name there, resetting writes
 * {@code null}, which puts the provider's default back (Hetzner, Linode, Scaleway).
 */
public abstract class NullResetPtrProvider extends JsonApiPtrProvider {
  protected NullResetPtrProvider(String type, JsonApi api) {
    super(type, api);
  }

  @Override
  public final PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    return change(ip, hostname);
  }

  @Override
  public final PtrRecord reset(InetAddress ip) throws ProviderException {
    return change(ip, null);
  }

  /** Writes {@code hostname} as the PTR of {@code ip}, or the provider's default when it is null. */
  protected abstract PtrRecord change(InetAddress ip, String hostname) throws ProviderException;
}
