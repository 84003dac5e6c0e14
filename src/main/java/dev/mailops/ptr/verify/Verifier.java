package dev.mailops.ptr.verify;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Type;

/**
 * The DNS verification engine: PTR lookup, forward confirmation (FCrDNS, RFC 8601 iprev) and the
 * hostname judgement, fully asynchronous (dnsjava NIO; no thread per lookup, nothing blocks the
 * caller). Nothing is cached between {@link #verify} calls. Thread-safe; share one instance.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>NXDOMAIN or NODATA for the reverse name: no PTR, iprev {@code permerror}.
 *   <li>CNAMEs are followed (RFC 2317 classless delegation): when an answer stops at a CNAME
 *       target, the target is queried, at most {@code maxCnameHops} CNAMEs in all. A CNAME loop that
 *       this engine detects (typically across zones or servers) is a broken, permanent
 *       configuration: for the reverse name it is reported like a missing PTR (iprev {@code
 *       permerror}, {@code NoPtrRecord}, detail "CNAME loop: a -> b -> a"); for a forward name
 *       like a missing address ({@code NoForwardRecord}). A server that detects the loop itself
 *       answers SERVFAIL (PowerDNS does, in its own zones), which is a temporary failure like every
 *       SERVFAIL. A chain longer than {@code maxCnameHops} without a loop is temporary (we gave
 *       up; a resolver with a higher limit may succeed).
 *   <li>Temporary failures (timeouts, SERVFAIL, REFUSED, other rcodes, answers to another
 *       question, network errors) never produce FAIL: the affected verdicts are UNKNOWN with reason
 *       {@code DnsTemporaryFailure} and iprev is {@code temperror} unless some PTR name was
 *       confirmed anyway.
 *   <li>At most {@link #MAX_PTR_NAMES} distinct PTR names are kept (answer order); at most {@code
 *       maxForwardNames} of them are resolved forward. iprev is {@code pass} when any of those
 *       resolves to the IP, {@code temperror} when none does and a lookup failed temporarily,
 *       {@code fail} otherwise. When there are at most {@code maxForwardNames} names (all resolved
 *       forward), they are sorted, and forward addresses always are: servers rotate RRsets, and the
 *       status must not change on every re-check because of it.
 *   <li>PTR targets are normalised with {@link Names#normalise}; a target that is not a valid host
 *       name (odd bytes, underscores, overlong) is kept in dnsjava's escaped presentation form
 *       (lower case, no trailing dot), still resolved forward, and judged generic by {@link
 *       HostnameJudge}.
 *   <li>When no hostname is requested, {@link Verification#desiredHostnameForward()} is {@link
 *       Outcome#NONE}. Without a PTR, FORWARD_CONFIRMED is FAIL {@code NoPtrRecord}: nothing is
 *       confirmed, and its detail says whether the desired hostname already resolves to the IP.
 *       When the PTR lookup failed temporarily, {@code forwardName} is the desired
 *       hostname (if any) and FORWARD_CONFIRMED is UNKNOWN; HOSTNAME_MEANINGFUL judges the desired
 *       hostname, or is UNKNOWN when none was requested (no name was seen).
 * </ul>
 */
