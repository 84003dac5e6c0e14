package dev.mailops.ptr.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The sockets of a test DNS server: UDP and TCP on one port of 127.0.0.1, each query (a UDP datagram, or a
 * length-prefixed TCP message, RFC 1035 4.2.2) handed to a {@link Handler} on its own thread, its answer sent back
 * the same way. A handler that answers null stays silent, as a hung server does; a TCP connection stays open for more
 * queries until the client closes it or is idle for 30 seconds.
 */
public final class DnsServerLoop implements AutoCloseable {
  /** Answers one query. */
  @FunctionalInterface
  public interface Handler {
    /** The answer's wire bytes, or null for no answer. May block (a slow or relaying server). */
    byte[] answer(byte[] query, boolean overUdp);
  }

  private final Handler handler;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ExecutorService threads;
  private volatile boolean running = true;

  private DnsServerLoop(String threadName, Handler handler) throws IOException {
    this.handler = handler;
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int i = 0; i < 20 && t == null; i++) {
      int port = FreePorts.next();
      try {
        u = new DatagramSocket(new InetSocketAddress(loopback, port));
        t = new ServerSocket(port, 100, loopback);
      } catch (IOException e) {
        if (u != null) {
          u.close();
        }
      }
    }
    if (t == null) {
      throw new IOException("no port free for UDP and TCP");
    }
    udp = u;
    tcp = t;
    threads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, threadName);
      thread.setDaemon(true);
      return thread;
    });
    threads.execute(this::serveUdp);
    threads.execute(this::serveTcp);
  }

  /** Listens at once; threads are named {@code threadName}. */
  public static DnsServerLoop start(String threadName, Handler handler) throws IOException {
    return new DnsServerLoop(threadName, handler);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (running) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (!running) {
          return;
        }
        continue;
      }
      byte[] query = Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
      InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
      threads.execute(() -> answerUdp(query, client));
    }
  }

  private void answerUdp(byte[] query, InetSocketAddress client) {
    byte[] answer = handler.answer(query, true);
    if (answer == null || !running) {
      return;
    }
    try {
      udp.send(new DatagramPacket(answer, answer.length, client));
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  private void serveTcp() {
    while (running) {
      try {
        Socket s = tcp.accept();
        threads.execute(() -> serveConnection(s));
      } catch (IOException e) {
        if (!running) {
          return;
        }
      }
    }
  }

  private void serveConnection(Socket client) {
    try (client) {
      client.setSoTimeout(30_000);
      DataInputStream in = new DataInputStream(client.getInputStream());
      DataOutputStream out = new DataOutputStream(client.getOutputStream());
      while (running) {
        byte[] query;
        try {
          query = new byte[in.readUnsignedShort()];
          in.readFully(query);
        } catch (EOFException | SocketTimeoutException e) {
          return;
        }
        byte[] answer = handler.answer(query, false);
        if (answer == null || !running) {
          continue; // stay silent on this connection, like a hung server
        }
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (IOException ignored) {
      // connection closed by the client
    }
  }

  @Override
  public void close() {
    running = false;
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
