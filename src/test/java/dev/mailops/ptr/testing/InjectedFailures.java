package dev.mailops.ptr.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Failures a test server should answer with: queued for one call name (an EC2 action, a Compute method), or for
 * any call. A call takes its own name's next failure first, then the next one for any call.
 */
final class InjectedFailures<F> {
  private final Deque<F> anyCall = new ArrayDeque<>();
  private final Map<String, Deque<F>> byCall = new HashMap<>();

  synchronized void next(int n, F failure) {
    for (int i = 0; i < n; i++) {
      anyCall.add(failure);
    }
  }

  synchronized void nextOn(String call, F failure) {
    byCall.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure);
  }

  synchronized void clear() {
    anyCall.clear();
    byCall.clear();
  }

  /** The failure this call must answer with, or null to answer normally. */
  synchronized F take(String call) {
    Deque<F> forCall = byCall.get(call);
    F failure = forCall == null ? null : forCall.poll();
    return failure != null ? failure : anyCall.poll();
  }
}
