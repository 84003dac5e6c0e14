package dev.mailops.ptr.provider.rfc2136;

import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Names;
import dev.mailops.ptr.verify.ReverseNames;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Sets PTRs in a reverse zone the organisation runs itself, with TSIG-signed RFC 2136 dynamic updates sent to its
 * primary server. Every message, queries included, is signed with the key, so a wrong key fails every call the
 * same way.
 *
 * <p>Where the PTR lives: the reverse name is queried first; a CNAME there (RFC 2317 classless delegation, e.g.
 * {@code 10.2.0.192.in-addr.arpa CNAME 10.0/26.2.0.192.in-addr.arpa}) is followed, at most {@link #MAX_CNAME_HOPS}
 * times, and the PTR is written at the end of the chain. The zone of the update is the configured zone when the
 * name was not redirected and lies inside it; otherwise it is found by SOA: the SOA of the name (answer or
 * authority section), walking up one label at a time.
 *
 * <p>Answer codes: NOTAUTH and the TSIG errors BADKEY, BADSIG, BADTIME are {@link Kind#AUTHENTICATION}. REFUSED to
 * an update is {@link Kind#AUTHENTICATION} too: BIND and PowerDNS answer REFUSED when their update policy does not
 * let this key (or an unsigned message) change the name; REFUSED to a query means the server does not serve that
 * name, {@link Kind#REJECTED}. SERVFAIL, timeouts and network errors are {@link Kind#UNAVAILABLE}; every other code
 * (NOTZONE, FORMERR, NXRRSET, ...) is {@link Kind#REJECTED}. A NOERROR or NXDOMAIN answer that is unsigned or
 * whose TSIG signature does not verify is never believed: {@link Kind#UNAVAILABLE} (a forger, or something between
 * us and the server, answered). Messages name the server, key and zone, never the secret.
 */
public final class Rfc2136PtrProvider implements PtrProvider {
  public static final String TYPE = "rfc2136";
  static final int MAX_CNAME_HOPS = 8;

  private final Rfc2136Settings settings;
  private final SimpleResolver resolver;

  public Rfc2136PtrProvider(Rfc2136Settings settings) {
    this.settings = settings;
    this.resolver = new SimpleResolver(settings.server());
    Name keyName;
    try {
      keyName = Names.dnsName(settings.keyName());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid TSIG key name " + settings.keyName());
    }
    try {
      resolver.setTSIGKey(new TSIG(settings.algorithmName(), keyName, settings.secret()));
    } catch (RuntimeException e) {
      // never echo the cause: it could be built from the key material
      throw new IllegalArgumentException("invalid TSIG key " + settings.keyName());
    }
    resolver.setTimeout(settings.timeout());
  }

  @Override
  public String type() {
    return TYPE;
  }

  public Rfc2136Settings settings() {
    return settings;
  }

  /**
   * The PTR at the server. Several PTRs come back as one comma-separated value, which never equals a single
   * desired hostname: the gate then calls {@link #set}, which leaves exactly one.
   */
  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    Location location = locate(ip);
    return location.ptrs().isEmpty() ? PtrRecord.none() : PtrRecord.applied(String.join(",", location.ptrs()));
  }

  /** Replaces the whole PTR RRset at the owner name with the one desired PTR, in one atomic update. */
  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    Location location = locate(ip);
    Name target;
    try {
      target = Names.dnsName(hostname);
    } catch (IllegalArgumentException e) {
      throw new ProviderException(Kind.REJECTED, "invalid host name " + hostname);
    }
    Name zone = zoneOf(location);
    Update update = new Update(zone);
    update.delete(location.owner(), Type.PTR);
    update.add(new PTRRecord(location.owner(), DClass.IN, settings.ttl(), target));
    sendUpdate(update, zone, "set the PTR of " + IpAddresses.format(ip) + " at " + location.owner());
    return PtrRecord.applied(Names.canonical(target));
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    Location location = locate(ip);
    Name zone = zoneOf(location);
    Update update = new Update(zone);
    update.delete(location.owner(), Type.PTR);
    sendUpdate(update, zone, "delete the PTR of " + IpAddresses.format(ip) + " at " + location.owner());
    return PtrRecord.none();
  }

  /**
   * With a configured zone: a signed update that changes nothing, with the prerequisite "the zone apex has an SOA"
   * (RFC 2136 2.4.3). The server checks the signature and, for PowerDNS, whether the key may update the zone at
   * all (TSIG-ALLOW-DNSUPDATE); BIND checks its update-policy only per changed record, so there it proves the key.
   * Without a zone: a signed SOA query for the root; any answer but NOTAUTH (TSIG failure) proves the key and the
   * server's reachability.
   */
  @Override
  public void probe() throws ProviderException {
    if (settings.zone().isPresent()) {
      Name zone = name(settings.zone().get());
      Update update = new Update(zone);
      update.present(zone, Type.SOA);
      sendUpdate(update, zone, "check the key against zone " + Names.canonical(zone));
      return;
    }
    Message response = send(Message.newQuery(Record.newRecord(Name.root, Type.SOA, DClass.IN)), "query the server");
    int rcode = response.getRcode();
    if (rcode == Rcode.NOTAUTH || tsigError(response) != Rcode.NOERROR) {
      throw failure(response, false, "check the key");
    }
    if (rcode == Rcode.SERVFAIL) {
      throw failure(response, false, "query the server");
    }
  }

  @Override
  public String toString() {
    return "Rfc2136PtrProvider[" + settings + "]";
  }

  // --- where the PTR lives

  /** The name that holds (or will hold) the PTR, its current PTR names, and whether a CNAME led there. */
  record Location(Name owner, List<String> ptrs, boolean redirected) {}

  Location locate(InetAddress ip) throws ProviderException {
    Name current = name(ReverseNames.of(ip));
    boolean redirected = false;
    for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      Message response = query(current, Type.PTR, "look up the PTR of " + IpAddresses.format(ip));
      int rcode = response.getRcode();
      if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
        throw failure(response, false, "look up " + Names.canonical(current));
      }
      // follow the CNAME chain inside this answer (PowerDNS adds in-server targets), then look for PTRs
      List<Record> answer = response.getSection(Section.ANSWER);
      boolean moved = true;
      int chain = 0;
      while (moved) {
        moved = false;
        for (Record r : answer) {
          if (r instanceof CNAMERecord cname && r.getName().equals(current)) {
            if (++chain + hop > MAX_CNAME_HOPS) {
              throw new ProviderException(Kind.REJECTED, "more than " + MAX_CNAME_HOPS
                  + " CNAMEs from the reverse name of " + IpAddresses.format(ip) + "; fix the reverse zone");
            }
            current = cname.getTarget();
            redirected = true;
            moved = true;
            break;
          }
        }
      }
      hop += chain;
      List<String> ptrs = new ArrayList<>();
      for (Record r : answer) {
        if (r instanceof PTRRecord ptr && r.getName().equals(current)) {
          ptrs.add(Names.canonical(ptr.getTarget()));
        }
      }
      if (!ptrs.isEmpty() || chain == 0) {
        return new Location(current, ptrs, redirected);
      }
      // the server did not follow the last CNAME (target in a zone it does not chase into): ask for it
    }
    throw new ProviderException(Kind.REJECTED, "more than " + MAX_CNAME_HOPS + " CNAMEs from the reverse name of "
        + IpAddresses.format(ip) + "; fix the reverse zone");
  }

  Name zoneOf(Location location) throws ProviderException {
    if (settings.zone().isPresent() && !location.redirected()) {
      Name zone = name(settings.zone().get());
      if (location.owner().subdomain(zone)) {
        return zone;
      }
    }
    return findZone(location.owner());
  }

  /** The zone that holds name: the SOA in the answer or the authority section, else the parent's, walking up. */
  Name findZone(Name name) throws ProviderException {
    Name current = name;
    while (current.labels() > 1) {
      Message response = query(current, Type.SOA, "find the zone of " + Names.canonical(name));
      int rcode = response.getRcode();
      if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
          for (Record r : response.getSection(section)) {
            if (r instanceof SOARecord && name.subdomain(r.getName())) {
              return r.getName();
            }
          }
        }
      } else if (rcode != Rcode.REFUSED && rcode != Rcode.NOTAUTH || tsigError(response) != Rcode.NOERROR) {
        throw failure(response, false, "find the zone of " + Names.canonical(name));
      }
      current = new Name(current, 1);
    }
    throw new ProviderException(Kind.REJECTED, settings.server().getHostString() + ":" + settings.server().getPort()
        + " serves no zone that contains " + Names.canonical(name) + "; configure the zone or the right server");
  }

  // --- the wire

  private Message query(Name name, int type, String what) throws ProviderException {
    return send(Message.newQuery(Record.newRecord(name, type, DClass.IN)), what);
  }

  private void sendUpdate(Update update, Name zone, String what) throws ProviderException {
    Message response = send(update, what);
    if (response.getRcode() != Rcode.NOERROR || tsigError(response) != Rcode.NOERROR) {
      throw failure(response, true, what + " in zone " + Names.canonical(zone));
    }
  }

  private Message send(Message message, String what) throws ProviderException {
    Message response;
    try {
      response = resolver.send(message);
    } catch (IOException e) {
      throw new ProviderException(Kind.UNAVAILABLE, "could not " + what + ": no answer from " + server() + " ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    // SimpleResolver only logs a failed TSIG check. NOERROR and NXDOMAIN are the answers whose content is believed
    // (a PTR, "no PTR", "update done"), so they must carry the server's valid signature; an error answer is
    // reported as a failure either way (servers refusing the key answer unsigned, RFC 8945 5.3.2).
    int rcode = response.getRcode();
    if ((rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) && !response.isVerified()) {
      throw new ProviderException(Kind.UNAVAILABLE, "could not " + what + ": the " + Rcode.string(rcode)
          + " answer from " + server() + (response.getTSIG() == null ? " is not signed" : " has a TSIG signature "
          + "that does not verify") + " with TSIG key " + settings.keyName() + "; it is ignored, as it may be forged "
          + "(a server that has the key signs every answer)");
    }
    return response;
  }

  private ProviderException failure(Message response, boolean update, String what) {
    int rcode = response.getRcode();
    int tsigError = tsigError(response);
    String code = tsigError != Rcode.NOERROR ? Rcode.TSIGstring(tsigError) : Rcode.string(rcode);
    String prefix = "could not " + what + ": " + server() + " answered " + code;
    if (tsigError == Rcode.BADKEY || tsigError == Rcode.BADSIG || tsigError == Rcode.BADTIME
        || rcode == Rcode.NOTAUTH) {
      return new ProviderException(Kind.AUTHENTICATION, prefix + "; the server does not accept TSIG key "
          + settings.keyName() + " (" + settings.algorithm() + ") or is not authoritative; check key name, algorithm "
          + "and secret" + (tsigError == Rcode.BADTIME ? ", and the clocks" : ""));
    }
    if (rcode == Rcode.REFUSED && update) {
      return new ProviderException(Kind.AUTHENTICATION, prefix + "; the server's update policy does not let key "
          + settings.keyName() + " change this name");
    }
    if (rcode == Rcode.SERVFAIL) {
      return new ProviderException(Kind.UNAVAILABLE, prefix);
    }
    return new ProviderException(Kind.REJECTED, prefix);
  }

  private static int tsigError(Message response) {
    TSIGRecord tsig = response.getTSIG();
    return tsig == null ? Rcode.NOERROR : tsig.getError();
  }

  private String server() {
    return settings.server().getHostString() + ":" + settings.server().getPort();
  }

  private static Name name(String text) throws ProviderException {
    try {
      return Names.dnsName(text);
    } catch (IllegalArgumentException e) {
      throw new ProviderException(Kind.REJECTED, "invalid DNS name " + text);
    }
  }


  /** For tests and callers that want to know where the PTR of ip is written. */
  public Optional<String> ownerName(InetAddress ip) throws ProviderException {
    return Optional.of(Names.canonical(locate(ip).owner()));
  }
}