public final class Verifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Verifier.class);

  /** Most distinct PTR names kept from one answer. */
  public static final int MAX_PTR_NAMES = 20;

  private static final int MAX_LISTED = 5;

  private final DnsSettings settings;
  private final DnsClient dns;
  private final MarkedExecutor executor;
  private final HostnameJudge judge = new HostnameJudge();
  private volatile boolean closed;

  /**
   * Runs the (short, non-blocking) completion stages on a pool shared by all default verifiers, with
   * one thread per core and at least two: the common pool has a single thread on a two-core machine,
   * which bounded the engine (docs/benchmarks.md).
   */
  public Verifier(DnsSettings settings) {
    this(settings, DefaultPool.POOL);
  }

  /** The executor of {@link #Verifier(DnsSettings)}, for callers that also pass an observer. */
  public static Executor defaultExecutor() {
    return DefaultPool.POOL;
  }

  /** Runs tasks on the given executor and knows whether the current thread is running one of them. */
  private static final class MarkedExecutor implements Executor {
    private final ThreadLocal<Boolean> running = new ThreadLocal<>();
    private final Executor delegate;

    MarkedExecutor(Executor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
      delegate.execute(() -> {
        if (running.get() != null) {
          task.run(); // a direct executor, inside one of our tasks
          return;
        }
        running.set(Boolean.TRUE);
        try {
          task.run();
        } finally {
          running.remove();
        }
      });
    }

    boolean isCurrentThread() {
      return running.get() != null;
    }
  }

  private static final class DefaultPool {
    static final ForkJoinPool POOL = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
        pool -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          t.setName("ptr-verify-" + t.getPoolIndex());
          t.setDaemon(true);
          return t;
        }, null, true);
  }

  /**
   * @param executor runs the completion stages, including the caller's dependent stages when they
   *     are not async; must not be a direct executor if callers block in their stages
   */
  public Verifier(DnsSettings settings, Executor executor) {
    this(settings, executor, DnsObserver.NONE);
  }

  /** As above, telling {@code observer} about every query sent (for metrics). */
  public Verifier(DnsSettings settings, Executor executor, DnsObserver observer) {
    this.settings = settings;
    this.executor = new MarkedExecutor(executor);
    List<InetSocketAddress> servers = settings.servers();
    if (servers.isEmpty()) {
      servers = ResolverConfig.getCurrentConfig().servers();
      if (servers.isEmpty()) {
        log.warn("no DNS servers configured or found in the system configuration; using 127.0.0.1:53");
        servers = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
      }
    }
    this.dns = new DnsClient(servers, settings.timeout(), settings.retries(),
        settings.maxCnameHops(), this.executor, observer);
  }

  public DnsSettings settings() {
    return settings;
  }

  /** Verifies one IP. Never throws and never completes exceptionally. */
  public CompletableFuture<Verification> verify(VerificationRequest request) {
    try {
      if (closed) {
        return CompletableFuture.completedFuture(failure(request, "the verifier is closed"));
      }
      // The caller's stages run on the executor, never on the transport's receiver thread. DnsClient hands every
      // answer and timeout to the executor, so the last stage is almost always there already: completing in place
      // saves a hand-off per verification (docs/benchmarks.md); otherwise (a TCP answer, a synchronous failure) hop.
      CompletableFuture<Verification> result = new CompletableFuture<>();
      start(request).exceptionally(t -> {
        log.warn("verification of {} failed unexpectedly", request.ip(), t);
        return failure(request, "internal error: " + t);
      }).thenAccept(v -> {
        if (executor.isCurrentThread()) {
          result.complete(v);
        } else {
          executor.execute(() -> result.complete(v));
        }
      });
      return result;
    } catch (RuntimeException e) {
      log.warn("verification of {} failed unexpectedly", request.ip(), e);
      return CompletableFuture.completedFuture(failure(request, "internal error: " + e));
    }
  }

  @Override
  public void close() {
    closed = true;
    dns.close();
  }

  // ---------------------------------------------------------------------------------------------

  private CompletableFuture<Verification> start(VerificationRequest request) throws RuntimeException {
    InetAddress ip = request.ip();
    String reverse = ReverseNames.of(ip);
    int forwardType = ip instanceof Inet4Address ? Type.A : Type.AAAA;
    Optional<String> desired = request.hostname();
    CompletableFuture<DnsClient.Lookup> desiredLookup =
        desired.map(h -> dns.lookup(Names.dnsName(h), forwardType)).orElse(null);
    return dns.lookup(Names.dnsName(reverse), Type.PTR).thenCompose(ptr -> {
      Map<String, Name> names = new LinkedHashMap<>();
      int distinct = 0;
      if (ptr.status() == DnsClient.Status.FOUND) {
        Set<String> seen = new HashSet<>();
        for (Record r : ptr.records()) {
          Name target = ((PTRRecord) r).getTarget();
          String n = Names.canonical(target);
          if (seen.add(n)) {
            distinct++;
            if (names.size() < MAX_PTR_NAMES) {
              names.put(n, target);
            }
          }
        }
      }
      if (distinct > 1 && distinct <= settings.maxForwardNames()) {
        // Servers rotate the records of an RRset: a stable order keeps status (and the PTR column) from
        // changing on every re-check. Larger (hostile) answers keep answer order, which decides which
        // names are resolved forward.
        Map<String, Name> sorted = new LinkedHashMap<>();
        for (String n : names.keySet().stream().sorted().toList()) {
          sorted.put(n, names.get(n));
        }
        names = sorted;
      }
      Map<String, CompletableFuture<DnsClient.Lookup>> forward = new LinkedHashMap<>();
      for (Map.Entry<String, Name> e : names.entrySet()) {
        if (forward.size() >= settings.maxForwardNames()) {
          break;
        }
        boolean isDesired = desired.isPresent() && desired.get().equals(e.getKey());
        forward.put(e.getKey(), isDesired ? desiredLookup : dns.lookup(e.getValue(), forwardType));
      }
      if (desired.isPresent() && names.containsKey(desired.get())) {
        forward.putIfAbsent(desired.get(), desiredLookup);
      }
      List<CompletableFuture<DnsClient.Lookup>> all = new ArrayList<>(forward.values());
      if (desiredLookup != null) {
        all.add(desiredLookup);
      }
      final int count = distinct;
      final Map<String, Name> ordered = names;
      return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .thenApply(v -> assemble(request, reverse, ptr, ordered, count, forward, desiredLookup));
    });
  }

  private Verification assemble(VerificationRequest request, String reverse, DnsClient.Lookup ptr,
      Map<String, Name> names, int distinct, Map<String, CompletableFuture<DnsClient.Lookup>> forward,
      CompletableFuture<DnsClient.Lookup> desiredFuture) {
    InetAddress ip = request.ip();
    String ipText = IpAddresses.format(ip);
    Optional<String> desired = request.hostname();
    List<String> ptrNames = List.copyOf(names.keySet());
    DnsClient.Lookup desiredLookup = desiredFuture == null ? null : desiredFuture.join();
    EnumMap<Check, Verdict> verdicts = new EnumMap<>(Check.class);

    Iprev iprev;
    String forwardName;
    DnsClient.Lookup forwardLookup;
    switch (ptr.status()) {
      case TEMPORARY -> {
        iprev = Iprev.TEMPERROR;
        String detail = "could not look up the PTR of " + ipText + ": " + ptr.detail();
        verdicts.put(Check.PTR_PRESENT, Verdict.unknown(detail));
        verdicts.put(Check.SINGLE_PTR, Verdict.unknown(detail));
        verdicts.put(Check.PTR_MATCHES_HOSTNAME, desired.isEmpty()
            ? Verdict.pass(Reason.NO_HOSTNAME_REQUESTED, "no hostname was requested")
            : Verdict.unknown(detail));
        verdicts.put(Check.FORWARD_CONFIRMED, Verdict.unknown(detail));
        forwardName = desired.orElse(null);
        forwardLookup = desiredLookup;
      }
      case NXDOMAIN, NODATA, LOOP -> {
        iprev = Iprev.PERMERROR;
        String detail = ptr.status() == DnsClient.Status.LOOP
            ? "no usable PTR record for " + ipText + " (" + reverse + "): " + ptr.detail()
            : "no PTR record for " + ipText + " (" + ptr.detail() + ")";
        verdicts.put(Check.PTR_PRESENT, Verdict.fail(Reason.NO_PTR_RECORD, detail));
        verdicts.put(Check.SINGLE_PTR, Verdict.fail(Reason.NO_PTR_RECORD, detail));
        verdicts.put(Check.PTR_MATCHES_HOSTNAME, desired.isEmpty()
            ? Verdict.pass(Reason.NO_HOSTNAME_REQUESTED, "no hostname was requested")
            : Verdict.fail(Reason.NO_PTR_RECORD, detail + ", expected " + desired.get()));
        forwardName = desired.orElse(null);
        forwardLookup = desiredLookup;
        // Without a PTR nothing is forward-confirmed; the detail still says whether the desired
        // hostname's address is in place, which is all that is left to do on the forward side.
        verdicts.put(Check.FORWARD_CONFIRMED, Verdict.fail(Reason.NO_PTR_RECORD,
            forwardName == null
                ? "there is no PTR record, so there is no name to resolve forward"
                : noPtrForwardDetail(ip, forwardName, forwardVerdict(ip, forwardName, forwardLookup))));
      }
      default -> {
        verdicts.put(Check.PTR_PRESENT, Verdict.pass(Reason.PTR_FOUND,
            reverse + " has PTR " + list(ptrNames, distinct)));
        verdicts.put(Check.SINGLE_PTR, distinct == 1
            ? Verdict.pass(Reason.SINGLE_PTR_RECORD, reverse + " has a single PTR record")
            : Verdict.fail(Reason.MULTIPLE_PTR_RECORDS,
                reverse + " has " + distinct + " PTR records: " + list(ptrNames, distinct)));
        if (desired.isEmpty()) {
          verdicts.put(Check.PTR_MATCHES_HOSTNAME,
              Verdict.pass(Reason.NO_HOSTNAME_REQUESTED, "no hostname was requested"));
        } else if (names.containsKey(desired.get())) {
          verdicts.put(Check.PTR_MATCHES_HOSTNAME,
              Verdict.pass(Reason.PTR_MATCHES, "PTR is " + desired.get()));
        } else {
          verdicts.put(Check.PTR_MATCHES_HOSTNAME, Verdict.fail(Reason.PTR_MISMATCH,
              "PTR is " + list(ptrNames, distinct) + ", expected " + desired.get()));
        }
        forwardName = desired.filter(names::containsKey).orElse(ptrNames.get(0));
        forwardLookup = forward.get(forwardName).join();
        verdicts.put(Check.FORWARD_CONFIRMED, forwardVerdict(ip, forwardName, forwardLookup));
        boolean confirmed = false;
        boolean temporary = false;
        for (CompletableFuture<DnsClient.Lookup> f : forward.values()) {
          DnsClient.Lookup l = f.join();
          confirmed |= addresses(l).contains(ip);
          temporary |= l.status() == DnsClient.Status.TEMPORARY;
        }
        iprev = confirmed ? Iprev.PASS : temporary ? Iprev.TEMPERROR : Iprev.FAIL;
      }
    }

    List<String> judged = new ArrayList<>(ptrNames.size() + 1);
    desired.ifPresent(judged::add);
    judged.addAll(ptrNames);
    verdicts.put(Check.HOSTNAME_MEANINGFUL, judged.isEmpty() && ptr.status() == DnsClient.Status.TEMPORARY
        ? verdicts.get(Check.PTR_PRESENT)
        : judge.judge(ip, judged, request.domain()));

    Outcome desiredForward;
    if (desiredLookup == null) {
      desiredForward = Outcome.NONE;
    } else if (addresses(desiredLookup).contains(ip)) {
      desiredForward = Outcome.PASS;
    } else if (desiredLookup.status() == DnsClient.Status.TEMPORARY) {
      desiredForward = Outcome.UNKNOWN;
    } else {
      desiredForward = Outcome.FAIL;
    }

    return new Verification(ip, reverse, desired, request.domain(), iprev, ptrNames, forwardName,
        forwardLookup == null ? List.of() : addresses(forwardLookup), desiredForward, verdicts,
        Instant.now());
  }

  private static String noPtrForwardDetail(InetAddress ip, String name, Verdict desiredForward) {
    String ipText = IpAddresses.format(ip);
    return switch (desiredForward.outcome()) {
      case PASS -> "there is no PTR to confirm yet; " + name + " already resolves to " + ipText
          + ", so reverse DNS will be forward-confirmed once the PTR is set";
      case FAIL -> "there is no PTR to confirm, and " + desiredForward.detail();
      default -> "there is no PTR to confirm (" + desiredForward.detail() + ")";
    };
  }

  private Verdict forwardVerdict(InetAddress ip, String name, DnsClient.Lookup lookup) {
    String ipText = IpAddresses.format(ip);
    String type = ip instanceof Inet4Address ? "A" : "AAAA";
    List<InetAddress> addresses = addresses(lookup);
    return switch (lookup.status()) {
      case TEMPORARY -> Verdict.unknown("could not resolve " + name + ": " + lookup.detail());
      case NXDOMAIN, NODATA -> Verdict.fail(Reason.NO_FORWARD_RECORD,
          name + " has no " + type + " record (" + lookup.detail() + ")");
      case LOOP -> Verdict.fail(Reason.NO_FORWARD_RECORD,
          name + " has no " + type + " record: " + lookup.detail());
      case FOUND -> addresses.contains(ip)
          ? Verdict.pass(Reason.FORWARD_CONFIRMED, name + " resolves to " + ipText)
          : Verdict.fail(Reason.FORWARD_MISMATCH, name + " resolves to "
              + addresses.stream().limit(MAX_LISTED).map(IpAddresses::format)
                  .collect(Collectors.joining(", "))
              + (addresses.size() > MAX_LISTED ? " (" + addresses.size() + " addresses)" : "")
              + ", not " + ipText);
    };
  }

  private static List<InetAddress> addresses(DnsClient.Lookup lookup) {
    if (lookup.status() != DnsClient.Status.FOUND) {
      return List.of();
    }
    List<InetAddress> out = new ArrayList<>(lookup.records().size());
    for (Record r : lookup.records()) {
      InetAddress a = r instanceof ARecord ar ? ar.getAddress()
          : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
      if (a != null && !out.contains(a)) {
        out.add(a);
      }
    }
    // answer order rotates between queries; a stable order keeps status unchanged when DNS is
    out.sort(Verifier::compareAddresses);
    return out;
  }

  private static int compareAddresses(InetAddress a, InetAddress b) {
    byte[] x = a.getAddress();
    byte[] y = b.getAddress();
    return x.length != y.length ? Integer.compare(x.length, y.length) : java.util.Arrays.compareUnsigned(x, y);
  }

  private static String list(List<String> names, int distinct) {
    String shown = names.stream().limit(MAX_LISTED).collect(Collectors.joining(", "));
    return distinct > MAX_LISTED ? shown + " and " + (distinct - MAX_LISTED) + " more" : shown;
  }

  /** A verification whose every DNS verdict is UNKNOWN (used for unexpected internal errors). */
  private Verification failure(VerificationRequest request, String detail) {
    EnumMap<Check, Verdict> verdicts = new EnumMap<>(Check.class);
    for (Check c : Check.values()) {
      verdicts.put(c, Verdict.unknown(detail));
    }
    try {
      if (request.hostname().isPresent()) {
        // no name was seen without a hostname: HOSTNAME_MEANINGFUL stays UNKNOWN then
        verdicts.put(Check.HOSTNAME_MEANINGFUL,
            judge.judge(request.ip(), List.of(request.hostname().get()), request.domain()));
      }
    } catch (RuntimeException e) {
      // keep UNKNOWN
    }
    if (request.hostname().isEmpty()) {
      verdicts.put(Check.PTR_MATCHES_HOSTNAME,
          Verdict.pass(Reason.NO_HOSTNAME_REQUESTED, "no hostname was requested"));
    }
    String reverse;
    try {
      reverse = ReverseNames.of(request.ip());
    } catch (RuntimeException e) {
      reverse = "";
    }
    return new Verification(request.ip(), reverse, request.hostname(), request.domain(),
        Iprev.TEMPERROR, List.of(), request.hostname().orElse(null), List.of(),
        request.hostname().isPresent() ? Outcome.UNKNOWN : Outcome.NONE, verdicts, Instant.now());
  }
}
