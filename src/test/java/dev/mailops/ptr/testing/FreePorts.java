package dev.mailops.ptr.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Hands out port numbers that are free for both TCP and UDP on 127.0.0.1, never the same twice per JVM. */
public final class FreePorts {

  // Below the kernel's ephemeral range (32768+), so outgoing client sockets cannot take a port
  // between our check and the server's bind.
  private static final int LOW = 20000;
  private static final int HIGH = 32000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** Returns a port that was just bound successfully on TCP and UDP and has not been handed out before. */
  public static synchronized int next() {
    // Random start so parallel JVMs (forked test runs) rarely probe the same numbers.
    int start = ThreadLocalRandom.current().nextInt(LOW, HIGH);
    for (int i = 0; i < HIGH - LOW; i++) {
      int port = LOW + (start - LOW + i) % (HIGH - LOW);
      if (!HANDED_OUT.contains(port) && isFree(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free TCP+UDP port between " + LOW + " and " + HIGH);
  }

  private static boolean isFree(int port) {
    InetAddress loopback;
    try {
      loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try (ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(false);
      tcp.bind(new InetSocketAddress(loopback, port));
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
        return true;
      }
    } catch (IOException e) {
      return false;
    }
  }
}
