package dev.mailops.ptr.provider;

import java.util.Locale;

/** Tells an observer about every call to the provider it wraps: operation and outcome, never arguments. */
public final class ObservedPtrProvider extends ForwardingPtrProvider {

  /** Told after each call: provider type, operation (read, set, reset, probe), outcome (ok or the failure kind). */
  @FunctionalInterface
  public interface Observer {
    void called(String provider, String operation, String outcome);
  }

  private final Observer observer;

  ObservedPtrProvider(PtrProvider delegate, Observer observer) {
    super(delegate);
    this.observer = observer;
  }

  @Override
  protected <T> T around(String operation, Call<T> call) throws ProviderException {
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
