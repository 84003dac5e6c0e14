package dev.mailops.ptr.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import dev.mailops.ptr.operator.Sharding;
import dev.mailops.ptr.status.Conditions;
import dev.mailops.ptr.status.ProviderSync;
import dev.mailops.ptr.status.StatusAggregator;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.Verification;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.authority.AuthoritativeChecker;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import dev.mailops.ptr.verify.authority.AuthoritativeView;
import dev.mailops.ptr.verify.authority.ZoneView;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.io.IOException;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark behind `make bench`: for each N, a PowerDNS loaded with N IPs, a private kube-apiserver with N
 * SendingIps, and the operator jar as its own process; measures convergence against a bare API client, the engine
 * against dnsperf, the check command against adnshost and dig, the steady state and the footprint, and writes the
 * figures (JSON per N, and the table in docs/benchmarks.md through {@link BenchReport}).
 *
 * <p>Arguments: {@code --n 1000,10000 --out docs/benchmarks.md --work target/bench --recheck 60s
 * --steady-intervals 3 --threads 64 --jvm-opts "..." --jmh target/bench/jmh.csv --jfr --skip-tools --shards 2
 * --lean-from 50000 --reuse 1000,10000}. {@code --shards K} (K of at least 2) adds, after the one-replica phase, K replicas
 * ({@code run --shard i --total-shards K}) on N fresh SendingIps; {@code --lean-from N} leaves out, from that size
 * on, what does not grow more telling with N: the tools baselines, the authoritative view and the wait for the
 * Ready-Events queue to drain (its length is reported instead); {@code --reuse} takes those sizes' figures from an
 * earlier run's results-N.json in the work directory instead of running them.
 */
public final class Bench {
  static final String OP_NS = "bench-op";
  static final String BARE_NS = "bench-bare";
  /** The sharded replicas' SendingIps: N fresh ones, created after the one-replica phase. */
  static final String SHARD_NS = "bench-shards";
  static final String LEASE_NS = "bench-leases";
  /** Verifications in flight in the engine harness (up to twice as many queries; dnsperf gets that many). */
  static final int IN_FLIGHT = Integer.getInteger("bench.inFlight", 64);
  /** The engine phase's warm-up and measurement times (at least; whole passes over the fleet). */
  static final Duration ENGINE_WARM_UP = Duration.ofSeconds(30);
  static final Duration ENGINE_MEASURE = Duration.ofSeconds(10);
  static final int DIG_IPS = 1000;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What one run is asked to do. */
  record Options(List<Integer> sizes, Path out, Path work, Path jar, Duration recheck, int steadyIntervals,
      int threads, String jvmOptions, Path jmh, boolean jfr, List<String> operatorArgs, boolean skipTools,
      int shards, int leanFrom, List<Integer> reuse) {

    /** Whether N is large enough to leave out the tools, the authoritative view and the Ready-Events drain. */
    boolean lean(int n) {
      return n >= leanFrom;
    }

    static Options parse(String... args) {
      List<Integer> sizes = List.of(1000, 10000);
      Path out = null;
      Path work = Path.of("target/bench");
      Duration recheck = Duration.ofSeconds(60);
      int intervals = 3;
      int threads = 64;
      String jvm = System.getenv().getOrDefault("BENCH_OPERATOR_JVM_OPTS", DEFAULT_JVM_OPTIONS);
      Path jmh = null;
      boolean jfr = false;
      boolean skipTools = false;
      int shards = 0;
      int leanFrom = Integer.MAX_VALUE;
      List<Integer> reuse = List.of();
      List<String> extra = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--n" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(String::trim)
              .map(Integer::parseInt).toList();
          case "--out" -> out = Path.of(args[++i]);
          case "--work" -> work = Path.of(args[++i]);
          case "--recheck" -> recheck = dev.mailops.ptr.api.Durations.parse(args[++i]);
          case "--steady-intervals" -> intervals = Integer.parseInt(args[++i]);
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          case "--jvm-opts" -> jvm = args[++i];
          case "--jmh" -> jmh = Path.of(args[++i]);
          case "--jfr" -> jfr = true;
          case "--skip-tools" -> skipTools = true;
          case "--shards" -> shards = Integer.parseInt(args[++i]);
          case "--lean-from" -> leanFrom = Integer.parseInt(args[++i]);
          case "--reuse" -> reuse = java.util.Arrays.stream(args[++i].split(",")).map(String::trim)
              .map(Integer::parseInt).toList();
          case "--operator-arg" -> extra.add(args[++i]);
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (shards == 1 || shards < 0 || shards > Sharding.BUCKETS) {
        throw new IllegalArgumentException("--shards must be 2 to " + Sharding.BUCKETS + " (leave it out for none), not "
            + shards);
      }
      return new Options(sizes, out, work.toAbsolutePath(), Path.of("target/ptr-operator.jar").toAbsolutePath(), recheck, intervals, threads, jvm, jmh,
          jfr, extra, skipTools, shards, leanFrom, reuse);
    }
  }

  /** The JVM flags the operator runs with here, as the Deployment sets them (JAVA_TOOL_OPTIONS). */
  static final String DEFAULT_JVM_OPTIONS = "-XX:+UseSerialGC -Xmx256m -Xss512k -XX:TieredStopAtLevel=1";

