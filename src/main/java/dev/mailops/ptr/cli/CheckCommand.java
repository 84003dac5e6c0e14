package dev.mailops.ptr.cli;

import dev.mailops.ptr.owner.OwnerResolver;
import dev.mailops.ptr.owner.OwnerSettings;
import dev.mailops.ptr.verify.VerificationRequest;
import dev.mailops.ptr.verify.Verifier;
import dev.mailops.ptr.verify.authority.AuthoritativeChecker;
import dev.mailops.ptr.verify.authority.AuthoritativeSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** One-shot verification with the operator's own engine and aggregator, for people and pipelines. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Checks the reverse DNS of one IP, or of every SendingIp in YAML manifests.",
        "Exit codes: 0 compliant, 1 not compliant, 2 bad input or usage, 3 undetermined (temporary DNS failure).",
        "With --authoritative, the authoritative servers' view is shown beside the resolvers'; the exit code stays "
            + "the resolvers' verdict (what receivers see)."})
final class CheckCommand implements Callable<Integer> {

  static final class Target {
    @Option(names = "--ip", required = true, description = "The IP to check.")
    String ip;
    @Option(names = "-f", required = true, paramLabel = "FILE_OR_DIR",
        description = "YAML manifest, or a directory of them, whose SendingIps are checked.")
    Path manifests;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--hostname", description = "The hostname the PTR should name (with --ip).")
  String hostname;

  @Option(names = "--domain", description = "The sending domain the hostname should belong to (with --ip).")
  String domain;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Mixin
  DnsOptions dns;

  @Mixin
  OwnerOptions owner;

  @Mixin
  AuthoritativeOptions authoritative;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!output.equals("text") && !output.equals("json")) {
      err.println("error: --output must be text or json");
      return Main.BAD_INPUT;
    }
    List<CheckReport.Item> items = new ArrayList<>();
    boolean batch = target.manifests != null;
    try {
      if (batch) {
        if (hostname != null || domain != null) {
          err.println("error: --hostname and --domain go with --ip; with -f they come from the manifests");
          return Main.BAD_INPUT;
        }
        items.addAll(Manifests.read(target.manifests));
      } else {
        items.add(new CheckReport.Item(target.ip, VerificationRequest.of(target.ip, hostname, domain), "", target.ip));
      }
    } catch (IllegalArgumentException | Manifests.ManifestException e) {
      err.println("error: " + e.getMessage());
      return Main.BAD_INPUT;
    }

    List<CheckReport.Result> results;
    OwnerSettings ownerSettings;
    Optional<AuthoritativeSettings> authoritativeSettings;
    try {
      ownerSettings = owner.settings();
      authoritativeSettings = authoritative.settings(dns.settings());
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    try (Verifier verifier = new Verifier(dns.settings());
        OwnerResolver owners = ownerSettings.enabled() ? new OwnerResolver(ownerSettings, Clock.systemUTC()) : null;
        AuthoritativeChecker checker = authoritativeSettings.map(a -> new AuthoritativeChecker(dns.settings(), a,
            Clock.systemUTC())).orElse(null)) {
      results = new CheckReport(verifier, owners, checker).run(items);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return Main.BAD_INPUT;
    }

    if (output.equals("json")) {
      out.println(CheckOutput.json(results, batch));
    } else {
      out.print(CheckOutput.text(results));
    }
    out.flush();
    return CheckReport.exitCode(results);
  }
}
