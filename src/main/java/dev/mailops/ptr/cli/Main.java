package dev.mailops.ptr.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** ptr-operator: `run` the operator, or `check` reverse DNS once from the command line. */
@Command(name = "ptr-operator", mixinStandardHelpOptions = true, version = "ptr-operator 0.1.0",
    description = "Keeps the reverse DNS (PTR, FCrDNS) of email sending IPs compliant.",
    subcommands = {RunCommand.class, CheckCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  /** Exit codes of the check command; picocli's usage errors map to BAD_INPUT too. */
  public static final int COMPLIANT = 0;
  public static final int NOT_COMPLIANT = 1;
  public static final int BAD_INPUT = 2;
  public static final int UNDETERMINED = 3;

  public static void main(String[] args) {
    atLeastTwoCommonPoolThreads();
    System.exit(commandLine().execute(args));
  }

  /**
   * With two CPUs or fewer (a container's CPU limit counts), the JDK's common pool has one thread, and
   * CompletableFuture then runs every asynchronous step on a new thread of its own. The JDK HTTP client hands each
   * response to such a step: the operator started a thread per API request (about 20,000 at N = 10,000,
   * docs/benchmarks.md). Two threads in the common pool make CompletableFuture use it. Set before anything
   * touches the pool; an explicit -D setting wins.
   */
  static void atLeastTwoCommonPoolThreads() {
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(parallelism, "2");
    }
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExitCodeExceptionMapper(e -> BAD_INPUT);
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return BAD_INPUT;
    });
    return cli;
  }
}
