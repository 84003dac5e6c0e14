package dev.mailops.ptr.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/** One-shot DNS queries over UDP for assertions in tests (no cache, no retries beyond dnsjava's). */
public final class Dig {

  private Dig() {}

  /** Sends one query (name may omit the trailing dot) and returns the whole response. */
  public static Message query(InetSocketAddress server, String name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(Duration.ofSeconds(2));
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(PowerDnsServer.fqdn(name)), type, DClass.IN)));
  }

  /** The rdata (zone-file text) of the answer records of that type, sorted. */
  public static List<String> answers(InetSocketAddress server, String name, int type) throws IOException {
    return query(server, name, type).getSection(Section.ANSWER).stream()
        .filter(r -> r.getType() == type)
        .map(Record::rdataToString)
        .sorted()
        .toList();
  }
}
