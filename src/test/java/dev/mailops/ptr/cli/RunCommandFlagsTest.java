package dev.mailops.ptr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    assertThat(refusal("run", "--health-port", "0", flag, value)).startsWith("error: " + flag + " ").contains(value);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--shard 3 --total-shards 3 | --shard must be between 0 and 2 (--total-shards 3 counts from 0), not 3",
      "--shard -1 --total-shards 2 | --shard must be between 0 and 1",
      "--shard one --total-shards 2 | --shard must be a whole number, not 'one'",
      "--total-shards 0 | --total-shards must be between 1 and 64, not 0",
      "--total-shards 65 | --total-shards must be between 1 and 64, not 65",
  })
  void aShardOutsideTheShardCountIsRefusedWithOneLineAndExitTwo(String flags, String error) {
    List<String> args = new ArrayList<>(List.of("run", "--health-port", "0"));
    args.addAll(List.of(flags.split(" ")));
    assertThat(refusal(args.toArray(String[]::new))).startsWith("error: " + error);
  }

  /** The one line `run` printed when it refused the arguments with exit code 2. */
  private static String refusal(String... args) {
    StringWriter err = new StringWriter();
    int exit = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Main.commandLine()
        .setErr(new PrintWriter(err, true)).setOut(new PrintWriter(new StringWriter(), true)).execute(args));
    assertThat(exit).as(err.toString()).isEqualTo(Main.BAD_INPUT);
    assertThat(err.toString().lines().toList()).hasSize(1);
    return err.toString().strip();
  }
}
