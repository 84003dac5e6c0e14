package dev.mailops.ptr.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test class starts for all its tests (servers, an operator, cluster-scoped objects to delete), closed after
 * the last test, the last started first, so an operator stops before the servers it talks to. A close that fails
 * does not keep the rest open; its exception is reported after the others are closed.
 *
 * <pre>{@code
 * @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
 * ...
 * dns = closed.add(PowerDnsServer.start());
 * closed.add(() -> client.resources(ReverseDnsProvider.class).withName(PROVIDER).delete());
 * }</pre>
 */
public final class ClosedAfterAll implements AfterAllCallback {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** Closes {@code resource} after all tests of the class, before anything added earlier; returns it. */
  public synchronized <T extends AutoCloseable> T add(T resource) {
    started.push(resource);
    return resource;
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) throws Exception {
    Exception failed = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
