package dev.mailops.ptr.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * One server process living in its own temp dir: launch, readiness polling, pause, stop and
 * cleanup. Shared by the DNS fixtures so that they all die the same way.
 */
abstract class FixtureProcess implements AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Set<FixtureProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    // An aborted test run (Ctrl-C, failsafe timeout, System.exit) must not leave servers behind.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(FixtureProcess::killQuietly), "dns-fixture-reaper"));
  }

  private final String label;
  private final Path dir;
  private final Path logFile;
  private volatile Process process;
  private volatile boolean paused;
  private volatile boolean closed;

  FixtureProcess(String label, Path dir) {
    this.label = label;
    this.dir = dir;
    this.logFile = dir.resolve(label + ".log");
  }

  static Path newTempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command line that starts the server in the foreground. */
  abstract List<String> command();

  /** Blocks until the server answers; called after every launch. */
  abstract void awaitReady(Duration timeout) throws Exception;

  /** Starts the process and waits until it is ready; on failure everything is cleaned up. */
  final void launch() {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      process = builder.start();
      LIVE.add(this);
      awaitReady(STARTUP_TIMEOUT);
    } catch (Exception e) {
      String tail = logTail();
      close();
      throw new IllegalStateException(label + " did not start: " + e + "\n--- log tail ---\n" + tail, e);
    }
  }

  /** The file that receives the server's stdout and stderr. */
  public Path logFile() {
    return logFile;
  }

  /** The temp dir holding config, data and log; deleted by close(). */
  public Path directory() {
    return dir;
  }

  /** The running server process (for liveness assertions). */
  public ProcessHandle processHandle() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException(label + " is not running");
    }
    return p.toHandle();
  }

  /** Freezes the server with SIGSTOP: sockets stay open but nothing is answered. */
  public void pause() {
    signal("STOP");
    paused = true;
  }

  /** Thaws a paused server with SIGCONT. */
  public void resume() {
    signal("CONT");
    paused = false;
  }

  /** Stops the server and starts it again on the same ports with the same data. */
  public void restart() {
    ensureOpen();
    terminate();
    launch();
  }

  /** Kills the process (and children), waits for it and deletes the temp dir; safe to call twice. */
  public void stop() {
    close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    terminate();
    deleteTree(dir);
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(label + " is closed");
    }
  }

  private void signal(String signal) {
    ensureOpen();
    long pid = processHandle().pid();
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM first so the server shuts down cleanly (BIND flushes its journal), SIGKILL after 5 s. */
  private void terminate() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      if (paused && p.isAlive()) {
        // A stopped process would only act on SIGTERM after SIGCONT.
        signal("CONT");
        paused = false;
      }
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    } finally {
      LIVE.remove(this);
      process = null;
    }
  }

  private void killQuietly() {
    Process p = process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }
    deleteTree(dir);
  }

  /** Fails fast with the log when the server died during startup. */
  void checkAlive() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(
          label + " exited" + (p == null ? "" : " with code " + p.exitValue()));
    }
  }

  /** Polls with an SOA query until a DNS response arrives over UDP (any rcode, even REFUSED, unless requireNoError). */
  void awaitDns(InetSocketAddress address, String zone, Duration timeout, boolean requireNoError)
      throws Exception {
    SimpleResolver resolver = new SimpleResolver(address);
    resolver.setTimeout(Duration.ofMillis(300));
    Message query =
        Message.newQuery(Record.newRecord(Name.fromString(zone, Name.root), Type.SOA, DClass.IN));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkAlive();
      String problem;
      try {
        Message response = resolver.send(query);
        if (!requireNoError || response.getRcode() == Rcode.NOERROR) {
          return;
        }
        problem = "SOA " + zone + " answered " + Rcode.string(response.getRcode());
      } catch (IOException notYet) {
        problem = "no DNS answer from " + address;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(problem + " within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover temp dir must not fail the test that closes the fixture
    }
  }

  /** Runs a short helper command and returns its output; throws with that output on failure. */
  static String runTool(Path dir, Path stdin, String... command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
      if (stdin != null) {
        builder.redirectInput(stdin.toFile());
      }
      Process p = builder.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
