package dev.mailops.ptr.verify;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP through a few long-lived sockets shared by all queries, with one receiver thread.
 *
 * <p>Why not dnsjava's {@code SimpleResolver}: it opens, binds, connects, registers and closes a new
 * UDP socket for every query and hands each answer between its selector thread and an executor; on a
 * small or busy machine those per-query system calls and thread hand-offs, not the server, bounded
 * the engine at a few thousand queries per second (see docs/benchmarks.md).
 *
 * <p>Spoofing resistance without a socket per query: {@value #SOCKETS} sockets on OS-chosen
 * ephemeral ports, each replaced by a fresh one after {@value #ROTATE_AFTER} queries; a random
 * 16-bit ID per query, unique among the socket's outstanding queries; an answer is accepted only
 * from the address and port the query went to, and the caller still checks the question. Sends happen
 * on the caller's thread; answers complete their futures on the receiver thread, so stages chained
 * without an executor must not block.
 */
final class UdpTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);
  static final int SOCKETS = 8;
  static final int ROTATE_AFTER = 4096;
  private static final int RECEIVE_BUFFER = 1 << 20;
  private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long RETIRE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Pending(CompletableFuture<byte[]> future, InetSocketAddress server, long deadline) {}

  private static final class Socket {
    final DatagramChannel channel;
    final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    final AtomicInteger uses = new AtomicInteger();
    volatile long retiredAt;

    Socket(DatagramChannel channel) {
      this.channel = channel;
    }
  }

  private final Selector selector;
  private final Socket[] slots = new Socket[SOCKETS];
  private final List<Socket> live = new ArrayList<>();
  private final Queue<Socket> toRegister = new ConcurrentLinkedQueue<>();
  private final AtomicInteger next = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private final Thread receiver;
  private volatile boolean closed;

  UdpTransport() {
    try {
      selector = Selector.open();
      for (int i = 0; i < SOCKETS; i++) {
        slots[i] = open();
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot open UDP sockets for DNS: " + e.getMessage(), e);
    }
    receiver = new Thread(this::receive, "ptr-dns-udp");
    receiver.setDaemon(true);
    receiver.start();
  }

  private Socket open() throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    channel.configureBlocking(false);
    // room for bursts of answers while the receiver thread waits for a core (the kernel caps it at rmem_max)
    channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
    channel.bind(null);
    Socket s = new Socket(channel);
    toRegister.add(s);
    if (selector != null) {
      selector.wakeup();
    }
    return s;
  }

  /** Sends the wire form of {@code query} (its ID is replaced) and completes with the answer's bytes. */
  CompletableFuture<byte[]> send(InetSocketAddress server, org.xbill.DNS.Message query, Duration timeout) {
    CompletableFuture<byte[]> future = new CompletableFuture<>();
    if (closed) {
      future.completeExceptionally(new IOException("the DNS transport is closed"));
      return future;
    }
    Socket socket;
    try {
      socket = pick();
    } catch (IOException e) {
      future.completeExceptionally(e);
      return future;
    }
    Pending p = new Pending(future, server, System.nanoTime() + timeout.toNanos());
    int id;
    do {
      id = random.nextInt(0x10000);
    } while (socket.pending.putIfAbsent(id, p) != null);
    query.getHeader().setID(id);
    try {
      ByteBuffer wire = ByteBuffer.wrap(query.toWire());
      if (socket.channel.send(wire, server) == 0) {
        throw new IOException("UDP send buffer full");
      }
    } catch (IOException | RuntimeException e) {
      socket.pending.remove(id, p);
      future.completeExceptionally(e);
    }
    return future;
  }

  private Socket pick() throws IOException {
    int i = Math.floorMod(next.getAndIncrement(), SOCKETS);
    Socket s = slots[i];
    if (s.uses.incrementAndGet() <= ROTATE_AFTER) {
      return s;
    }
    synchronized (slots) {
      if (slots[i] == s) {
        slots[i] = open();
        s.retiredAt = System.nanoTime();
      }
      return slots[i];
    }
  }

  private void receive() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(65535);
    long lastSweep = System.nanoTime();
    while (!closed) {
      try {
        selector.select(20);
        Socket added;
        while ((added = toRegister.poll()) != null) {
          added.channel.register(selector, SelectionKey.OP_READ, added);
          live.add(added);
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          drain((Socket) key.attachment(), buffer);
        }
        long now = System.nanoTime();
        if (now - lastSweep >= SWEEP_NANOS) {
          lastSweep = now;
          sweep(now);
        }
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("DNS receiver: {}", e.toString());
      }
    }
  }

  private void drain(Socket socket, ByteBuffer buffer) throws IOException {
    while (true) {
      buffer.clear();
      SocketAddress from;
      try {
        from = socket.channel.receive(buffer);
      } catch (IOException e) {
        // e.g. ICMP port unreachable reported on this socket: the queries time out or are answered later
        return;
      }
      if (from == null) {
        return;
      }
      buffer.flip();
      if (buffer.remaining() < 12) {
        continue;
      }
      int id = ((buffer.get(0) & 0xff) << 8) | (buffer.get(1) & 0xff);
      Pending p = socket.pending.get(id);
      if (p == null || !p.server().equals(from) || !socket.pending.remove(id, p)) {
        continue;
      }
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      p.future().complete(bytes);
    }
  }

  private void sweep(long now) {
    for (Iterator<Socket> it = live.iterator(); it.hasNext(); ) {
      Socket s = it.next();
      for (Map.Entry<Integer, Pending> e : s.pending.entrySet()) {
        Pending p = e.getValue();
        if (now - p.deadline() >= 0 && s.pending.remove(e.getKey(), p)) {
          p.future().completeExceptionally(new SocketTimeoutException("timed out"));
        }
      }
      if (s.retiredAt != 0 && s.pending.isEmpty() && now - s.retiredAt > RETIRE_GRACE_NANOS) {
        it.remove();
        close(s);
      }
    }
  }

  private static void close(Socket s) {
    try {
      s.channel.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    try {
      receiver.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Socket> all = new ArrayList<>(live);
    all.addAll(toRegister);
    for (Socket s : slots) {
      if (!all.contains(s)) {
        all.add(s);
      }
    }
    for (Socket s : all) {
      s.pending.values().forEach(p -> p.future().completeExceptionally(new IOException("the DNS transport is closed")));
      close(s);
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
