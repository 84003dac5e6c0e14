package dev.mailops.ptr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `check -f` on broken manifests: every kind of bad input is one line on stderr that names the file and says what
 * is wrong, and exit code 2; never a stack trace, never a check of what was not asked.
 */
class CheckCommandBadManifestTest {
  private static final String HEAD = "apiVersion: ptr.mailops.dev/v1alpha1\nkind: SendingIp\n";

  @TempDir
  Path dir;

  record Run(int exitCode, String out, String err) {}

  @Test
  void fileThatIsNotYamlIsOneLineAndExitTwo() throws IOException {
    Path file = write("braces.yaml", "{{{");
    assertOneLineError(check(file), file, "not valid YAML");
  }

  @Test
  void yamlWithBadIndentationAfterAGoodDocumentIsOneLineAndExitTwo() throws IOException {
    Path file = write("mixed.yaml", HEAD + "metadata: {name: a}\nspec: {ip: 192.0.2.10}\n---\nkey: [unclosed\n");
    assertOneLineError(check(file), file, "not valid YAML");
  }

  @Test
  void manifestWithoutASendingIpSaysWhatItLookedFor() throws IOException {
    Path file = write("configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n");
    assertOneLineError(check(file), file, "no SendingIp found");
  }

  @Test
  void sendingIpOfAnotherApiVersionIsNamedNotSilentlySkipped() throws IOException {
    Path file = write("old.yaml", "apiVersion: ptr.mailops.dev/v1\nkind: SendingIp\nmetadata: {name: old}\n"
        + "spec: {ip: 192.0.2.10}\n");
    assertOneLineError(check(file), file, "ptr.mailops.dev/v1alpha1");
  }

  @Test
  void sendingIpWithoutSpecSaysSpecIpIsRequired() throws IOException {
    Path file = write("nospec.yaml", HEAD + "metadata: {name: nospec, namespace: mail}\n");
    assertOneLineError(check(file), file, "mail/nospec", "spec.ip is required");
  }

  @Test
  void sendingIpWithoutIpSaysSpecIpIsRequired() throws IOException {
    Path file = write("noip.yaml", HEAD + "metadata: {name: noip}\nspec: {hostname: mx.example.com}\n");
    assertOneLineError(check(file), file, "noip", "spec.ip is required");
  }

  @Test
  void sendingIpWhoseIpIsAListSaysSpecIpMustBeAString() throws IOException {
    Path file = write("list.yaml", HEAD + "metadata: {name: list}\nspec: {ip: [192.0.2.10]}\n");
    assertOneLineError(check(file), file, "list", "spec.ip must be a string");
  }

  @Test
  void documentThatIsNotAMappingIsNamed() throws IOException {
    Path file = write("scalar.yaml", "just some words\n");
    assertOneLineError(check(file), file, "document 1 is not a Kubernetes object");
  }

  @Test
  void emptyFileSaysItIsEmpty() throws IOException {
    Path file = write("empty.yaml", "");
    assertOneLineError(check(file), file, "empty");
  }

  @Test
  void directoryWithADanglingManifestLinkNamesTheFileItCannotRead() throws IOException {
    write("good.yaml", HEAD + "metadata: {name: good}\nspec: {ip: 192.0.2.10}\n");
    Path link = Files.createSymbolicLink(dir.resolve("gone.yaml"), dir.resolve("missing-target.yaml"));
    assertOneLineError(check(dir), link, "cannot read");
  }

  @Test
  void directoryWithAnUnreadableManifestNamesTheFileItCannotRead() throws IOException {
    write("good.yaml", HEAD + "metadata: {name: good}\nspec: {ip: 192.0.2.10}\n");
    Path locked = write("locked.yaml", HEAD + "metadata: {name: locked}\nspec: {ip: 192.0.2.11}\n");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    // root reads whatever the mode says: then the named pipe (which would block a reader forever) shows the rule
    Path fifo = dir.resolve("pipe.yaml");
    try {
      new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Run run = check(dir);
    boolean root = Files.isReadable(locked);
    assertOneLineError(run, root ? fifo : locked, "cannot read");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static void assertOneLineError(Run run, Path file, String... phrases) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().toList()).as(run.err()).singleElement().asString()
        .startsWith("error: " + file).contains(phrases);
  }

  private static Run check(Path path) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // no DNS server is given on purpose: bad input must be refused before any query
    int exit = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Main.commandLine()
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("check", "-f", path.toString(), "--dns-server", "127.0.0.1:9", "--dns-timeout", "50ms",
            "--dns-retries", "0"));
    return new Run(exit, out.toString(), err.toString());
  }
}