  /** The figures of one N, by key (see BenchReport for their meaning); texts hold request breakdowns. */
  public static final class Result {
    public int n;
    public String jvmOptions;
    public Map<String, Double> figures = new LinkedHashMap<>();
    public Map<String, String> texts = new LinkedHashMap<>();

    void put(String key, double value) {
      figures.put(key, value);
      System.out.printf("[bench] N=%d %s = %.3f%n", n, key, value);
    }

    void text(String key, String value) {
      texts.put(key, value);
      System.out.printf("[bench] N=%d %s: %s%n", n, key, value);
    }

    /** Notes how long a phase took since {@code startNanos} (texts "phases": where a run's time goes). */
    void phase(String name, long startNanos) {
      String took = String.format(java.util.Locale.ROOT, "%s %.0f s", name, (System.nanoTime() - startNanos) / 1e9);
      texts.merge("phases", took, (a, b) -> a + ", " + b);
      System.out.printf("[bench] N=%d phase %s (%s)%n", n, took, Instant.now());
    }
  }

  public static void main(String[] args) {
    try {
      Options options = Options.parse(args);
      List<Result> results = run(options);
      if (options.out() != null) {
        BenchReport.write(options, results);
        System.out.println("[bench] wrote " + options.out());
      }
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // the shutdown hook stops the servers; lingering client threads must not keep the JVM up
    }
  }

