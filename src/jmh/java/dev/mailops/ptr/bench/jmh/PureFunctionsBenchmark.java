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
}
