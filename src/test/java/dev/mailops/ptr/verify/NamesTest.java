package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @Test
  void lowerCasesAndStripsOneTrailingDotAndWhitespace() {
    assertThat(Names.normalise("Mail.Example.COM.")).isEqualTo("mail.example.com");
    assertThat(Names.normalise("  mail.example.com  ")).isEqualTo("mail.example.com");
  }

  @Test
  void convertsIdnToAscii() {
    assertThat(Names.normalise("mail.bücher.example")).isEqualTo("mail.xn--bcher-kva.example");
    assertThat(Names.normalise("MAIL.BÜCHER.example.")).isEqualTo("mail.xn--bcher-kva.example");
  }

  @Test
  void acceptsMaximalLengths() {
    String label = "a".repeat(63);
    assertThat(Names.normalise(label + ".example")).isEqualTo(label + ".example");
    String name = (label + ".").repeat(3) + "b".repeat(61); // 253
    assertThat(name).hasSize(253);
    assertThat(Names.normalise(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", ".", "..", "mail..example.com", ".example.com", "mail.example.com..",
      "-mail.example.com", "mail-.example.com", "mail_1.example.com", "mail example.com",
      "mail.exa$mple.com", "mail/example.com"})
  void rejectsInvalidNames(String name) {
    assertThatThrownBy(() -> Names.normalise(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsOverlongLabelsAndNames() {
    assertThatThrownBy(() -> Names.normalise("a".repeat(64) + ".example"))
        .isInstanceOf(IllegalArgumentException.class);
    String name = ("a".repeat(63) + ".").repeat(3) + "b".repeat(62); // 254
    assertThatThrownBy(() -> Names.normalise(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Names.normalise(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
