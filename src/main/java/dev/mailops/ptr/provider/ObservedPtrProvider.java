package dev.mailops.ptr.provider;

import java.net.InetAddress;
import java.util.Locale;

/** Tells an observer about every call to the provider it wraps: operation and outcome, never arguments. */
public final class ObservedPtrProvider implements PtrProvider {

  /** Told after each call: provider type, operation (read, set, reset, probe), outcome (ok or the failure kind). */
  @FunctionalInterface
  public interface Observer {
    void called(String provider, String operation, String outcome);
  }

  private interface Call<T> {
    T run() throws ProviderException;
  }

  private final PtrProvider delegate;
  private final Observer observer;

  ObservedPtrProvider(PtrProvider delegate, Observer observer) {
    this.delegate = delegate;
    this.observer = observer;
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    return observe("read", () -> delegate.read(ip));
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    return observe("set", () -> delegate.set(ip, hostname));
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    return observe("reset", () -> delegate.reset(ip));
  }

  @Override
  public void probe() throws ProviderException {
    observe("probe", () -> {
      delegate.probe();
      return null;
    });
  }

  @Override
  public void close() {
    delegate.close();
  }

  private <T> T observe(String operation, Call<T> call) throws ProviderException {
    String outcome = "error";
    try {
      T result = call.run();
      outcome = "ok";
      return result;
    } catch (ProviderException e) {
      outcome = e.kind().name().toLowerCase(Locale.ROOT);
      throw e;
    } finally {
      observer.called(delegate.type(), operation, outcome);
    }
  }
}
