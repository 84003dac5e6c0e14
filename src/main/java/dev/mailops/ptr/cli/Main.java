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
    System.exit(commandLine().execute(args));
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
