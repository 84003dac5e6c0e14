package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What an off-path forger faces: which source port each query leaves from, and which answers are taken (real UDP
 * sockets on 127.0.0.0/8, hence IT).
 */
class UdpTransportIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void sourcePortsAreRandomOverTheEphemeralRangeAndEachCarriesFewQueries() throws Exception {
    Map<Integer, Integer> queriesPerPort = new ConcurrentHashMap<>();
    InetSocketAddress server = responder(InetAddress.getByName("127.0.0.1"), 0, (query, socket) -> {
      queriesPerPort.merge(query.getPort(), 1, Integer::sum);
      reply(socket, query, query.getData());
    });
    UdpTransport udp = transport();
    // enough for about 125 sockets whatever MAX_QUERIES_PER_PORT is
    int queries = 125 * UdpTransport.MAX_QUERIES_PER_PORT;
    for (int i = 0; i < queries; i += 50) {
      List<CompletableFuture<byte[]>> batch = new ArrayList<>();
      for (int j = 0; j < 50; j++) {
        batch.add(udp.send(server, query("q" + (i + j) + ".example.com"), TIMEOUT));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    // a port an attacker learns (ICMP side channel) is worth few queries. A socket carries at most
    // MAX_QUERIES_PER_PORT; a later socket may draw a port again (125 draws over 28,232 ports: a repeat has odds of
    // about 1 in 4, three sockets on one port about 1 in 2,500, four about 1 in 2 million)
    assertThat(queriesPerPort.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(queries);
    assertThat(queriesPerPort.values())
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3 * UdpTransport.MAX_QUERIES_PER_PORT));
    assertThat(queriesPerPort).hasSizeGreaterThanOrEqualTo(queries / UdpTransport.MAX_QUERIES_PER_PORT - 5);
    // chosen at random over the whole ephemeral range (as dnsjava does), not handed out in sequence: every
    // quarter of the range is used (with about 125 random ports, an empty quarter has odds below 1e-14)
    UdpTransport.PortRange range = UdpTransport.PortRange.local();
    assertThat(queriesPerPort.keySet()).allSatisfy(p -> assertThat(p).isBetween(range.first(), range.last()));
    int quarter = (range.last() - range.first() + 1) / 4;
    for (int q = 0; q < 4; q++) {
      int from = range.first() + q * quarter;
      assertThat(queriesPerPort.keySet()).as("ports in [%d, %d)", from, from + quarter)
          .anyMatch(p -> p >= from && p < from + quarter);
    }
  }

  @Test
  void answerFromAnotherAddressOnTheServersPortIsIgnoredAndTheGenuineOneTaken() throws Exception {
    DatagramSocket forger = new DatagramSocket(null);
    open.add(forger);
    InetSocketAddress server = responder(InetAddress.getByName("127.0.0.1"), 0, (query, socket) -> {
      byte[] forged = query.getData().clone();
      forged[forged.length - 1] ^= 1; // a different class in the question: recognisably not the genuine answer
      reply(forger, query, forged);
      reply(socket, query, query.getData());
    });
    // the forger has the server's port on another loopback address: only the address tells them apart
    forger.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), server.getPort()));
    UdpTransport udp = transport();
    Message q = query("genuine.example.com");
    byte[] answer = udp.send(server, q, TIMEOUT).get(30, TimeUnit.SECONDS);
    assertThat(new Message(answer).getQuestion().getDClass()).isEqualTo(DClass.IN);
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private UdpTransport transport() {
    UdpTransport udp = new UdpTransport();
    open.add(udp);
    return udp;
  }

  private static Message query(String name) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN));
  }

  /** Echoes the query as its answer (QR set) to where it came from. */
  private static void reply(DatagramSocket from, DatagramPacket query, byte[] wire) {
    try {
      Message m = new Message(wire);
      m.getHeader().setFlag(Flags.QR);
      byte[] out = m.toWire();
      from.send(new DatagramPacket(out, out.length, query.getSocketAddress()));
    } catch (Exception e) {
      // the test sees the missing answer as a timeout
    }
  }

  private InetSocketAddress responder(InetAddress address, int port, BiConsumer<DatagramPacket, DatagramSocket> onQuery)
      throws Exception {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, port));
    open.add(socket);
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[65535];
      while (!socket.isClosed()) {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(p);
        } catch (Exception e) {
          return;
        }
        DatagramPacket copy = new DatagramPacket(java.util.Arrays.copyOf(p.getData(), p.getLength()), p.getLength(),
            p.getSocketAddress());
        onQuery.accept(copy, socket);
      }
    }, "udp-transport-it");
    t.setDaemon(true);
    t.start();
    return new InetSocketAddress(address, socket.getLocalPort());
  }
}
