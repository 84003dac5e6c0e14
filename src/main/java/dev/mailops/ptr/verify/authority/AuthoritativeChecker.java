package dev.mailops.ptr.verify.authority;

import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.ReverseNames;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks the authoritative servers of an IP's reverse zone, and of its forward name's zone, directly; servers are
 * listed by NS name, then address.
 *
 * <p>The zone of a name is found through the configured resolvers (the same ones the {@code Verifier} asks): an SOA
 * question for the name gives the enclosing zone's SOA (answer or authority section) or, from a server that only
 * delegates, a referral naming the zone and its NS names. A name that is a CNAME cannot be a zone apex, so its zone
 * is looked for from its parent. The zone's NS names and their addresses (glue, else A lookups; AAAA only for a
 * name without A) come from the resolvers too, and are cached for their TTL (at most {@link
 * AuthoritativeSettings#MAX_CACHE}). Then every address is asked, without recursion, over UDP with TCP when the
 * answer is truncated, for the name and for the zone's SOA (its serial). When the servers answer with a CNAME into
 * another zone (RFC 2317 classless delegation), that zone is asked next, up to {@code maxCnameHops} times.
 *
 * <p>Blocking (the servers of a zone are asked in parallel); thread-safe; never throws for DNS trouble: what could
 * not be found is a {@link ZoneView#problem()} or an {@link ServerAnswer.State#UNREACHABLE} server.
 */
public final class AuthoritativeChecker implements AutoCloseable {
  private static final int EDNS_PAYLOAD = 1232;
  private static final int MAX_SERVERS = 13;

  private final List<InetSocketAddress> resolvers;
  private final Duration resolverTimeout;
  private final int resolverRetries;
  private final AuthoritativeSettings settings;
  private final Clock clock;
  private final Map<Name, Cached<ZoneServers>> zones = new ConcurrentHashMap<>();
  private final Map<Name, Cached<Name>> zoneOfName = new ConcurrentHashMap<>();
  private final AtomicLong queries = new AtomicLong();

  private record Cached<T>(T value, Instant until) {}

  /** One address of one NS name. */
  private record Server(String name, InetAddress address, String problem, boolean lame) {}

  /** A zone, its primary (SOA MNAME, when known) and its servers. */
  private record ZoneServers(Name zone, String primary, List<Server> servers) {}

  /** The zone of a name as the resolvers see it: found from an SOA, or from a referral with its NS names. */
  private record Located(Name zone, SOARecord soa, List<Name> nsNames, List<Record> glue, long ttl) {}

  private static final class NotFound extends Exception {
    NotFound(String message) {
      super(message, null, false, false);
    }
  }

  /** Uses the resolvers of {@code dns} (or the system's) to find zones and server addresses. */
  public AuthoritativeChecker(DnsSettings dns, AuthoritativeSettings settings, Clock clock) {
    List<InetSocketAddress> servers = dns.servers();
    if (servers.isEmpty()) {
      servers = ResolverConfig.getCurrentConfig().servers();
    }
    this.resolvers = List.copyOf(servers);
    this.resolverTimeout = dns.timeout();
    this.resolverRetries = dns.retries();
    this.settings = settings;
    this.clock = clock;
  }

  public AuthoritativeSettings settings() {
    return settings;
  }

  /** DNS queries sent so far, to resolvers and authoritative servers (for the benchmark). */
  public long queriesSent() {
    return queries.get();
  }

  /**
   * Asks the authoritative servers of {@code ip}'s reverse name for its PTR (following CNAMEs across zones) and,
   * when {@code forwardName} is given, those of its zone for its A (IPv4) or AAAA (IPv6) records.
   */
  public AuthoritativeView check(InetAddress ip, Optional<String> forwardName) {
    Instant at = clock.instant();
    String reverse = ReverseNames.of(ip);
    List<ZoneView> views = new ArrayList<>();
    try {
      views.addAll(follow(absolute(reverse), Type.PTR));
      if (forwardName.isPresent()) {
        views.addAll(follow(absolute(forwardName.get()), ip instanceof Inet4Address ? Type.A : Type.AAAA));
      }
    } catch (RuntimeException e) {
      // e.g. a forward name dnsjava cannot parse: say so rather than fail the caller's check
      views.add(ZoneView.notFound(forwardName.orElse(reverse), "?", "internal error: " + e));
    }
    return new AuthoritativeView(views, at);
  }

  private List<ZoneView> follow(Name start, int type) {
    List<ZoneView> views = new ArrayList<>();
    List<Name> seen = new ArrayList<>();
    Name name = start;
    for (int hop = 0; hop <= settings.maxCnameHops(); hop++) {
      seen.add(name);
      ZoneView view = ask(name, type);
      views.add(view);
      // follow the CNAME only when the servers agree on it
      Optional<String> answer = view.disagreeing().isEmpty() ? view.referenceAnswer() : Optional.empty();
      if (answer.isEmpty() || !answer.get().startsWith("CNAME ")) {
        break;
      }
      Name target = absolute(answer.get().substring("CNAME ".length()));
      if (seen.contains(target)) {
        break; // a loop: the resolver view reports it; the servers agree on it, which is all this view judges
      }
      name = target;
    }
    return views;
  }

  private ZoneView ask(Name name, int type) {
    String shown = show(name);
    String typeName = Type.string(type);
    ZoneServers zone;
    try {
      zone = zoneServers(name);
    } catch (NotFound e) {
      return ZoneView.notFound(shown, typeName, e.getMessage());
    }
    List<CompletableFuture<ServerAnswer>> answers = new ArrayList<>();
    for (Server server : zone.servers()) {
      answers.add(askServer(server, zone.zone(), name, type));
    }
    List<ServerAnswer> results = answers.stream().map(CompletableFuture::join).toList();
    return new ZoneView(show(zone.zone()), shown, typeName, zone.primary(), results, null);
  }

  // ---- the servers of a zone, through the resolvers ---------------------------------------------------------------

  private ZoneServers zoneServers(Name name) throws NotFound {
    Instant now = clock.instant();
    Cached<Name> known = zoneOfName.get(name);
    if (known != null && now.isBefore(known.until())) {
      Cached<ZoneServers> servers = zones.get(known.value());
      if (servers != null && now.isBefore(servers.until())) {
        return servers.value();
      }
    }
    Located located = locate(name);
    zoneOfName.put(name, new Cached<>(located.zone(), until(now, located.ttl())));
    Cached<ZoneServers> cached = zones.get(located.zone());
    if (cached != null && now.isBefore(cached.until())) {
      return cached.value();
    }
    long ttl = located.ttl();
    List<Name> nsNames = located.nsNames();
    List<Record> glue = located.glue();
    if (nsNames.isEmpty()) {
      Message ns = askResolvers(located.zone(), Type.NS);
      nsNames = new ArrayList<>();
      glue = new ArrayList<>(ns.getSection(Section.ADDITIONAL));
      for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
        for (Record r : ns.getSection(section)) {
          if (r instanceof NSRecord n && r.getName().equals(located.zone()) && !nsNames.contains(n.getTarget())) {
            nsNames.add(n.getTarget());
            ttl = Math.min(ttl, r.getTTL());
          }
        }
        if (!nsNames.isEmpty()) {
          break;
        }
      }
      if (nsNames.isEmpty()) {
        throw new NotFound("the resolvers know no NS records for " + show(located.zone()));
      }
    }
    List<Server> servers = new ArrayList<>();
    // servers rotate RRsets: a stable order keeps status from changing on every check
    nsNames = nsNames.stream().sorted().toList();
    for (Name ns : nsNames.subList(0, Math.min(nsNames.size(), MAX_SERVERS))) {
      ttl = Math.min(ttl, addresses(ns, glue, servers));
    }
    String primary = located.soa() == null ? null : show(located.soa().getHost());
    if (primary == null) {
      primary = soaFromServers(located.zone(), servers);
    }
    ZoneServers result = new ZoneServers(located.zone(), primary, servers);
    zones.put(located.zone(), new Cached<>(result, until(now, ttl)));
    return result;
  }

  /** The zone enclosing {@code name}, per the resolvers. */
  private Located locate(Name name) throws NotFound {
    Name current = name;
    while (true) {
      Message m = askResolvers(current, Type.SOA);
      boolean cname = false;
      for (Record r : m.getSection(Section.ANSWER)) {
        if (!r.getName().equals(current)) {
          continue;
        }
        if (r instanceof SOARecord soa) {
          return new Located(current, soa, List.of(), List.of(), r.getTTL());
        }
        cname |= r instanceof CNAMERecord;
      }
      if (!cname) {
        // the authority section of a negative answer names the enclosing zone; a referral names a delegated one
        List<Name> nsNames = new ArrayList<>();
        Name delegated = null;
        long ttl = AuthoritativeSettings.MAX_CACHE.toSeconds();
        for (Record r : m.getSection(Section.AUTHORITY)) {
          if (r instanceof SOARecord soa && current.subdomain(r.getName())) {
            return new Located(r.getName(), soa, List.of(), List.of(), r.getTTL());
          }
          if (r instanceof NSRecord ns && current.subdomain(r.getName())
              && (delegated == null || delegated.equals(r.getName()))) {
            delegated = r.getName();
            nsNames.add(ns.getTarget());
            ttl = Math.min(ttl, r.getTTL());
          }
        }
        if (delegated != null) {
          return new Located(delegated, null, nsNames, m.getSection(Section.ADDITIONAL), ttl);
        }
      }
      // a CNAME cannot be a zone apex, and a resolver may leave out the SOA: look from the parent
      if (current.labels() <= 1) {
        throw new NotFound("the resolvers name no zone that holds " + show(name));
      }
      current = new Name(current, 1);
    }
  }

  /** Adds one server per address of {@code ns} (or one that says why there is none); returns the lowest TTL. */
  private long addresses(Name ns, List<Record> glue, List<Server> servers) {
    String name = show(ns);
    long ttl = AuthoritativeSettings.MAX_CACHE.toSeconds();
    List<InetAddress> found = new ArrayList<>();
    for (Record r : glue) {
      if (r.getName().equals(ns) && r instanceof ARecord a) {
        found.add(a.getAddress());
        ttl = Math.min(ttl, r.getTTL());
      }
    }
    try {
      for (int type : new int[] {Type.A, Type.AAAA}) {
        if (!found.isEmpty()) {
          break;
        }
        Message m = askResolvers(ns, type);
        if (m.getRcode() == Rcode.NXDOMAIN) {
          servers.add(new Server(name, null, "the NS name " + name + " does not exist (NXDOMAIN)", true));
          return ttl;
        }
        for (Record r : m.getSection(Section.ANSWER)) {
          InetAddress a = r instanceof ARecord ar ? ar.getAddress() : r instanceof AAAARecord aaaa
              ? aaaa.getAddress() : null;
          if (a != null && !found.contains(a)) {
            found.add(a);
            ttl = Math.min(ttl, r.getTTL());
          }
        }
      }
    } catch (NotFound e) {
      servers.add(new Server(name, null, "could not look up the address of " + name + ": " + e.getMessage(), false));
      return 0;
    }
    if (found.isEmpty()) {
      servers.add(new Server(name, null, "the NS name " + name + " has no address record", true));
    }
    found.sort(java.util.Comparator.comparing(InetAddress::getHostAddress));
    for (InetAddress a : found) {
      servers.add(new Server(name, a, null, false));
    }
    return ttl;
  }

  /** The SOA MNAME as the first server that answers with authority gives it (a referral carries no SOA). */
  private String soaFromServers(Name zone, List<Server> servers) {
    for (Server s : servers) {
      if (s.address() == null) {
        continue;
      }
      Message m = query(s.address(), zone, Type.SOA).exceptionally(t -> null).join();
      if (m != null && m.getHeader().getFlag(Flags.AA)) {
        for (Record r : m.getSection(Section.ANSWER)) {
          if (r instanceof SOARecord soa && r.getName().equals(zone)) {
            return show(soa.getHost());
          }
        }
      }
    }
    return null;
  }

  // ---- one authoritative server ---------------------------------------------------------------------------------

  private CompletableFuture<ServerAnswer> askServer(Server server, Name zone, Name name, int type) {
    if (server.address() == null) {
      return CompletableFuture.completedFuture(server.lame() ? ServerAnswer.lame(server.name(), null, server.problem())
          : ServerAnswer.unreachable(server.name(), null, server.problem()));
    }
    String address = server.address().getHostAddress();
    CompletableFuture<Reply> records = query(server.address(), name, type).handle(Reply::new);
    CompletableFuture<Message> soa = query(server.address(), zone, Type.SOA).exceptionally(t -> null);
    return records.thenCombine(soa, (reply, soaMessage) -> classify(server.name(), address, reply, soaMessage, zone,
        name, type));
  }

  private record Reply(Message message, Throwable error) {}

  private ServerAnswer classify(String server, String address, Reply reply, Message soaMessage, Name zone, Name name,
      int type) {
    if (reply.error() != null) {
      return ServerAnswer.unreachable(server, address, describe(reply.error()));
    }
    Message m = reply.message();
    String question = show(name) + "/" + Type.string(type);
    int rcode = m.getRcode();
    if (rcode == Rcode.REFUSED || rcode == Rcode.NOTAUTH || rcode == Rcode.NOTIMP) {
      return ServerAnswer.lame(server, address, Rcode.string(rcode) + " for " + question + ": it does not serve "
          + show(zone));
    }
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return ServerAnswer.unreachable(server, address, Rcode.string(rcode) + " for " + question);
    }
    if (!m.getHeader().getFlag(Flags.AA)) {
      return ServerAnswer.lame(server, address, "not authoritative for " + show(zone)
          + " (its answer has no AA flag)");
    }
    return answered(server, address, m, name, type, serial(soaMessage, zone));
  }

  private static Long serial(Message m, Name zone) {
    if (m == null || !m.getHeader().getFlag(Flags.AA)) {
      return null;
    }
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r instanceof SOARecord soa && r.getName().equals(zone)) {
        return soa.getSerial();
      }
    }
    return null;
  }

  /** The records at the end of the answer's CNAME chain, as comparable text. */
  private static ServerAnswer answered(String server, String address, Message m, Name name, int type, Long serial) {
    Name current = name;
    List<Record> answer = m.getSection(Section.ANSWER);
    for (int hops = 0; hops <= answer.size(); hops++) {
      TreeSet<String> data = new TreeSet<>();
      Name target = null;
      long ttl = Long.MAX_VALUE;
      for (Record r : answer) {
        if (!r.getName().equals(current) || r.getDClass() != DClass.IN) {
          continue;
        }
        if (r.getType() == type) {
          data.add(rdata(r));
          ttl = Math.min(ttl, r.getTTL());
        } else if (r instanceof CNAMERecord c && target == null) {
          target = c.getTarget();
          ttl = Math.min(ttl, r.getTTL());
        }
      }
      if (!data.isEmpty()) {
        return ServerAnswer.answered(server, address, String.join(", ", data), serial, ttl);
      }
      if (target == null) {
        break;
      }
      Name next = target;
      if (answer.stream().noneMatch(r -> r.getName().equals(next))) {
        return ServerAnswer.answered(server, address, "CNAME " + show(target), serial, ttl);
      }
      current = target;
    }
    String negative = m.getRcode() == Rcode.NXDOMAIN ? "NXDOMAIN" : "NODATA";
    return ServerAnswer.answered(server, address, negative, serial, null);
  }

  private static String rdata(Record r) {
    if (r instanceof PTRRecord p) {
      return show(p.getTarget());
    }
    if (r instanceof ARecord a) {
      return a.getAddress().getHostAddress();
    }
    if (r instanceof AAAARecord a) {
      return a.getAddress().getHostAddress();
    }
    return r.rdataToString().toLowerCase(Locale.ROOT);
  }

  // ---- queries ---------------------------------------------------------------------------------------------------

  private CompletableFuture<Message> query(InetAddress address, Name name, int type) {
    return send(new InetSocketAddress(address, settings.port()), name, type, false, settings.timeout(),
        settings.retries());
  }

  private CompletableFuture<Message> send(InetSocketAddress server, Name name, int type, boolean recursive,
      Duration timeout, int retries) {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(timeout);
    resolver.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    if (!recursive) {
      q.getHeader().unsetFlag(Flags.RD);
    }
    CompletableFuture<Message> sent;
    try {
      queries.incrementAndGet();
      sent = resolver.sendAsync(q).toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle((m, error) -> {
      if (error == null && (m.getQuestion() == null || !m.getQuestion().getName().equals(name)
          || m.getQuestion().getType() != type)) {
        return CompletableFuture.<Message>failedFuture(new IOException("the answer does not match the question"));
      }
      if (error != null && retries > 0 && timeoutOrNetwork(error)) {
        return send(server, name, type, recursive, timeout, retries - 1);
      }
      return error == null ? CompletableFuture.completedFuture(m) : CompletableFuture.<Message>failedFuture(error);
    }).thenCompose(f -> f);
  }

  /** Asks the resolvers in turn; NOERROR or NXDOMAIN from one of them is the answer. */
  private Message askResolvers(Name name, int type) throws NotFound {
    if (resolvers.isEmpty()) {
      throw new NotFound("no resolver is configured or found in the system configuration");
    }
    String last = null;
    for (InetSocketAddress resolver : resolvers) {
      try {
        Message m = send(resolver, name, type, true, resolverTimeout, resolverRetries).join();
        if (m.getRcode() == Rcode.NOERROR || m.getRcode() == Rcode.NXDOMAIN) {
          return m;
        }
        last = Rcode.string(m.getRcode()) + " from " + resolver.getAddress().getHostAddress();
      } catch (CompletionException e) {
        last = describe(e) + " from " + resolver.getAddress().getHostAddress();
      }
    }
    throw new NotFound("could not look up " + show(name) + "/" + Type.string(type) + ": " + last);
  }

  private static boolean timeoutOrNetwork(Throwable t) {
    Throwable c = unwrap(t);
    return c instanceof TimeoutException || c instanceof IOException;
  }

  private String describe(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof TimeoutException || c instanceof SocketTimeoutException) {
      return "no answer within " + settings.timeout().toMillis() + " ms";
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static Instant until(Instant now, long ttlSeconds) {
    long capped = Math.max(0, Math.min(ttlSeconds, AuthoritativeSettings.MAX_CACHE.toSeconds()));
    return now.plusSeconds(capped);
  }

  static Name absolute(String name) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
  }

  static String show(Name name) {
    return name.toString(true).toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    zones.clear();
    zoneOfName.clear();
  }
}
