package dev.mailops.ptr.verify;

import dev.mailops.ptr.testing.DnsServerLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A tiny scripted DNS responder for tests, on 127.0.0.1 with one port for UDP and TCP
 * ({@link DnsServerLoop}). A table maps name/type to a rule: an rcode with answer records, silence (to force timeouts),
 * a truncated UDP answer (TC bit, full answer over TCP) or an answer to another question. Names not
 * in the table get NXDOMAIN. UDP answers larger than the client's EDNS size (or 512) are truncated
 * like a real server's.
 */
final class ScriptedDnsServer implements AutoCloseable {
  enum Mode { ANSWER, SILENT, TRUNCATE_UDP, WRONG_QUESTION }

  private record Rule(int rcode, List<Record> answer, Mode mode) {}

  private final Map<String, Rule> rules = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final DnsServerLoop server;

  ScriptedDnsServer() throws IOException {
    server = DnsServerLoop.start("scripted-dns", this::respond);
  }

  InetSocketAddress address() {
    return server.address();
  }

  // --- script ----------------------------------------------------------------------------------

  ScriptedDnsServer answer(String name, int type, Record... records) {
    return rule(name, type, new Rule(Rcode.NOERROR, List.of(records), Mode.ANSWER));
  }

  ScriptedDnsServer answer(String name, int type, List<Record> records) {
    return rule(name, type, new Rule(Rcode.NOERROR, List.copyOf(records), Mode.ANSWER));
  }

  /** NOERROR with an empty answer. */
  ScriptedDnsServer nodata(String name, int type) {
    return rule(name, type, new Rule(Rcode.NOERROR, List.of(), Mode.ANSWER));
  }

  ScriptedDnsServer rcode(String name, int type, int rcode) {
    return rule(name, type, new Rule(rcode, List.of(), Mode.ANSWER));
  }

  ScriptedDnsServer silent(String name, int type) {
    return rule(name, type, new Rule(Rcode.NOERROR, List.of(), Mode.SILENT));
  }

  /** TC bit and no records over UDP; the records over TCP. */
  ScriptedDnsServer truncateUdp(String name, int type, Record... records) {
    return rule(name, type, new Rule(Rcode.NOERROR, List.of(records), Mode.TRUNCATE_UDP));
  }

  /** Answers with another question name echoed. */
  ScriptedDnsServer wrongQuestion(String name, int type, Record... records) {
    return rule(name, type, new Rule(Rcode.NOERROR, List.of(records), Mode.WRONG_QUESTION));
  }

  int queries(String name, int type) {
    AtomicInteger c = counts.get(key(name(name), type));
    return c == null ? 0 : c.get();
  }

  private ScriptedDnsServer rule(String name, int type, Rule rule) {
    rules.put(key(name(name), type), rule);
    return this;
  }

  static Name name(String text) {
    return Names.dnsName(text);
  }

  static Record ptr(String owner, String target) {
    return new PTRRecord(name(owner), DClass.IN, 300, name(target));
  }

  static Record ptr(String owner, Name target) {
    return new PTRRecord(name(owner), DClass.IN, 300, target);
  }

  static Record cname(String owner, String target) {
    return new CNAMERecord(name(owner), DClass.IN, 300, name(target));
  }

  static Record a(String owner, String ip) {
    return new ARecord(name(owner), DClass.IN, 300, IpAddresses.parse(ip));
  }

  static Record aaaa(String owner, String ip) {
    return new AAAARecord(name(owner), DClass.IN, 300, IpAddresses.parse(ip));
  }

  private static String key(Name name, int type) {
    return name.toString().toLowerCase(Locale.ROOT) + "/" + Type.string(type);
  }

  // --- serving ---------------------------------------------------------------------------------

  /** The response bytes, or null to stay silent. */
  private byte[] respond(byte[] in, boolean overUdp) {
    Message query;
    try {
      query = new Message(in);
    } catch (IOException e) {
      return null;
    }
    Record question = query.getQuestion();
    if (question == null) {
      return null;
    }
    String key = key(question.getName(), question.getType());
    counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    Rule rule = rules.getOrDefault(key, new Rule(Rcode.NXDOMAIN, List.of(), Mode.ANSWER));
    if (rule.mode() == Mode.SILENT) {
      return null;
    }
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.getHeader().setRcode(rule.rcode());
    if (rule.mode() == Mode.WRONG_QUESTION) {
      response.addRecord(Record.newRecord(name("wrong.example"), question.getType(), DClass.IN),
          Section.QUESTION);
    } else {
      response.addRecord(question, Section.QUESTION);
    }
    boolean truncate = overUdp && rule.mode() == Mode.TRUNCATE_UDP;
    if (!truncate) {
      for (Record r : rule.answer()) {
        response.addRecord(r, Section.ANSWER);
      }
    }
    byte[] out = response.toWire();
    if (overUdp) {
      OPTRecord opt = query.getOPT();
      int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
      if (out.length > limit) {
        truncate = true;
      }
    }
    if (truncate) {
      Message tc = new Message(query.getHeader().getID());
      tc.getHeader().setFlag(Flags.QR);
      tc.getHeader().setFlag(Flags.AA);
      tc.getHeader().setFlag(Flags.TC);
      tc.getHeader().setRcode(rule.rcode());
      tc.addRecord(question, Section.QUESTION);
      out = tc.toWire();
    }
    return out;
  }

  @Override
  public void close() {
    server.close();
  }

  static List<Record> manyPtrs(String owner, int n) {
    List<Record> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(ptr(owner, "h" + i + ".example.com"));
    }
    return out;
  }
}
