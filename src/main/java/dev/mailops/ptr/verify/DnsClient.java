package dev.mailops.ptr.verify;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Asynchronous stub lookups with retries across servers and CNAME following; no caching.
 *
 * <p>Each query goes to one server over UDP through {@link UdpTransport} (short-lived connected sockets on
 * random ports, one receiver thread); a truncated UDP answer is asked again over TCP through dnsjava's {@link
 * SimpleResolver#sendAsync(Message, Executor)}. Only
 * NOERROR and NXDOMAIN answers to the question asked are definitive; SERVFAIL, REFUSED, NOTIMP,
 * FORMERR, other rcodes, timeouts, network errors and answers to another question are temporary.
 * Timeouts and network errors are retried up to {@code retries} more times, rotating through the
 * servers; rcode failures are retried only on another server.
 *
 * <p>CNAMEs are followed inside an answer; when an answer ends on a CNAME target without the
 * wanted records (RFC 2317 classless delegation to another zone, or an authoritative server that
 * does not serve the target), the target is queried again. A CNAME that returns to a name of the
 * chain is a {@link Status#LOOP} (a permanent configuration error); a chain longer than
 * {@code maxCnameHops} is {@link Status#TEMPORARY} (this resolver gave up; others may go further).
 */
final class DnsClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsClient.class);
  private static final int EDNS_PAYLOAD = 1232;

  enum Status {
    FOUND,
    NXDOMAIN,
    NODATA,
    LOOP,
    TEMPORARY
  }

  /** The outcome of one lookup; {@code records} are of the asked type, owned by the chain's end. */
  record Lookup(Status status, List<Record> records, List<Name> chain, String detail) {}

  private record Attempt(Message message, boolean temporary, boolean retryAnywhere, String detail) {}

  private final List<InetSocketAddress> servers;
  /** TCP only: for answers that were truncated over UDP. */
  private final List<SimpleResolver> resolvers;
  private final UdpTransport udp;
  private final List<String> serverNames;
  private final Duration timeout;
  private final int retries;
  private final int maxCnameHops;
  private final Executor executor;
  private final DnsObserver observer;

  DnsClient(List<InetSocketAddress> servers, Duration timeout, int retries, int maxCnameHops,
      Executor executor, DnsObserver observer) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no DNS servers");
    }
    List<SimpleResolver> rs = new ArrayList<>(servers.size());
    List<String> names = new ArrayList<>(servers.size());
    for (InetSocketAddress server : servers) {
      SimpleResolver r = new SimpleResolver(server);
      r.setTimeout(timeout);
      r.setTCP(true);
      r.setEDNS(0, EDNS_PAYLOAD, 0, Collections.emptyList());
      rs.add(r);
      names.add(describe(server));
    }
    this.servers = List.copyOf(servers);
    this.resolvers = List.copyOf(rs);
    this.udp = new UdpTransport();
    this.serverNames = List.copyOf(names);
    this.timeout = timeout;
    this.retries = retries;
    this.maxCnameHops = maxCnameHops;
    this.executor = executor;
    this.observer = observer;
  }

  static String describe(InetSocketAddress server) {
    String host = server.getAddress() == null ? server.getHostString() : IpAddresses.format(server.getAddress());
    return (server.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":"
        + server.getPort();
  }

  static String show(Name name) {
    return name.toString(true);
  }

  /** Looks up records of {@code type} for {@code name}, following CNAMEs. Never fails. */
  CompletableFuture<Lookup> lookup(Name name, int type) {
    List<Name> chain = new ArrayList<>(4);
    chain.add(name);
    CompletableFuture<Lookup> result;
    try {
      result = step(name, type, chain);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.exceptionally(
        t -> new Lookup(Status.TEMPORARY, List.of(), List.copyOf(chain),
            "error looking up " + show(name) + "/" + Type.string(type) + ": " + describe(t)));
  }

  private CompletableFuture<Lookup> step(Name current, int type, List<Name> chain) {
    return query(current, type, 0).thenCompose(a -> {
      if (a.temporary()) {
        return CompletableFuture.completedFuture(
            new Lookup(Status.TEMPORARY, List.of(), List.copyOf(chain), a.detail()));
      }
      List<Record> answer = a.message().getSection(Section.ANSWER);
      Name cur = current;
      while (true) {
        List<Record> found = new ArrayList<>();
        Name target = null;
        for (Record r : answer) {
          if (!r.getName().equals(cur) || r.getDClass() != DClass.IN) {
            continue;
          }
          if (r.getType() == type) {
            found.add(r);
          } else if (r.getType() == Type.CNAME && target == null) {
            target = ((CNAMERecord) r).getTarget();
          }
        }
        if (!found.isEmpty()) {
          return CompletableFuture.completedFuture(
              new Lookup(Status.FOUND, List.copyOf(found), List.copyOf(chain), a.detail()));
        }
        if (target == null) {
          break;
        }
        if (chain.contains(target)) {
          chain.add(target);
          return CompletableFuture.completedFuture(
              new Lookup(Status.LOOP, List.of(), List.copyOf(chain), "CNAME loop: " + arrows(chain)));
        }
        if (chain.size() - 1 >= maxCnameHops) {
          chain.add(target);
          return CompletableFuture.completedFuture(
              new Lookup(Status.TEMPORARY, List.of(), List.copyOf(chain),
                  "CNAME chain longer than " + maxCnameHops + " hops: " + arrows(chain)));
        }
        chain.add(target);
        cur = target;
      }
      if (!cur.equals(current)) {
        // The answer stops at a CNAME target: ask for the target itself.
        return step(cur, type, chain);
      }
      Status status = a.message().getRcode() == Rcode.NXDOMAIN ? Status.NXDOMAIN : Status.NODATA;
      return CompletableFuture.completedFuture(
          new Lookup(status, List.of(), List.copyOf(chain), a.detail()));
    });
  }

  private static String arrows(List<Name> chain) {
    return chain.stream().map(DnsClient::show).collect(Collectors.joining(" -> "));
  }

  private CompletableFuture<Attempt> query(Name name, int type, int attempt) {
    int index = attempt % resolvers.size();
    String server = serverNames.get(index);
    String what = show(name) + "/" + Type.string(type);
    CompletableFuture<Message> sent;
    long started = System.nanoTime();
    try {
      Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
      q.getHeader().setFlag(Flags.RD);
      q.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
      SimpleResolver tcp = resolvers.get(index);
      // parse and go on on the executor, so that the transport's receiver thread only receives; timeouts too (the
      // receiver's sweep reports them), so every later stage of a verification runs on the executor
      sent = udp.send(servers.get(index), q, timeout).<CompletableFuture<Message>>handleAsync((bytes, error) -> {
        if (error != null) {
          return CompletableFuture.<Message>failedFuture(error);
        }
        Message response;
        try {
          response = new Message(bytes);
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
        if (response.getHeader().getFlag(Flags.TC)) {
          return tcp.sendAsync(q, executor).toCompletableFuture();
        }
        return CompletableFuture.completedFuture(response);
      }, executor).thenCompose(answer -> answer);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent
        .handle((response, error) -> {
          observe(type, response, error, started);
          return classify(response, error, name, type, server, what);
        })
        .thenCompose(a -> {
          boolean again = a.temporary()
              && attempt < retries
              && (a.retryAnywhere() || resolvers.size() > 1);
          if (again) {
            log.debug("retrying {} after: {}", what, a.detail());
            return query(name, type, attempt + 1);
          }
          return CompletableFuture.completedFuture(a);
        });
  }

  private void observe(int type, Message response, Throwable error, long started) {
    String outcome;
    if (error != null) {
      Throwable cause = unwrap(error);
      outcome = cause instanceof TimeoutException || cause instanceof SocketTimeoutException ? "timeout" : "error";
    } else {
      outcome = Rcode.string(response.getRcode()).toLowerCase(java.util.Locale.ROOT);
    }
    try {
      observer.queried(Type.string(type), outcome, Duration.ofNanos(System.nanoTime() - started));
    } catch (RuntimeException e) {
      log.debug("DNS observer failed", e);
    }
  }

  private Attempt classify(Message response, Throwable error, Name name, int type, String server,
      String what) {
    if (error != null) {
      Throwable cause = unwrap(error);
      if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
        return new Attempt(null, true, true,
            "no answer from " + server + " for " + what + " within " + timeout.toMillis() + " ms");
      }
      return new Attempt(null, true, true,
          "error from " + server + " for " + what + ": " + describe(cause));
    }
    Record question = response.getQuestion();
    if (question == null || !question.getName().equals(name) || question.getType() != type
        || question.getDClass() != DClass.IN) {
      return new Attempt(null, true, true,
          "answer from " + server + " does not match the question " + what + " (it answers "
              + (question == null ? "nothing" : show(question.getName()) + "/"
                  + Type.string(question.getType())) + ")");
    }
    int rcode = response.getRcode();
    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
      return new Attempt(response, false, false,
          Rcode.string(rcode) + " from " + server + " for " + what);
    }
    return new Attempt(null, true, false, Rcode.string(rcode) + " from " + server + " for " + what);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String describe(Throwable t) {
    Throwable c = unwrap(t);
    String msg = c.getMessage();
    return c.getClass().getSimpleName() + (msg == null ? "" : " (" + msg + ")");
  }

  @Override
  public void close() {
    udp.close();
  }
}
