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
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP through short-lived connected sockets, one receiver thread for all of them.
 *
 * <p>Why not dnsjava's {@code SimpleResolver}: it opens, binds, connects, registers and closes a new UDP socket for
 * every query and hands each answer between its selector thread and an executor; on a small or busy machine those
 * per-query system calls and thread hand-offs, not the server, bounded the engine at a few thousand queries per
 * second (see docs/benchmarks.md).
 *
 * <p>Spoofing resistance, at least dnsjava's: each server has {@value #SOCKETS_PER_SERVER} sockets, each bound to a
 * source port drawn with {@link SecureRandom} from the whole ephemeral range (on Linux
 * {@code net.ipv4.ip_local_port_range}, 28,232 ports by default, the range dnsjava draws from) and connected to the
 * server, so the kernel drops datagrams from any other address or port and reports no ICMP errors for them. A socket
 * takes at most {@value #MAX_QUERIES_PER_PORT} queries and new queries for at most {@link #MAX_PORT_AGE}, then a
 * fresh socket on a new random port replaces it (the old one stays open only until its queries are answered or time
 * out). Each query has a random 16-bit ID, unique among its socket's outstanding queries. A blind forger must hit
 * the port and the ID of an outstanding query: per forged datagram the odds are (outstanding queries) / (ports x
 * 65,536), the same as with a socket per query; and a port learnt through a side channel (SAD DNS scans about 1,000
 * ports a second) is worth at most {@value #MAX_QUERIES_PER_PORT} queries sent within {@link #MAX_PORT_AGE}. An
 * answer is also checked here to come from the queried address and port, and the caller still checks the question.
 * Sends happen on the caller's thread; answers complete their futures on the receiver thread, so stages chained
 * without an executor must not block.
 */
final class UdpTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);
  static final int SOCKETS_PER_SERVER = 8;
  static final int MAX_QUERIES_PER_PORT = 64;
  static final Duration MAX_PORT_AGE = Duration.ofSeconds(1);
  private static final int BIND_ATTEMPTS = 64;
  private static final int RECEIVE_BUFFER = 1 << 20;
  private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /** A retired socket with nothing pending is closed after this, so a send that picked it just before still works. */
  private static final long RETIRE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** The source ports drawn from: the system's ephemeral range, where no listening service is configured. */
  record PortRange(int first, int last) {
    private static final Path LINUX = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** The local range; IANA's dynamic ports (49152-65535) where the system does not say. */
    static PortRange local() {
      try {
        String[] bounds = Files.readString(LINUX).trim().split("\\s+");
        int first = Integer.parseInt(bounds[0]);
        int last = Integer.parseInt(bounds[1]);
        if (first >= 1024 && last <= 65535 && last - first >= 1023) {
          return new PortRange(first, last);
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or unreadable: the default below
      }
      return new PortRange(49152, 65535);
    }

    int draw(SecureRandom random) {
      return first + random.nextInt(last - first + 1);
    }
  }

  private record Pending(CompletableFuture<byte[]> future, InetSocketAddress server, long deadline) {}

  private static final class Socket {
    final DatagramChannel channel;
    final InetSocketAddress server;
    final long openedAt = System.nanoTime();
    final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    final AtomicInteger uses = new AtomicInteger();
    volatile long retiredAt;

    Socket(DatagramChannel channel, InetSocketAddress server) {
      this.channel = channel;
      this.server = server;
    }
  }

  /** The current sockets to one server, used in turn. */
  private static final class Slots {
    final AtomicReferenceArray<Socket> sockets = new AtomicReferenceArray<>(SOCKETS_PER_SERVER);
    final AtomicInteger next = new AtomicInteger();
  }

  private final Selector selector;
  private final PortRange ports = PortRange.local();
  private final Map<InetSocketAddress, Slots> servers = new ConcurrentHashMap<>();
  /** Every socket the receiver thread reads (current and retired); touched by that thread only. */
  private final List<Socket> live = new ArrayList<>();
  private final Queue<Socket> toRegister = new ConcurrentLinkedQueue<>();
  private final SecureRandom random = new SecureRandom();
  private final Thread receiver;
  private volatile boolean closed;

  UdpTransport() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a selector for DNS over UDP: " + e.getMessage(), e);
    }
    receiver = new Thread(this::receive, "ptr-dns-udp");
    receiver.setDaemon(true);
    receiver.start();
  }

  /** A socket bound to a random port of the range and connected to server. */
  private Socket open(InetSocketAddress server) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.configureBlocking(false);
      // room for bursts of answers while the receiver thread waits for a core (the kernel caps it at rmem_max)
      channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
      bindRandomPort(channel);
      channel.connect(server);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    Socket s = new Socket(channel, server);
    toRegister.add(s);
    selector.wakeup();
    return s;
  }

  private void bindRandomPort(DatagramChannel channel) throws IOException {
    IOException last = null;
    for (int i = 0; i < BIND_ATTEMPTS; i++) {
      try {
        channel.bind(new InetSocketAddress(ports.draw(random)));
        return;
      } catch (IOException e) {
        last = e; // in use: draw again, as dnsjava does
      }
    }
    throw new IOException("no free UDP source port in " + ports.first() + "-" + ports.last() + " after "
        + BIND_ATTEMPTS + " random attempts", last);
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
      socket = pick(server);
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

  /** The next socket to server, replaced by a fresh one when it is used up or too old. */
  private Socket pick(InetSocketAddress server) throws IOException {
    Slots slots = servers.computeIfAbsent(server, k -> new Slots());
    int i = Math.floorMod(slots.next.getAndIncrement(), SOCKETS_PER_SERVER);
    while (true) {
      Socket s = slots.sockets.get(i);
      long now = System.nanoTime();
      if (s != null && now - s.openedAt < MAX_PORT_AGE.toNanos() && s.uses.incrementAndGet() <= MAX_QUERIES_PER_PORT) {
        return s;
      }
      synchronized (slots) {
        if (slots.sockets.get(i) == s) {
          slots.sockets.set(i, open(server));
          if (s != null) {
            s.retiredAt = now;
          }
        }
      }
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
        // also cancels its key
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
    for (Slots slots : servers.values()) {
      for (int i = 0; i < SOCKETS_PER_SERVER; i++) {
        Socket s = slots.sockets.get(i);
        if (s != null && !all.contains(s)) {
          all.add(s);
        }
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
