package dev.mailops.ptr.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.verify.Check;
import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.Iprev;
import dev.mailops.ptr.verify.Outcome;
import dev.mailops.ptr.verify.Verification;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Hostile answers the scripted tests in verify/VerifierScriptedIT do not cover: wrong message ID, answers from the
 * wrong source port, names over 255 octets on the wire, and records for names that were not asked. The Verifier must
 * take only the genuine answer, stay bounded (its future completes within the retry budget), never throw, and give
 * a clear verdict; one case goes end to end through the operator.
 */
class HostileDnsIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static HostileServer server;
  private static Verifier verifier;
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  /** The longest a verification may take: two attempts per lookup, with generous margin for a loaded machine. */
  private static final long BUDGET_SECONDS = 15;

  @BeforeAll
  static void start() throws IOException {
    server = closed.add(new HostileServer());
    verifier = closed.add(new Verifier(DnsSettings.of(List.of(server.address())).withTimeout(TIMEOUT).withRetries(1)));
  }

  private static Verification verify(String ip, String hostname) throws Exception {
    return verifier.verify(VerificationRequest.of(ip, hostname, null)).get(BUDGET_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * An answer whose ID does not match the query (an off-path forgery racing the server) is dropped by the engine's
   * UDP transport, which keeps waiting for the genuine answer: the forged name is never taken and no retry is
   * needed.
   */
  @Test
  void answerWithTheWrongIdIsIgnoredAndTheGenuineOneTaken() throws Exception {
    server.script("20.2.0.192.in-addr.arpa", Type.PTR, (q, out) -> {
      out.send(withId(answer(q, ptr("20.2.0.192.in-addr.arpa", "evil.example.net")), q.getHeader().getID() ^ 0x5a5a));
      out.send(answer(q, ptr("20.2.0.192.in-addr.arpa", "mail20.example.com")));
    });
    server.script("mail20.example.com", Type.A, (q, out) -> out.send(answer(q, a("mail20.example.com", "192.0.2.20"))));
    Verification v = verify("192.0.2.20", "mail20.example.com");
    assertThat(v.ptrNames()).containsExactly("mail20.example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
    assertThat(server.queries("20.2.0.192.in-addr.arpa", Type.PTR)).isEqualTo(1);
  }

  @Test
  void onlyWrongIdAnswersAreATimeoutNotAVerdict() throws Exception {
    server.script("21.2.0.192.in-addr.arpa", Type.PTR, (q, out) ->
        out.send(withId(answer(q, ptr("21.2.0.192.in-addr.arpa", "evil.example.net")), q.getHeader().getID() ^ 1)));
    Verification v = verify("192.0.2.21", "mail21.example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertThat(v.verdict(Check.PTR_PRESENT).outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(v.ptrNames()).isEmpty();
    assertThat(server.queries("21.2.0.192.in-addr.arpa", Type.PTR)).isEqualTo(2); // first try and one retry
  }

  @Test
  void answerFromTheWrongSourcePortIsIgnoredAndTheGenuineOneTaken() throws Exception {
    server.script("22.2.0.192.in-addr.arpa", Type.PTR, (q, out) -> {
      out.sendFromOtherPort(answer(q, ptr("22.2.0.192.in-addr.arpa", "evil.example.net")));
      Thread.sleep(100);
      out.send(answer(q, ptr("22.2.0.192.in-addr.arpa", "mail22.example.com")));
    });
    server.script("mail22.example.com", Type.A, (q, out) -> out.send(answer(q, a("mail22.example.com", "192.0.2.22"))));
    Verification v = verify("192.0.2.22", "mail22.example.com");
    assertThat(v.ptrNames()).containsExactly("mail22.example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.PASS);
  }

  @Test
  void onlyWrongSourcePortAnswersAreATimeout() throws Exception {
    server.script("23.2.0.192.in-addr.arpa", Type.PTR, (q, out) ->
        out.sendFromOtherPort(answer(q, ptr("23.2.0.192.in-addr.arpa", "evil.example.net"))));
    Verification v = verify("192.0.2.23", "mail23.example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertThat(v.ptrNames()).isEmpty();
  }

  @Test
  void ptrTargetOver255OctetsIsATemporaryFailureNeverAName() throws Exception {
    server.script("24.2.0.192.in-addr.arpa", Type.PTR, (q, out) -> out.sendRaw(overlongPtrAnswer(q)));
    Verification v = verify("192.0.2.24", "mail24.example.com");
    assertThat(v.iprev()).isEqualTo(Iprev.TEMPERROR);
    assertThat(v.verdict(Check.PTR_PRESENT).outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(v.verdict(Check.PTR_PRESENT).detail()).contains("24.2.0.192.in-addr.arpa");
    assertThat(v.ptrNames()).isEmpty();
  }

  @Test
  void recordsForNamesThatWereNotAskedAreIgnored() throws Exception {
    // The PTR answer carries only a record of another owner; the forward answer only an A of another owner.
    server.script("25.2.0.192.in-addr.arpa", Type.PTR, (q, out) ->
        out.send(answer(q, ptr("99.2.0.192.in-addr.arpa", "evil.example.net"))));
    Verification noPtr = verify("192.0.2.25", "mail25.example.com");
    assertThat(noPtr.ptrNames()).isEmpty();
    assertThat(noPtr.verdict(Check.PTR_PRESENT).outcome()).isEqualTo(Outcome.FAIL);
    assertThat(noPtr.iprev()).isEqualTo(Iprev.PERMERROR);

    server.script("26.2.0.192.in-addr.arpa", Type.PTR, (q, out) ->
        out.send(answer(q, ptr("26.2.0.192.in-addr.arpa", "mail26.example.com"))));
    server.script("mail26.example.com", Type.A, (q, out) ->
        out.send(answer(q, a("other.example.com", "192.0.2.26"))));
    Verification noForward = verify("192.0.2.26", "mail26.example.com");
    assertThat(noForward.ptrNames()).containsExactly("mail26.example.com");
    assertThat(noForward.forwardAddresses()).isEmpty();
    assertThat(noForward.verdict(Check.FORWARD_CONFIRMED).outcome()).isEqualTo(Outcome.FAIL);
    assertThat(noForward.iprev()).isEqualTo(Iprev.FAIL);
  }

  @Test
  void operatorShowsAClearConditionForAHostileAnswer() {
    KubeApi api = KubeApi.shared();
    String ns = api.newNamespace("hostile");
    server.script("27.2.0.192.in-addr.arpa", Type.PTR, (q, out) -> out.sendRaw(overlongPtrAnswer(q)));
    server.script("28.2.0.192.in-addr.arpa", Type.PTR, (q, out) ->
        out.send(answer(q, ptr("28.2.0.192.in-addr.arpa", "mail28.example.com"))));
    server.script("mail28.example.com", Type.A, (q, out) -> out.send(answer(q, a("other.example.com", "192.0.2.28"))));
    SendingIps sips = new SendingIps(api.client(), ns);
    try (RunningOperator operator = RunningOperator.start(api, server.address(), ns)) {
      sips.create("overlong", "192.0.2.27", "mail27.example.com");
      sips.create("other-owner", "192.0.2.28", "mail28.example.com");
      long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      while (System.nanoTime() < deadline
          && (sips.ready("overlong") == null || sips.ready("other-owner") == null)) {
        sleep(250);
      }
      assertThat(sips.ready("overlong")).isEqualTo("Unknown/DnsTemporaryFailure");
      assertThat(sips.condition("overlong", "PtrPresent").orElseThrow().getMessage())
          .contains("DNS could not answer").contains("27.2.0.192.in-addr.arpa");
      assertThat(sips.ready("other-owner")).isEqualTo("False/NoForwardRecord");
      assertThat(sips.condition("other-owner", "ForwardConfirmed").orElseThrow().getMessage())
          .contains("mail28.example.com has no A record");
      System.out.println("[HostileDnsIT] overlong: " + sips.condition("overlong", "PtrPresent").orElseThrow()
          .getMessage());
    }
  }

  // --- message building -------------------------------------------------------------------------------------------

  private static Message answer(Message query, Record... records) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.getHeader().setFlag(Flags.RD);
    m.addRecord(query.getQuestion(), Section.QUESTION);
    for (Record r : records) {
      m.addRecord(r, Section.ANSWER);
    }
    return m;
  }

  private static Message withId(Message m, int id) {
    m.getHeader().setID(id & 0xffff);
    return m;
  }

  private static Record ptr(String owner, String target) {
    return new PTRRecord(name(owner), DClass.IN, 300, name(target));
  }

  private static Record a(String owner, String ip) {
    try {
      return new ARecord(name(owner), DClass.IN, 300, InetAddress.getByName(ip));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Name name(String s) {
    try {
      return Name.fromString(s.endsWith(".") ? s : s + ".");
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * A NOERROR answer whose PTR target is 5 labels of 63 octets (321 octets on the wire, over the 255 limit), written
   * byte by byte because dnsjava refuses to build such a name.
   */
  private static byte[] overlongPtrAnswer(Message query) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int id = query.getHeader().getID();
    out.write(id >> 8);
    out.write(id);
    out.write(0x85); // QR, AA, RD
    out.write(0x00); // NOERROR
    out.writeBytes(new byte[] {0, 1, 0, 1, 0, 0, 0, 0}); // 1 question, 1 answer
    out.writeBytes(query.getQuestion().getName().toWire());
    out.writeBytes(new byte[] {0, 12, 0, 1}); // PTR IN
    out.writeBytes(new byte[] {(byte) 0xc0, 12}); // owner: the question name
    out.writeBytes(new byte[] {0, 12, 0, 1, 0, 0, 1, 44}); // PTR IN TTL 300
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    for (int i = 0; i < 5; i++) {
      target.write(63);
      target.writeBytes("a".repeat(63).getBytes(StandardCharsets.US_ASCII));
    }
    target.write(0);
    out.write(target.size() >> 8);
    out.write(target.size());
    out.writeBytes(target.toByteArray());
    return out.toByteArray();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- the hostile server -----------------------------------------------------------------------------------------

  /** What to send for one query. */
  interface Script {
    void respond(Message query, Responder out) throws Exception;
  }

  /** Ways to send: from the server's port, from another port, or raw bytes. */
  interface Responder {
    void send(Message m) throws IOException;

    void sendFromOtherPort(Message m) throws IOException;

    void sendRaw(byte[] wire) throws IOException;
  }

  /** A UDP-only responder on 127.0.0.1 answering from scripts keyed by name and type; unscripted: silence. */
  static final class HostileServer implements AutoCloseable {
    private final DatagramSocket udp;
    private final DatagramSocket other;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    HostileServer() throws IOException {
      InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
      udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      other = new DatagramSocket(new InetSocketAddress(loopback, 0));
      thread = new Thread(this::serve, "hostile-dns");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    void script(String name, int type, Script script) {
      scripts.put(key(name, type), script);
    }

    int queries(String name, int type) {
      return counts.getOrDefault(key(name, type), 0);
    }

    private static String key(String name, int type) {
      String n = name.toLowerCase(Locale.ROOT);
      return (n.endsWith(".") ? n : n + ".") + "/" + Type.string(type);
    }

    private void serve() {
      byte[] buffer = new byte[65535];
      while (running) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          udp.receive(packet);
          Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
          InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
          String key = key(query.getQuestion().getName().toString(), query.getQuestion().getType());
          counts.merge(key, 1, Integer::sum);
          Script script = scripts.get(key);
          if (script != null) {
            script.respond(query, new Responder() {
              @Override
              public void send(Message m) throws IOException {
                sendRaw(m.toWire());
              }

              @Override
              public void sendFromOtherPort(Message m) throws IOException {
                byte[] wire = m.toWire();
                other.send(new DatagramPacket(wire, wire.length, client));
              }

              @Override
              public void sendRaw(byte[] wire) throws IOException {
                udp.send(new DatagramPacket(wire, wire.length, client));
              }
            });
          }
        } catch (Exception e) {
          if (!running) {
            return;
          }
        }
      }
    }

    @Override
    public void close() {
      running = false;
      udp.close();
      other.close();
    }
  }
}
