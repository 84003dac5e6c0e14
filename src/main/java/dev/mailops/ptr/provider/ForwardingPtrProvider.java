package dev.mailops.ptr.provider;

import java.net.InetAddress;

/** A provider that passes every call to another one through {@link #around}, for wrappers that watch calls. */
public abstract class ForwardingPtrProvider implements PtrProvider {

  /** One call to the wrapped provider. */
  protected interface Call<T> {
    T run() throws ProviderException;
  }

  protected final PtrProvider delegate;

  protected ForwardingPtrProvider(PtrProvider delegate) {
    this.delegate = delegate;
  }

  /** Runs {@code call}, the wrapped provider's {@code operation} (read, set, reset, probe). */
  protected abstract <T> T around(String operation, Call<T> call) throws ProviderException;

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    return around("read", () -> delegate.read(ip));
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    return around("set", () -> delegate.set(ip, hostname));
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    return around("reset", () -> delegate.reset(ip));
  }

  @Override
  public void probe() throws ProviderException {
    around("probe", () -> {
      delegate.probe();
      return null;
    });
  }

  @Override
  public void close() {
    delegate.close();
  }
}
