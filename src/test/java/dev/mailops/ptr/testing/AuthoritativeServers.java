package dev.mailops.ptr.testing;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Real authoritative servers of a few reverse zones, all on one port (as real ones all use 53) on different
 * loopback addresses:
 * <ul>
 *   <li>{@value #NS1}: BIND primary of every zone below, of fixture.test (the NS names) and of example.test (the
 *       forward names); it NOTIFYs {@value #NS2} after each change, takes TSIG-signed RFC 2136 updates, and is the
 *       tests' resolver (BIND listens on interface addresses only, so it takes the loopback's own);
 *   <li>{@value #NS2}: PowerDNS secondary of {@value #SYNCED_ZONE} (zone transfer on NOTIFY);
 *   <li>{@value #NS3}: PowerDNS secondary of {@value #LAGGING_ZONE} that is never notified (SOA refresh an hour), so
 *       it lags behind every change until a test makes it transfer the zone;
 *   <li>{@value #NS4}: PowerDNS server of the RFC 2317 zone {@value #CHILD_ZONE}, delegated from {@value #SYNCED_ZONE};
 *       it is also listed as a server of {@value #LAME_ZONE}, which it does not serve (lame: REFUSED).
 * </ul>
 */
public final class AuthoritativeServers implements AutoCloseable {
  public static final String NS1 = "127.0.0.1";
  public static final String NS2 = "127.0.0.11";
  public static final String NS3 = "127.0.0.12";
  public static final String NS4 = "127.0.0.13";
  public static final String SYNCED_ZONE = "2.0.192.in-addr.arpa";
  public static final String LAGGING_ZONE = "100.51.198.in-addr.arpa";
  public static final String LAME_ZONE = "113.0.203.in-addr.arpa";
  public static final String CHILD_ZONE = "64-26.2.0.192.in-addr.arpa";
  /** 192.0.2.10 -> mail.example.test in {@value #SYNCED_ZONE}. */
  public static final String SYNCED_IP = "192.0.2.10";
  /** 198.51.100.20 -> old.example.test in {@value #LAGGING_ZONE}; new.example.test also resolves to it. */
  public static final String LAGGING_IP = "198.51.100.20";
  /** 203.0.113.30 -> lame.example.test in {@value #LAME_ZONE}. */
  public static final String LAME_IP = "203.0.113.30";
  /** 192.0.2.70: CNAME into {@value #CHILD_ZONE}, where its PTR is mail70.example.test. */
  public static final String CLASSLESS_IP = "192.0.2.70";
  private static final int TTL = 60;

  private final int port;
  private BindServer primary;
  private PowerDnsServer secondary;
  private PowerDnsServer lagging;
  private PowerDnsServer child;

  private AuthoritativeServers(int port) {
    this.port = port;
  }

  public static AuthoritativeServers start() {
    AuthoritativeServers servers = new AuthoritativeServers(FreePorts.next());
    try {
      servers.startAll();
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
    return servers;
  }

  private static String ns(String zone, String... servers) {
    StringBuilder records = new StringBuilder();
    for (String server : servers) {
      records.append(records.isEmpty() ? "" : "\n").append(zone).append(". ").append(TTL).append(" IN NS ")
          .append(server).append(".fixture.test.");
    }
    return records.toString();
  }

  private void startAll() {
    String reverseSynced = "10." + SYNCED_ZONE + ". " + TTL + " IN PTR mail.example.test.";
    primary = BindServer.primary(port,
        List.of("fixture.test", "example.test", SYNCED_ZONE, LAGGING_ZONE, LAME_ZONE),
        List.of("ns1.fixture.test. 60 IN A " + NS1, "ns2.fixture.test. 60 IN A " + NS2,
            "ns3.fixture.test. 60 IN A " + NS3, "ns4.fixture.test. 60 IN A " + NS4,
            ns(SYNCED_ZONE, "ns2"), ns(LAGGING_ZONE, "ns3"), ns(LAME_ZONE, "ns4"),
            reverseSynced, "mail.example.test. 60 IN A " + SYNCED_IP,
            "20." + LAGGING_ZONE + ". 60 IN PTR old.example.test.",
            "old.example.test. 60 IN A " + LAGGING_IP, "new.example.test. 60 IN A " + LAGGING_IP,
            "30." + LAME_ZONE + ". 60 IN PTR lame.example.test.", "lame.example.test. 60 IN A " + LAME_IP,
            CHILD_ZONE + ". 60 IN NS ns4.fixture.test.",
            "70." + SYNCED_ZONE + ". 60 IN CNAME 70." + CHILD_ZONE + ".",
            "mail70.example.test. 60 IN A " + CLASSLESS_IP),
        List.of(new InetSocketAddress(NS2, port)));
    child = PowerDnsServer.at(NS4, port, false);
    child.createZone(CHILD_ZONE, "Native", "ns4.fixture.test", List.of("ns4.fixture.test"));
    child.setRecords("70." + CHILD_ZONE, "PTR", TTL, "mail70.example.test.");
    secondary = PowerDnsServer.at(NS2, port, true);
    secondary.addSecondaryZone(SYNCED_ZONE, primary.dnsAddress());
    lagging = PowerDnsServer.at(NS3, port, true);
    lagging.addSecondaryZone(LAGGING_ZONE, primary.dnsAddress());
  }

  /** The port every server listens on: the authoritative port of the checks under test. */
  public int port() {
    return port;
  }

  /** The resolver the checks under test use to find zones and server addresses. */
  public InetSocketAddress resolver() {
    return primary.dnsAddress();
  }

  /** {@value #NS1}, the BIND primary: change records with {@link BindServer#ptr} or {@link BindServer#replace}. */
  public BindServer primary() {
    return primary;
  }

  /** {@value #NS2}, notified PowerDNS secondary of {@value #SYNCED_ZONE}. */
  public PowerDnsServer secondary() {
    return secondary;
  }

  /** {@value #NS3}, never-notified PowerDNS secondary of {@value #LAGGING_ZONE}. */
  public PowerDnsServer lagging() {
    return lagging;
  }

  @Override
  public void close() {
    for (AutoCloseable server : new AutoCloseable[] {lagging, secondary, child, primary}) {
      if (server != null) {
        try {
          server.close();
        } catch (Exception e) {
          // the others still close
        }
      }
    }
  }
}
