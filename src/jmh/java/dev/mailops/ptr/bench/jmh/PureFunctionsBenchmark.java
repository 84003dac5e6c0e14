package dev.mailops.ptr.bench.jmh;

import dev.mailops.ptr.verify.HostnameJudge;
import dev.mailops.ptr.verify.Names;
import dev.mailops.ptr.verify.ReverseNames;
import dev.mailops.ptr.verify.Verdict;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pure functions on every verification's path: reverse-name building, host name normalisation and the
 * generated-hostname judgement. Run by `make bench` (mvn -Pjmh test-compile, then org.openjdk.jmh.Main).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PureFunctionsBenchmark {
  private InetAddress v4;
  private InetAddress v6;
  private final HostnameJudge judge = new HostnameJudge();

  @Setup
  public void setUp() throws Exception {
    v4 = InetAddress.getByName("198.18.3.201");
    v6 = InetAddress.getByName("2001:db8:85a3::8a2e:370:7334");
  }

  @Benchmark
  public String reverseNameIpv4() {
    return ReverseNames.of(v4);
  }

  @Benchmark
  public String reverseNameIpv6() {
    return ReverseNames.of(v6);
  }

  @Benchmark
  public String normaliseAscii() {
    return Names.normalise("Out1234.Mail.Example.COM.");
  }

  @Benchmark
  public String normaliseIdn() {
    return Names.normalise("mail.bücher-beispiel.de");
  }

  @Benchmark
  public Verdict judgeChosenNameWithDomain() {
    return judge.judge(v4, List.of("out1234.mail.example.com"), Optional.of("example.com"));
  }

  @Benchmark
  public Verdict judgeGeneratedName() {
    return judge.judge(v4, List.of("198-18-3-201.dynamic.isp.example.net"), Optional.empty());
  }

  /** A generated name that passes the IP rules and is caught late: a generic word and number under a hoster. */
  @Benchmark
  public Verdict judgeGenericWordNumberWithDomain() {
    return judge.judge(v4, List.of("host123.genericserver.com"), Optional.of("example.com"));
  }

  /**
   * The steady state of a fleet: 10,000 SendingIps, each with its own chosen name, ten per customer domain
   * (1,000 domains), judged round-robin as each interval re-checks them. Unlike the benchmarks above, no name
   * repeats before the whole fleet has been judged, so a memo of per-name facts is measured as the operator
   * sees it, not as a loop over one name.
   */
  @State(Scope.Thread)
  public static class Fleet {
    static final int SIZE = 10_000;
    final InetAddress[] ips = new InetAddress[SIZE];
    final List<String>[] names = newNames();
    final Optional<String>[] domains = newDomains();
    int next;

    @SuppressWarnings("unchecked")
    private static List<String>[] newNames() {
      return new List[SIZE];
    }

    @SuppressWarnings("unchecked")
    private static Optional<String>[] newDomains() {
      return new Optional[SIZE];
    }

    @Setup
    public void setUp() throws Exception {
      for (int i = 0; i < SIZE; i++) {
        ips[i] = InetAddress.getByAddress(new byte[] {10, 20, (byte) (i >> 8), (byte) i});
        String domain = "customer" + (i / 10) + ".com";
        names[i] = List.of("out" + (i % 10) + ".mail." + domain);
        domains[i] = Optional.of(domain);
      }
    }
  }

  @Benchmark
  public Verdict judgeFleetRoundRobin(Fleet fleet) {
    int i = fleet.next;
    fleet.next = i + 1 == Fleet.SIZE ? 0 : i + 1;
    return judge.judge(fleet.ips[i], fleet.names[i], fleet.domains[i]);
  }
}