  /** What is running now, stopped by a shutdown hook if the run is interrupted. */
  private static final List<AutoCloseable> RUNNING = java.util.Collections.synchronizedList(new ArrayList<>());

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      List<AutoCloseable> running = new ArrayList<>(RUNNING);
      java.util.Collections.reverse(running);
      for (AutoCloseable c : running) {
        try {
          c.close();
        } catch (Exception ignored) {
          // best effort
        }
      }
    }, "bench-cleanup"));
  }

  private static <T extends AutoCloseable> T running(T resource) {
    RUNNING.add(resource);
    return resource;
  }

  static List<Result> run(Options options) throws Exception {
    Files.createDirectories(options.work());
    List<Result> results = new ArrayList<>();
    for (int n : options.sizes()) {
      Path json = options.work().resolve("results-" + n + ".json");
      if (options.reuse().contains(n)) {
        // an earlier run's figures (--reuse): the report can hold sizes run at different times
        results.add(JSON.readValue(json.toFile(), Result.class));
        System.out.printf("[bench] N = %d: figures of the earlier run in %s%n", n, json);
        continue;
      }
      Result r = runOne(options, n);
      Files.writeString(json, JSON.writeValueAsString(r));
      results.add(r);
    }
    RUNNING.clear();
    return results;
  }

  static Result runOne(Options o, int n) throws Exception {
    Path work = Files.createDirectories(o.work().resolve("n" + n));
    Result r = new Result();
    r.n = n;
    r.jvmOptions = o.jvmOptions();
    Fleet fleet = Fleet.of(n);
    System.out.printf("[bench] ===== N = %d (%s) =====%n", n, Instant.now());
    try (BenchDns dns = running(BenchDns.start(fleet, work)); KubeApi api = running(KubeApi.start())) {
      KubernetesClient admin = api.client();
      long t = System.nanoTime();
      Map<String, SendingIpStatus> statuses = engine(fleet, dns, r);
      r.phase("engine", t);
      if (!o.lean(n)) {
        t = System.nanoTime();
        authoritative(fleet, dns, r);
        r.phase("authoritative", t);
      }
      if (!o.skipTools() && !o.lean(n)) {
        t = System.nanoTime();
        dnsperf(fleet, dns, work, r);
        checkCommand(o, fleet, dns, work, r);
        adnshost(fleet, dns, work, r);
        digLoop(fleet, dns, work, r);
        r.phase("tools", t);
      }

      t = System.nanoTime();
      createNamespace(admin, OP_NS);
      createNamespace(admin, BARE_NS);
      create(admin, fleet, BARE_NS);
      create(admin, fleet, OP_NS);
      r.phase("create " + 2 * n, t);
      t = System.nanoTime();
      bare(api, fleet, statuses, o.threads(), r);
      r.phase("bare client", t);
      t = System.nanoTime();
      operator(o, api, dns, fleet, work, r);
      r.phase("one replica", t);
      if (o.shards() > 1) {
        t = System.nanoTime();
        try {
          shards(o, api, dns, fleet, work, r);
        } catch (Exception | Error e) {
          // the one-replica figures stay; the report says what went wrong
          e.printStackTrace();
          r.text("shards.error", String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
        }
        r.phase(o.shards() + " shards", t);
      }
    }
    return r;
  }

  static void createNamespace(KubernetesClient admin, String name) {
    if (admin.namespaces().withName(name).get() == null) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  // ---- the engine, the DNS limit and today's tools ----------------------------------------------------------

  /** Verifier directly, IN_FLIGHT verifications at once (as the check command): warmed up, then measured. */
  static Map<String, SendingIpStatus> engine(Fleet fleet, BenchDns dns, Result r) throws Exception {
    DnsSettings settings = DnsSettings.of(List.of(dns.address));
    Map<String, SendingIpStatus> statuses = new ConcurrentHashMap<>();
    StatusAggregator aggregator = new StatusAggregator();
    try (Verifier verifier = new Verifier(settings)) {
      // warm the JIT (and the server's packet cache, as dnsperf's repeated passes do) for ENGINE_WARM_UP and at least
      // 20,000 verifications: C2 takes about 20 s here to compile the hot paths (EngineLoop shows the rate climb
      // from 4,500 to 35,000 queries/s); 20,000 verifications alone measured the JIT, not the engine
      long warmStart = System.nanoTime();
      long warmEnd = warmStart + ENGINE_WARM_UP.toNanos();
      int warmed = 0;
      double lastRate = 0;
      while (warmed < 20_000 || System.nanoTime() < warmEnd) {
        long t = System.nanoTime();
        verifyAll(verifier, fleet.entries, null, null, 0);
        lastRate = fleet.size() / ((System.nanoTime() - t) / 1e9);
        warmed += fleet.size();
      }
      r.put("engine.warmUpSeconds", (System.nanoTime() - warmStart) / 1e9);
      // measure over ENGINE_MEASURE (at the last warm-up pass's rate) and at least 10,000 verifications, as one
      // stream (like dnsperf: no barrier between passes, so a query the server dropped holds one slot for its
      // timeout, not the whole pass); the statuses for the bare client come from the last verification of each IP
      int passes = (int) Math.max(Math.ceil(10_000.0 / fleet.size()),
          Math.ceil(lastRate * ENGINE_MEASURE.toSeconds() / fleet.size()));
      long q0 = dns.queryCount();
      long t0 = System.nanoTime();
      verifyAll(verifier, repeat(fleet.entries, passes), aggregator, statuses, (passes - 1) * fleet.size());
      double seconds = (System.nanoTime() - t0) / 1e9;
      long queries = dns.queryCount() - q0;
      r.put("engine.seconds", seconds / passes);
      r.put("engine.queries", queries / (double) passes);
      r.put("engine.ipsPerSecond", passes * fleet.size() / seconds);
      r.put("engine.qps", queries / seconds);
      r.put("engine.queriesPerIp", queries / (double) passes / fleet.size());
    }
    long compliant = statuses.values().stream().filter(s -> s.condition("Ready")
        .map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false)).count();
    r.put("fleet.compliantShare", compliant / (double) fleet.size());
    return statuses;
  }

  /**
   * The authoritative view over the fleet (the operator's {@code --authoritative}): the extra DNS queries it costs
   * per SendingIp (one resolver SOA question per IP, the zone's NS and addresses once per TTL, then the PTR and the
   * SOA serial from each server, and the same for the forward name's zone), and what both views together leave of
   * the engine's throughput. The bench zones have one server each, the bench PowerDNS itself.
   */
  static void authoritative(Fleet fleet, BenchDns dns, Result r) throws Exception {
    DnsSettings settings = DnsSettings.of(List.of(dns.address));
    AuthoritativeSettings authoritative = AuthoritativeSettings.defaults().withPort(dns.address.getPort());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(IN_FLIGHT);
    try (AuthoritativeChecker checker = new AuthoritativeChecker(settings, authoritative, java.time.Clock.systemUTC())) {
      long q0 = dns.queryCount();
      long t0 = System.nanoTime();
      List<java.util.concurrent.Future<AuthoritativeView>> all = new ArrayList<>(fleet.size());
      for (Fleet.Entry e : fleet.entries) {
        all.add(pool.submit(() -> checker.check(IpAddresses.parse(e.ip()), Optional.ofNullable(e.hostname()))));
      }
      long consistent = 0;
      for (var f : all) {
        consistent += f.get().zones().stream().allMatch(ZoneView::unanimous) ? 1 : 0;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      r.put("authoritative.queriesPerIp", (dns.queryCount() - q0) / (double) fleet.size());
      r.put("authoritative.ipsPerSecond", fleet.size() / seconds);
      r.put("authoritative.consistentShare", consistent / (double) fleet.size());
    } finally {
      pool.shutdownNow();
    }
    // one verification and one authoritative check per SendingIp, one after the other
    r.put("bothViews.ipsPerSecond", 1 / (1 / r.figures.get("engine.ipsPerSecond")
        + 1 / r.figures.get("authoritative.ipsPerSecond")));
  }

  private static List<Fleet.Entry> repeat(List<Fleet.Entry> entries, int times) {
    List<Fleet.Entry> all = new ArrayList<>(entries.size() * times);
    for (int i = 0; i < times; i++) {
      all.addAll(entries);
    }
    return all;
  }

  static void verifyAll(Verifier verifier, List<Fleet.Entry> entries, StatusAggregator aggregator,
      Map<String, SendingIpStatus> statuses, int aggregateFrom) {
    Semaphore permits = new Semaphore(IN_FLIGHT);
    int index = 0;
    List<CompletableFuture<Void>> all = new ArrayList<>(entries.size());
    Instant now = Instant.now();
    for (Fleet.Entry e : entries) {
      permits.acquireUninterruptibly();
      VerificationRequest request = VerificationRequest.of(e.ip(), e.hostname(), Fleet.DOMAIN);
      boolean aggregate = aggregator != null && index++ >= aggregateFrom;
      all.add(verifier.verify(request).thenAccept(v -> {
        if (aggregate) {
          SendingIpStatus s = aggregator.aggregate(
              new StatusAggregator.Input(v, 1L, ProviderSync.noProvider(), Optional.empty(), null, now));
          s.setLastCheckTime(Conditions.timestamp(now));
          statuses.put(e.name(), s);
        }
      }).whenComplete((v, t) -> permits.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }

  static void dnsperf(Fleet fleet, BenchDns dns, Path work, Result r) throws Exception {
    Path file = work.resolve("dnsperf-queries.txt");
    try (Writer w = Files.newBufferedWriter(file)) {
      for (Fleet.Entry e : fleet.entries) {
        for (String[] q : e.queries()) {
          w.write(q[0] + " " + q[1] + "\n");
        }
      }
    }
    long perPass = fleet.entries.stream().mapToLong(e -> e.queries().size()).sum();
    long loops = Math.max(2, (60_000 + perPass - 1) / perPass);
    String out = exec(work, List.of("dnsperf", "-s", dns.address.getAddress().getHostAddress(),
        "-p", String.valueOf(dns.address.getPort()), "-d", file.toString(), "-n", String.valueOf(loops),
        "-q", String.valueOf(2 * IN_FLIGHT), "-t", "5"), work.resolve("dnsperf.out"));
    Matcher m = Pattern.compile("Queries per second:\\s+([0-9.]+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no rate in dnsperf output:\n" + out);
    }
    r.put("dnsperf.qps", Double.parseDouble(m.group(1)));
    r.put("dns.engineToDnsperf", r.figures.get("engine.qps") / r.figures.get("dnsperf.qps"));
  }

  static void checkCommand(Options o, Fleet fleet, BenchDns dns, Path work, Result r) throws Exception {
    Path manifests = work.resolve("sendingips.yaml");
    try (Writer w = Files.newBufferedWriter(manifests)) {
      for (Fleet.Entry e : fleet.entries) {
        w.write("apiVersion: ptr.mailops.dev/v1alpha1\nkind: SendingIp\nmetadata: {name: " + e.name()
            + ", namespace: bench}\nspec: {ip: " + e.ip() + (e.hostname() == null ? "" : ", hostname: " + e.hostname())
            + ", domain: " + Fleet.DOMAIN + "}\n---\n");
      }
    }
    long q0 = dns.queryCount();
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("java", "-jar", o.jar().toString(), "check", "-f", manifests.toString(),
        "--dns-server", dns.server(), "-o", "json").redirectOutput(work.resolve("check.json").toFile())
        .redirectError(work.resolve("check.err").toFile()).start();
    int code = p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (code != 1 && code != 0) {
      throw new IllegalStateException("check -f exited " + code + "; see " + work.resolve("check.err"));
    }
    r.put("check.seconds", seconds);
    r.put("check.queries", dns.queryCount() - q0);
    r.put("check.ipsPerSecond", fleet.size() / seconds);
  }

  /** adnshost (adns-tools): its `ptr` type checks that the PTR name maps back to the address (FCrDNS). */
  static void adnshost(Fleet fleet, BenchDns dns, Path work, Result r) throws Exception {
    if (!dns.onPort53()) {
      System.out.println("[bench] adnshost skipped: it only talks to port 53, which this user cannot bind");
      return;
    }
    Path input = work.resolve("adns-input.txt");
    try (Writer w = Files.newBufferedWriter(input)) {
      w.write("--type ptr\n");
      for (Fleet.Entry e : fleet.entries) {
        w.write(e.reverse() + "\n");
      }
      w.write("--type a\n");
      for (Fleet.Entry e : fleet.entries) {
        // the desired hostname, where the ptr lookup above has not already resolved it (as the engine does)
        if (e.hostname() != null && !e.ptrTargets().contains(e.hostname())) {
          w.write(e.hostname() + "\n");
        }
      }
    }
    long q0 = dns.queryCount();
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("adnshost", "-a", "-Fi", "-Vq", "--config",
        "nameserver " + dns.address.getAddress().getHostAddress(), "-f")
        .redirectInput(input.toFile()).redirectOutput(work.resolve("adns.out").toFile())
        .redirectError(work.resolve("adns.err").toFile()).start();
    p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    r.put("adnshost.seconds", seconds);
    r.put("adnshost.queries", dns.queryCount() - q0);
    r.put("adnshost.ipsPerSecond", fleet.size() / seconds);
    r.put("tools.checkToAdnshost", r.figures.get("check.ipsPerSecond") / r.figures.get("adnshost.ipsPerSecond"));
  }

  /** The shell way: for each of the first 1,000 IPs `dig -x`, then `dig` of the name it returns. */
  static void digLoop(Fleet fleet, BenchDns dns, Path work, Result r) throws Exception {
    List<Fleet.Entry> first = fleet.first(DIG_IPS);
    Path ips = work.resolve("dig-ips.txt");
    Files.write(ips, first.stream().map(Fleet.Entry::ip).toList());
    String host = dns.address.getAddress().getHostAddress();
    String port = String.valueOf(dns.address.getPort());
    String script = "while read -r ip; do "
        + "name=$(dig +short +time=2 +tries=1 -p " + port + " @" + host + " -x \"$ip\" | head -n1); "
        + "if [ -n \"$name\" ]; then dig +short +time=2 +tries=1 -p " + port + " @" + host + " \"$name\" A >/dev/null; fi; "
        + "done < " + ips;
    long t0 = System.nanoTime();
    exec(work, List.of("bash", "-c", script), work.resolve("dig.out"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    r.put("dig.ips", first.size());
    r.put("dig.seconds", seconds);
    r.put("dig.ipsPerSecond", first.size() / seconds);
    r.put("tools.checkToDig", r.figures.get("check.ipsPerSecond") / r.figures.get("dig.ipsPerSecond"));
  }

  // ---- the API server side -------------------------------------------------------------------------------

  static void create(KubernetesClient admin, Fleet fleet, String namespace) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Fleet.Entry e : fleet.entries) {
        done.add(pool.submit(() -> createOnce(admin, e.sendingIp(namespace))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The client retries a POST whose response it lost (a reset HTTP/2 stream), and the server then answers 409 for
   * the object the first attempt created: the same object, so created.
   */
  private static void createOnce(KubernetesClient admin, SendingIp sendingIp) {
    try {
      admin.resource(sendingIp).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /**
   * The API limit: a fresh fabric8 client, the same concurrency, server-side applying the precomputed statuses. Timed
   * as the operator is, with the same convergence watch open and until it has seen every status, so the watch's
   * cost (the API server sending every written object back, this JVM decoding it) burdens both sides alike; the time
   * until the last apply returned is kept beside it.
   */
  static void bare(KubeApi api, Fleet fleet, Map<String, SendingIpStatus> statuses, int threads, Result r)
      throws Exception {
    KubernetesClient admin = api.client();
    SharedIndexInformer<SendingIp> watch = convergenceWatch(admin, BARE_NS);
    try (watch; KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(api.kubeconfigYaml())).build()) {
      client.resources(SendingIp.class).inNamespace(BARE_NS).withName(fleet.entries.get(0).name()).get();
      PatchContext apply = new PatchContext.Builder().withFieldManager("bench-bare").withForce(true)
          .withPatchType(PatchType.SERVER_SIDE_APPLY).build();
      Map<String, Long> before = ApiMetrics.scrape(admin);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long t0 = System.nanoTime();
      try {
        List<Future<?>> done = new ArrayList<>();
        for (Fleet.Entry e : fleet.entries) {
          done.add(pool.submit(() -> {
            SendingIp patch = new SendingIp();
            patch.getMetadata().setName(e.name());
            patch.getMetadata().setNamespace(BARE_NS);
            patch.setStatus(statuses.get(e.name()));
            return client.resources(SendingIp.class).inNamespace(BARE_NS).resource(patch).subresource("status")
                .patch(apply);
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      r.put("bare.applySeconds", (System.nanoTime() - t0) / 1e9);
      awaitConvergence(watch, fleet, List.of());
      r.put("bare.seconds", (System.nanoTime() - t0) / 1e9);
      r.text("bare.requests", ApiMetrics.describe(ApiMetrics.delta(before, ApiMetrics.scrape(admin))));
    }
  }

  /** Convergence, steady state and footprint of the operator jar running as its own process. */
  static void operator(Options o, KubeApi api, BenchDns dns, Fleet fleet, Path work, Result r) throws Exception {
    KubernetesClient admin = api.client();
    Path kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, api.kubeconfigYaml());
    SharedIndexInformer<SendingIp> watch = convergenceWatch(admin, OP_NS);
    String jvm = o.jvmOptions();
    if (o.jfr()) {
      jvm = (jvm + " -XX:StartFlightRecording=filename=" + work.resolve("operator.jfr").toAbsolutePath()
          + ",settings=profile").trim();
    }
    HeapHistogram empty = emptyOperatorHeap(o, admin, dns, kubeconfig, work);
    Map<String, Long> before = ApiMetrics.scrape(admin);
    long q0 = dns.queryCount();
    try (OperatorProcess op = running(OperatorProcess.launch(o.jar(), kubeconfig, dns.server(), OP_NS, o.recheck(), jvm,
        o.operatorArgs(), work.resolve("operator.log")))) {
      double ready = op.awaitReady(Duration.ofMinutes(5));
      long readyNanos = System.nanoTime();
      r.put("footprint.readySeconds", ready);
      awaitConvergence(watch, fleet, List.of(op));
      long end = System.nanoTime();
      double fromReady = (end - readyNanos) / 1e9;
      double fromLaunch = (end - op.launchedNanos) / 1e9;
      Map<String, Long> delta = ApiMetrics.delta(before, ApiMetrics.scrape(admin));
      long queries = dns.queryCount() - q0;
      r.put("convergence.seconds", fromReady);
      r.put("convergence.fromLaunchSeconds", fromLaunch);
      r.put("convergence.toBare", fromReady / r.figures.get("bare.seconds"));
      r.put("convergence.toBareApply", fromReady / r.figures.get("bare.applySeconds"));
      r.put("convergence.fromLaunchToBare", fromLaunch / r.figures.get("bare.seconds"));
      long writes = ApiMetrics.writes(delta);
      r.put("convergence.apiWrites", writes);
      // the same per write: the operator may write more than the status (e.g. a finalizer for providerRef + Reset)
      r.put("convergence.perWriteToBare", (fromReady / writes) / (r.figures.get("bare.seconds") / fleet.size()));
      r.put("convergence.apiRequests", ApiMetrics.sum(delta));
      r.put("convergence.apiRequestsPerIp", ApiMetrics.sum(delta) / (double) fleet.size());
      r.put("convergence.statusWrites", ApiMetrics.statusWrites(delta));
      r.put("convergence.listCalls", delta.getOrDefault("LIST sendingips", 0L));
      r.text("convergence.requests", ApiMetrics.describe(delta));
      r.put("convergence.dnsQueries", queries);
      r.put("convergence.dnsQueriesPerIp", queries / (double) fleet.size());
      r.put("convergence.cpuSeconds", op.cpuSeconds());
      r.put("convergence.threadsStarted", op.threadsStarted());
      r.put("convergence.rssMib", op.statusKib("VmRSS") / 1024.0);
      r.put("convergence.peakRssMib", op.statusKib("VmHWM") / 1024.0);
      r.put("events.queuedAtConvergence", op.metric("ptr_events_queued"));
      r.put("footprint.liveHeapAfterConvergenceMib", op.liveHeapKib() / 1024.0);
      steady(o, admin, dns, op, fleet, r);
      r.put("footprint.rssMib", op.statusKib("VmRSS") / 1024.0);
      r.put("footprint.peakRssMib", op.statusKib("VmHWM") / 1024.0);
      r.put("footprint.liveHeapMib", op.liveHeapKib() / 1024.0);
      HeapHistogram full = op.heapHistogram(work.resolve("heap-histogram.txt"));
      r.put("footprint.heapPerIpKib", full.bytesPerObject(empty, fleet.size()) / 1024);
      full.writeDifference(empty, fleet.size(), 40, work.resolve("heap-per-sendingip.txt"));
      if (o.jfr()) {
        op.jcmd("JFR.dump filename=" + work.resolve("operator.jfr").toAbsolutePath());
      }
    } finally {
      watch.close();
    }
  }

  /**
   * K replicas sharing the SendingIps ({@code run --shard i --total-shards K}), each its own JVM with the same flags,
   * on N fresh SendingIps in their own namespace (created here, after the one-replica phase stopped: N creates,
   * cheaper than deleting and recreating the first namespace's), as on a first start with shards: every replica
   * lists them all and checks those of its buckets. Convergence is from the last replica reconciling
   * (/readyz "ready": it holds its Lease and its informers are synced) until every SendingIp has status for its
   * generation; then the steady state over one re-check interval.
   */
  static void shards(Options o, KubeApi api, BenchDns dns, Fleet fleet, Path work, Result r) throws Exception {
    int k = o.shards();
    KubernetesClient admin = api.client();
    createNamespace(admin, SHARD_NS);
    createNamespace(admin, LEASE_NS);
    long t0 = System.nanoTime();
    create(admin, fleet, SHARD_NS);
    r.phase("create " + fleet.size() + " for the shards", t0);
    Path kubeconfig = work.resolve("kubeconfig");
    SharedIndexInformer<SendingIp> watch = convergenceWatch(admin, SHARD_NS);
    List<OperatorProcess> replicas = new ArrayList<>();
    try {
      Map<String, Long> before = ApiMetrics.scrape(admin);
      long q0 = dns.queryCount();
      for (int i = 0; i < k; i++) {
        List<String> args = new ArrayList<>(o.operatorArgs());
        args.addAll(List.of("--shard", "" + i, "--total-shards", "" + k, "--lease-namespace", LEASE_NS,
            "--identity", "bench-shard-" + i));
        replicas.add(running(OperatorProcess.launch(o.jar(), kubeconfig, dns.server(), SHARD_NS, o.recheck(),
            o.jvmOptions(), args, work.resolve("operator-shard-" + i + ".log"))));
      }
      double firstOk = 0;
      double[] reconciling = new double[k];
      long lastReady = 0;
      for (int i = 0; i < k; i++) {
        OperatorProcess op = replicas.get(i);
        firstOk = Math.max(firstOk, op.awaitReady(Duration.ofMinutes(5)));
        reconciling[i] = op.awaitReconciling(Duration.ofMinutes(5));
        lastReady = Math.max(lastReady, op.launchedNanos + (long) (reconciling[i] * 1e9));
      }
      r.put("shards.readySeconds", firstOk);
      r.put("shards.reconcilingSeconds", java.util.Arrays.stream(reconciling).max().orElseThrow());
      // when the replicas are alive but too slow, what they did until the harness gave up is still measured
      IllegalStateException notConverged = null;
      try {
        awaitConvergence(watch, fleet, replicas);
      } catch (IllegalStateException e) {
        if (!replicas.stream().allMatch(op -> op.process.isAlive())) {
          throw e;
        }
        notConverged = e;
      }
      long end = System.nanoTime();
      double fromReady = (end - lastReady) / 1e9;
      Map<String, Long> delta = ApiMetrics.delta(before, ApiMetrics.scrape(admin));
      long queries = dns.queryCount() - q0;
      r.put("shards.convergedShare", converged(watch) / (double) fleet.size());
      if (notConverged == null) {
        r.put("shards.convergenceSeconds", fromReady);
        r.put("shards.toBare", fromReady / r.figures.get("bare.seconds"));
        r.put("shards.toOneReplica", fromReady / r.figures.get("convergence.seconds"));
      } else {
        r.put("shards.givenUpSeconds", fromReady);
      }
      r.put("shards.fromLaunchSeconds", (end - replicas.get(0).launchedNanos) / 1e9);
      r.put("shards.statusWrites", ApiMetrics.statusWrites(delta));
      r.put("shards.objectWrites", ApiMetrics.objectWrites(delta));
      r.put("shards.apiRequests", ApiMetrics.sum(delta));
      r.put("shards.apiRequestsPerIp", ApiMetrics.sum(delta) / (double) fleet.size());
      r.put("shards.listCalls", delta.getOrDefault("LIST sendingips", 0L));
      r.text("shards.requests", ApiMetrics.describe(delta));
      r.put("shards.dnsQueriesPerIp", queries / (double) fleet.size());
      double cpu = 0;
      double events = 0;
      for (OperatorProcess op : replicas) {
        cpu += op.cpuSeconds();
        events += op.metric("ptr_events_queued");
      }
      r.put("shards.cpuSeconds", cpu);
      r.put("shards.eventsQueuedAtConvergence", events);
      // each replica's cache holds its share only: every SendingIp in exactly one of them
      double cached = 0;
      for (OperatorProcess op : replicas) {
        cached += sendingIps(op);
      }
      r.put("shards.cachedShare", cached / fleet.size());
      if (notConverged == null) {
        shardsSteady(o, admin, replicas, r);
      }
      // what the one-replica phase measured of an operator watching nothing, subtracted from each replica's heap
      HeapHistogram empty = HeapHistogram.parse(Files.readString(work.resolve("heap-histogram-empty.txt")));
      StringBuilder each = new StringBuilder();
      double peak = 0;
      double heapPerIp = 0;
      for (int i = 0; i < k; i++) {
        OperatorProcess op = replicas.get(i);
        double mib = op.statusKib("VmHWM") / 1024.0;
        peak = Math.max(peak, mib);
        HeapHistogram heap = op.heapHistogram(work.resolve("heap-histogram-shard-" + i + ".txt"));
        heap.writeDifference(empty, fleet.size(), 40, work.resolve("heap-per-sendingip-shard-" + i + ".txt"));
        double bytesPerIp = heap.bytesPerObject(empty, fleet.size());
        heapPerIp = Math.max(heapPerIp, bytesPerIp / 1024);
        each.append(each.length() == 0 ? "" : "; ").append(String.format(java.util.Locale.ROOT,
            "shard %d: %.0f SendingIps, /readyz \"ready\" %.1f s after launch, CPU %.1f s, peak RSS %.0f MiB, "
            + "live heap %.1f MiB (%.0f B per SendingIp watched)", i, sendingIps(op), reconciling[i], op.cpuSeconds(),
            mib, heap.totalBytes() / (1024.0 * 1024), bytesPerIp));
      }
      r.put("shards.peakRssMib", peak);
      r.put("shards.heapPerIpKib", heapPerIp);
      r.text("shards.replicas", each.toString());
      if (notConverged != null) {
        throw notConverged;
      }
    } finally {
      java.util.Collections.reverse(replicas);
      for (OperatorProcess op : replicas) {
        op.close();
        RUNNING.remove(op);
      }
      watch.close();
    }
  }

  /** The SendingIps in a replica's cache ({@code ptr_sendingips}: no sample at all when it holds none). */
  private static double sendingIps(OperatorProcess op) throws IOException, InterruptedException {
    double n = op.metric("ptr_sendingips", "namespace=\"" + SHARD_NS + "\"");
    return Double.isNaN(n) ? 0 : n;
  }

  /** The shards' steady state: one re-check interval, status writes (0 expected), all requests, CPU of all. */
  static void shardsSteady(Options o, KubernetesClient admin, List<OperatorProcess> replicas, Result r)
      throws Exception {
    Thread.sleep(Math.min(5, o.recheck().toSeconds() / 10) * 1000);
    Map<String, Long> before = ApiMetrics.scrape(admin);
    double cpu0 = 0;
    for (OperatorProcess op : replicas) {
      cpu0 += op.cpuSeconds();
    }
    long t0 = System.nanoTime();
    Thread.sleep(o.recheck().toMillis() + 500);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = -cpu0;
    for (OperatorProcess op : replicas) {
      cpu += op.cpuSeconds();
    }
    Map<String, Long> delta = ApiMetrics.delta(before, ApiMetrics.scrape(admin));
    r.put("shards.steady.statusWrites", ApiMetrics.statusWrites(delta));
    r.put("shards.steady.apiRequests", ApiMetrics.sum(delta));
    r.text("shards.steady.requests", ApiMetrics.describe(delta));
    r.put("shards.steady.cpuPercent", 100 * cpu / seconds);
    r.put("shards.steady.seconds", seconds);
  }

  /**
   * The live heap of the operator, same jar and JVM flags, watching a namespace without SendingIps: what does not
   * depend on N, subtracted to give the heap per SendingIp (histograms in nN/heap-histogram*.txt).
   */
  static HeapHistogram emptyOperatorHeap(Options o, KubernetesClient admin, BenchDns dns, Path kubeconfig, Path work)
      throws Exception {
    String namespace = "bench-empty";
    createNamespace(admin, namespace);
    try (OperatorProcess op = running(OperatorProcess.launch(o.jar(), kubeconfig, dns.server(), namespace,
        o.recheck(), o.jvmOptions(), o.operatorArgs(), work.resolve("operator-empty.log")))) {
      op.awaitReady(Duration.ofMinutes(5));
      return op.heapHistogram(work.resolve("heap-histogram-empty.txt"));
    }
  }

  /**
   * A watch on the namespace's SendingIps, opened before an operator starts (so it adds no LIST to the window), that
   * keeps of each only what convergence is judged by: at 100,000 full objects the harness would hold gigabytes.
   */
  static SharedIndexInformer<SendingIp> convergenceWatch(KubernetesClient admin, String namespace) {
    SharedIndexInformer<SendingIp> watch = admin.resources(SendingIp.class).inNamespace(namespace).runnableInformer(0)
        .itemStore(new TransformingItemStore<>(Bench::judgedByConvergence));
    watch.run();
    return watch;
  }

  private static SendingIp judgedByConvergence(SendingIp full) {
    SendingIp slim = new SendingIp();
    slim.getMetadata().setName(full.getMetadata().getName());
    slim.getMetadata().setNamespace(full.getMetadata().getNamespace());
    slim.getMetadata().setResourceVersion(full.getMetadata().getResourceVersion());
    slim.getMetadata().setGeneration(full.getMetadata().getGeneration());
    if (full.getStatus() != null) {
      SendingIpStatus status = new SendingIpStatus();
      status.setObservedGeneration(full.getStatus().getObservedGeneration());
      slim.setStatus(status);
    }
    return slim;
  }

  /** Waits until every SendingIp has status for its generation; fails if an operator exits or it takes too long. */
  static void awaitConvergence(SharedIndexInformer<SendingIp> watch, Fleet fleet, List<OperatorProcess> operators)
      throws InterruptedException {
    // 20 minutes, more from 30,000 on: N / 25 seconds; and no 5 minutes without progress (a JVM out of heap may
    // live on without reconciling)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1200, fleet.size() / 25));
    long progressed = System.nanoTime();
    long last = -1;
    for (long done = converged(watch); done < fleet.size(); done = converged(watch)) {
      for (OperatorProcess op : operators) {
        if (!op.process.isAlive()) {
          throw new IllegalStateException("operator exited with " + op.process.exitValue() + " after "
              + done + "/" + fleet.size() + " converged; see " + op.log);
        }
      }
      if (done != last) {
        last = done;
        progressed = System.nanoTime();
      }
      if (System.nanoTime() > deadline || System.nanoTime() - progressed > TimeUnit.MINUTES.toNanos(5)) {
        throw new IllegalStateException("not converged: " + done + "/" + fleet.size() + "; see "
            + operators.stream().map(op -> op.log.toString()).toList());
      }
      Thread.sleep(100);
    }
  }

  static long converged(SharedIndexInformer<SendingIp> watch) {
    return watch.getStore().list().stream().filter(s -> s.getStatus() != null
        && Objects.equals(s.getStatus().getObservedGeneration(), s.getMetadata().getGeneration())).count();
  }

  /** Several re-check intervals after convergence: writes, DNS rate and its one-second bursts, CPU. */
  static void steady(Options o, KubernetesClient admin, BenchDns dns, OperatorProcess op, Fleet fleet, Result r)
      throws Exception {
    // the operator posts Ready events from a bounded background queue: let the tail of it drain first (not at lean
    // sizes: the queue holds at most 1,000, its length at convergence is reported, and the posts of what is left
    // show up in the window's request breakdown)
    if (!o.lean(fleet.size())) {
      long drainStart = System.nanoTime();
      long events = -1;
      for (int quiet = 0; quiet < 3 && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(120); ) {
        long now = ApiMetrics.scrape(admin).getOrDefault("POST events", 0L);
        quiet = now == events ? quiet + 1 : 0;
        events = now;
        Thread.sleep(1000);
      }
      r.put("events.drainSeconds", (System.nanoTime() - drainStart) / 1e9 - 3);
    }
    long settle = Math.min(5, o.recheck().toSeconds() / 10);
    Thread.sleep(settle * 1000);
    Map<String, Long> before = ApiMetrics.scrape(admin);
    double cpu0 = op.cpuSeconds();
    List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> samples.add(new long[] {System.nanoTime(), dns.queryCount()}), 0, 1,
        TimeUnit.SECONDS);
    long length = o.recheck().toMillis() * o.steadyIntervals();
    Thread.sleep(length + 500);
    sampler.shutdown();
    sampler.awaitTermination(10, TimeUnit.SECONDS);
    double cpu = op.cpuSeconds() - cpu0;
    Map<String, Long> delta = ApiMetrics.delta(before, ApiMetrics.scrape(admin));
    List<long[]> s = new ArrayList<>(samples);
    double seconds = (s.get(s.size() - 1)[0] - s.get(0)[0]) / 1e9;
    long queries = s.get(s.size() - 1)[1] - s.get(0)[1];
    double max = 0;
    for (int i = 1; i < s.size(); i++) {
      double rate = (s.get(i)[1] - s.get(i - 1)[1]) / ((s.get(i)[0] - s.get(i - 1)[0]) / 1e9);
      max = Math.max(max, rate);
    }
    double mean = queries / seconds;
    r.put("steady.seconds", seconds);
    r.put("steady.statusWrites", ApiMetrics.statusWrites(delta));
    r.put("steady.apiRequests", ApiMetrics.sum(delta));
    r.text("steady.requests", ApiMetrics.describe(delta));
    r.put("steady.dnsQps", mean);
    r.put("steady.expectedDnsQps", fleet.entries.stream().mapToLong(e -> e.queries().size()).sum()
        / (double) o.recheck().toSeconds());
    r.put("steady.maxBurstQps", max);
    r.put("steady.burstToMean", mean == 0 ? Double.NaN : max / mean);
    r.put("steady.cpuSeconds", cpu);
    r.put("steady.cpuPercent", 100 * cpu / seconds);
  }

  private static String exec(Path work, List<String> command, Path output) throws Exception {
    Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    int code = p.waitFor();
    String out = Files.readString(output);
    if (code != 0) {
      throw new IllegalStateException(command.get(0) + " exited " + code + ":\n" + out);
    }
    return out;
  }
}
