package dev.mailops.ptr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A zero duration flag would make a zero-delay loop (a re-check or a status write with no pause): `run` refuses
 * it with one line naming the flag, and exit code 2, before it connects anywhere.
 */
class RunCommandFlagsTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "--duplicate-recheck, 0s",
      "--status-heartbeat, 0s",
      "--status-heartbeat, 0ms",
      "--provider-probe-interval, 0m",
      "--dns-timeout, 0s",
      "--recheck-interval, 0s",
      "--duplicate-recheck, -1s",
      "--status-heartbeat, soon",
  })
  void nonPositiveOrMalformedDurationFlagIsRefusedWithOneLineNamingItAndExitTwo(String flag, String value) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    int exit = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Main.commandLine()
        .setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true))
        .execute("run", "--health-port", "0", flag, value));
    assertThat(exit).as(err.toString()).isEqualTo(Main.BAD_INPUT);
    assertThat(err.toString().lines().toList()).singleElement().asString()
        .startsWith("error: " + flag + " ").contains(value);
  }
}
