package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A judge remembers facts about the names it has judged (where their registrable domain starts): judging a
 * name again, also after far more other names than it remembers, gives the verdict a judge seeing the name for
 * the first time gives.
 */
class HostnameJudgeRepeatTest {
  private static final String[] SUFFIXES = {".com", ".co.uk", ".github.io", ".internal", ".kawasaki.jp", ".de"};

  @Test
  void rejudgingAFleetLargerThanTheMemoGivesTheVerdictsOfAFreshJudge() throws Exception {
    InetAddress ip = InetAddress.getByName("198.51.100.7");
    HostnameJudge everyInterval = new HostnameJudge();
    int fleet = 80_000;
    List<Integer> sample = new ArrayList<>();
    for (int i = 0; i < fleet; i += 97) {
      sample.add(i);
    }
    for (int interval = 0; interval < 2; interval++) {
      for (int i = 0; i < fleet; i++) {
        everyInterval.judge(ip, names(i), domain(i));
      }
    }
    for (int i : sample) {
      HostnameJudge fresh = new HostnameJudge();
      assertThat(everyInterval.judge(ip, names(i), domain(i))).as("SendingIp %d", i)
          .isEqualTo(fresh.judge(ip, names(i), domain(i)));
    }
  }

  /** Chosen names under customer domains; every seventh is under a different customer's domain. */
  private static List<String> names(int i) {
    String suffix = SUFFIXES[i % SUFFIXES.length];
    String customer = "customer" + (i % 9000) + suffix;
    return List.of("out" + (i % 10) + ".mail." + (i % 7 == 0 ? "other" + i + suffix : customer));
  }

  private static Optional<String> domain(int i) {
    return Optional.of("customer" + (i % 9000) + SUFFIXES[i % SUFFIXES.length]);
  }
}
