package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Name;

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
  void sharpSIsKeptByIdna2008NotMappedToSs() {
    // IDNA2003 (java.net.IDN) gave strasse.example, another name, possibly someone else's
    assertThat(Names.normalise("straße.example")).isEqualTo("xn--strae-oqa.example");
    assertThat(Names.normalise("faß.de")).isEqualTo("xn--fa-hia.de");
  }

  @Test
  void finalSigmaIsKeptByIdna2008NotMappedToSigma() {
    // UTS #46 section 2.3 (deviation characters): non-transitional xn--nxasmm1c, transitional xn--nxasmq6b
    assertThat(Names.normalise("βόλος.com")).isEqualTo("xn--nxasmm1c.com");
  }

  @Test
  void zeroWidthJoinerIsKeptWhereIdna2008AllowsItAndRefusedElsewhere() {
    // after a virama (Sinhala, UTS #46 section 2.3): kept, not silently dropped
    assertThat(Names.normalise("\u0DC1\u0DCA\u200D\u0DBB\u0DD3.com")).isEqualTo("xn--10cl1a0b660p.com");
    // between two Latin letters: CONTEXTJ forbids it; IDNA2003 dropped it and checked mailab.example
    assertThatThrownBy(() -> Names.normalise("mail\u200Dab.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+200D")
        .hasMessageContaining("IDNA2008");
  }

  @Test
  void asciiNamesAreUnchangedByIdnConversion() {
    assertThat(Names.normalise("xn--strae-oqa.example")).isEqualTo("xn--strae-oqa.example");
    assertThat(Names.normalise("r3--mail.example.com")).isEqualTo("r3--mail.example.com");
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
  void ptrNamesAreNormalisedOrKeptEscaped() throws Exception {
    assertThat(Names.canonical(Name.fromString("Mail.Example.COM."))).isEqualTo("mail.example.com");
    assertThat(Names.canonical(Name.fromString("ma\\000il.Example.com."))).isEqualTo("ma\\000il.example.com");
    assertThat(Names.canonical(Name.root)).isEqualTo(".");
  }

  @Test
  void providerValuesAreNormalisedLikeDesiredNames() {
    // what AWS, GCP and a DNS answer hand back must equal the normalised desired name, IDN included
    assertThat(Names.canonical(" MX1.Example.COM. ")).isEqualTo(Names.normalise("mx1.example.com"));
    assertThat(Names.canonical("MX1.Bücher.Example.")).isEqualTo("mx1.xn--bcher-kva.example");
  }

  @Test
  void invalidProviderValuesAreKeptLowerCasedWithoutTrailingDots() {
    assertThat(Names.canonical("Mail..Example.COM..")).isEqualTo("mail..example.com");
    assertThat(Names.canonical("_Dmarc.Example.")).isEqualTo("_dmarc.example");
    assertThat(Names.canonical(" . ")).isEmpty();
    assertThat(Names.canonical((String) null)).isEmpty();
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Names.normalise(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
