package dev.mailops.ptr.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;

/**
 * A DNS relay on 127.0.0.1 (UDP and TCP on one port) in front of a real server, with faults switchable at runtime:
 * pass through, drop everything (the server is "killed"), delay answers beyond the client's timeout, or answer
 * SERVFAIL/REFUSED itself, or pass the server's answer on with its TSIG record removed or its signature altered (what
 * a forger without the key can send). A fault applies to everything ({@link #faultAll}) or to given names and their
 * subdomains ({@link #fault}); the most specific rule wins. Every query is counted by its question name.
 */
public final class DnsFaultRelay implements AutoCloseable {
  /** What the relay does with a query. */
  public enum Mode { PASS, DROP, DELAY, SERVFAIL, REFUSED, STRIP_TSIG, CORRUPT_TSIG }

  private final InetSocketAddress upstream;
  private final DnsServerLoop server;
  private final Map<String, Mode> rules = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  private volatile Mode defaultMode = Mode.PASS;
  private volatile Duration delay = Duration.ofSeconds(3);

  private DnsFaultRelay(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.server = DnsServerLoop.start("dns-fault-relay", this::answer);
  }

  /** A relay to {@code upstream}, passing everything through until told otherwise. */
  public static DnsFaultRelay start(InetSocketAddress upstream) {
    try {
      return new DnsFaultRelay(upstream);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public InetSocketAddress address() {
    return server.address();
  }

  /** The mode for every name without a more specific rule. */
  public DnsFaultRelay faultAll(Mode mode) {
    defaultMode = mode;
    return this;
  }

  /** The mode for these names and their subdomains (case and trailing dot ignored). */
  public DnsFaultRelay fault(Mode mode, String... names) {
    for (String name : names) {
      rules.put(key(name), mode);
    }
    return this;
  }

  /** How long {@link Mode#DELAY} holds an answer back (default 3s). */
  public DnsFaultRelay delay(Duration newDelay) {
    delay = newDelay;
    return this;
  }

  /** Passes everything through again. */
  public DnsFaultRelay heal() {
    rules.clear();
    defaultMode = Mode.PASS;
    return this;
  }

  /** Queries received for exactly this name (any type, UDP and TCP) since the start or the last reset. */
  public int queries(String name) {
    AtomicInteger c = counts.get(key(name));
    return c == null ? 0 : c.get();
  }

  /** Queries received in all since the start or the last reset. */
  public long totalQueries() {
    return total.get();
  }

  public void resetCounts() {
    counts.clear();
    total.set(0);
  }

  static String key(String name) {
    String s = name.toLowerCase(Locale.ROOT);
    return s.endsWith(".") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
  }

  Mode modeFor(String qname) {
    String name = key(qname);
    while (true) {
      Mode m = rules.get(name);
      if (m != null) {
        return m;
      }
      int dot = name.indexOf('.');
      if (dot < 0) {
        return defaultMode;
      }
      name = name.substring(dot + 1);
    }
  }

  // --- serving ---------------------------------------------------------------------------------------------------

  /** What to do with one query: the mode, and the parsed query (null when it does not parse). */
  private record Decision(Mode mode, Message query) {}

  private Decision decide(byte[] wire) {
    total.incrementAndGet();
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      return new Decision(defaultMode, null);
    }
    Record q = query.getQuestion();
    String name = q == null ? "" : q.getName().toString();
    counts.computeIfAbsent(key(name), k -> new AtomicInteger()).incrementAndGet();
    return new Decision(modeFor(name), query);
  }

  /** A response made by the relay itself: same ID and question, the given rcode. */
  private static byte[] ownAnswer(Message query, int rcode) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.getHeader().setRcode(rcode);
    if (query.getQuestion() != null) {
      response.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return response.toWire();
  }

  /** The server's answer without its TSIG record, or with the last octet of its MAC flipped. */
  private static byte[] tamper(byte[] answer, Mode mode) {
    if (answer == null) {
      return null;
    }
    try {
      Message m = new Message(answer);
      TSIGRecord tsig = m.getTSIG();
      if (tsig == null) {
        return answer;
      }
      m.removeRecord(tsig, Section.ADDITIONAL);
      if (mode == Mode.CORRUPT_TSIG) {
        byte[] mac = tsig.getSignature().clone();
        mac[mac.length - 1] ^= 1;
        m.addRecord(new TSIGRecord(tsig.getName(), tsig.getDClass(), tsig.getTTL(), tsig.getAlgorithm(),
            tsig.getTimeSigned(), tsig.getFudge(), mac, tsig.getOriginalID(), tsig.getError(), tsig.getOther()),
            Section.ADDITIONAL);
      }
      return m.toWire();
    } catch (IOException e) {
      return answer;
    }
  }

  /** The answer to one query, or null for none (the client's timeout then runs). */
  private byte[] answer(byte[] wire, boolean overUdp) {
    Decision d = decide(wire);
    byte[] answer = switch (d.mode()) {
      case DROP -> null;
      case SERVFAIL -> d.query() == null ? null : ownAnswer(d.query(), Rcode.SERVFAIL);
      case REFUSED -> d.query() == null ? null : ownAnswer(d.query(), Rcode.REFUSED);
      case PASS, DELAY -> forward(wire, overUdp);
      case STRIP_TSIG, CORRUPT_TSIG -> tamper(forward(wire, overUdp), d.mode());
    };
    if (answer != null && d.mode() == Mode.DELAY && !sleep(delay)) {
      return null;
    }
    return answer;
  }

  private byte[] forward(byte[] wire, boolean overUdp) {
    return overUdp ? forwardUdp(wire) : forwardTcp(wire);
  }

  private byte[] forwardUdp(byte[] wire) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(5000);
      s.send(new DatagramPacket(wire, wire.length, upstream));
      byte[] buffer = new byte[65535];
      DatagramPacket in = new DatagramPacket(buffer, buffer.length);
      s.receive(in);
      return Arrays.copyOf(in.getData(), in.getLength());
    } catch (SocketTimeoutException e) {
      return null; // the server did not answer (paused or dead): neither do we
    } catch (IOException e) {
      return null;
    }
  }

  private byte[] forwardTcp(byte[] wire) {
    try (Socket s = new Socket()) {
      s.connect(upstream, 5000);
      s.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeShort(wire.length);
      out.write(wire);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] answer = new byte[in.readUnsignedShort()];
      in.readFully(answer);
      return answer;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
