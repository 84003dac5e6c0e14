package dev.mailops.ptr.verify;

import com.ibm.icu.text.IDNA;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Normalisation and validation of host names. */
public final class Names {
  /** Longest host name in presentation form without the trailing dot (RFC 1035, 255 octets wire). */
  public static final int MAX_NAME_LENGTH = 253;

  public static final int MAX_LABEL_LENGTH = 63;

  /**
   * UTS #46 non-transitional processing (IDNA2008, as registries and browsers convert): {@code ß}, {@code ς}
   * and the joiners are kept, not mapped to {@code ss}, {@code σ} and nothing as IDNA2003 ({@code java.net.IDN})
   * did, which named a different domain. Thread-safe.
   */
  private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
      | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.USE_STD3_RULES | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ
      | IDNA.CHECK_CONTEXTO);

  private Names() {}

  /**
   * Normalises a host name: trims, strips one trailing dot, converts a name with non-ASCII characters to ASCII
   * (xn--) by UTS #46 non-transitional processing (IDNA2008), lower case; then checks it is a syntactically valid
   * LDH host name (labels of letters, digits and hyphens, not starting or ending with a hyphen, at most 63 octets
   * each, 253 in all).
   *
   * @throws IllegalArgumentException when the name is empty or invalid
   */
  public static String normalise(String name) {
    if (name == null) {
      throw new IllegalArgumentException("host name is missing");
    }
    String s = name.strip();
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("host name is empty");
    }
    if (s.length() > 4 * MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("host name is too long");
    }
    String ascii = isAscii(s) ? s : toAscii(s);
    ascii = ascii.toLowerCase(Locale.ROOT);
    Optional<String> problem = problem(ascii);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("invalid host name '" + s + "': " + problem.get());
    }
    return ascii;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** ASCII names skip this: UTS #46 would refuse valid LDH host names with "--" in positions 3-4. */
  private static String toAscii(String s) {
    IDNA.Info info = new IDNA.Info();
    StringBuilder out = UTS46.nameToASCII(s, new StringBuilder(), info);
    Set<IDNA.Error> errors = EnumSet.noneOf(IDNA.Error.class);
    errors.addAll(info.getErrors());
    // lengths and empty labels: problem() says so in the same words as for ASCII names
    errors.removeAll(EnumSet.of(IDNA.Error.LABEL_TOO_LONG, IDNA.Error.DOMAIN_NAME_TOO_LONG, IDNA.Error.EMPTY_LABEL));
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid host name '" + s + "': IDNA2008 (UTS #46) refuses it: "
          + errors.stream().map(Names::explain).collect(Collectors.joining("; ")));
    }
    return out.toString();
  }

  private static String explain(IDNA.Error error) {
    return switch (error) {
      case CONTEXTJ -> "a zero width joiner or non-joiner (U+200D, U+200C) is allowed only where it changes how a "
          + "script is written, such as after a virama";
      case DISALLOWED -> "it contains a character that is not allowed in host names";
      case BIDI -> "it mixes right-to-left and left-to-right text in a way that is not allowed";
      case LEADING_COMBINING_MARK -> "a label starts with a combining mark";
      case HYPHEN_3_4 -> "a label that is not an xn-- label has \"--\" in positions 3 and 4";
      case PUNYCODE, INVALID_ACE_LABEL -> "an xn-- label is not valid Punycode of a valid label";
      default -> error.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }

  /**
   * A name as a provider's API or a DNS answer gives it, in the form {@link #normalise} gives, so that it compares
   * equal to a normalised desired name: normalised when it is a valid host name; otherwise (a value this operator
   * did not choose, which is shown and compared but never refused) only trimmed, lower-cased and without trailing
   * dots. Blank gives empty.
   */
  public static String canonical(String name) {
    try {
      return normalise(name);
    } catch (IllegalArgumentException e) {
      String s = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
      int end = s.length();
      while (end > 0 && s.charAt(end - 1) == '.') {
        end--;
      }
      return s.substring(0, end);
    }
  }

  /** {@link #canonical(String)} of a DNS name; the root stays {@code "."}. */
  public static String canonical(Name name) {
    return name.equals(Name.root) ? "." : canonical(name.toString(true));
  }

  /**
   * The absolute DNS name of presentation text, with or without the trailing dot (what dnsjava and the wire want).
   *
   * @throws IllegalArgumentException when it is not a DNS name (an empty label, a label over 63 octets, ...)
   */
  public static Name dnsName(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + text, e);
    }
  }

  /** Whether {@link #normalise} accepts the name. */
  public static boolean isValid(String name) {
    try {
      normalise(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Why an already lower-case ASCII name is not a valid host name, or empty. */
  static Optional<String> problem(String ascii) {
    if (ascii.isEmpty()) {
      return Optional.of("it is empty");
    }
    if (ascii.length() > MAX_NAME_LENGTH) {
      return Optional.of("it is longer than " + MAX_NAME_LENGTH + " characters");
    }
    int start = 0;
    while (start <= ascii.length()) {
      int end = ascii.indexOf('.', start);
      if (end < 0) {
        end = ascii.length();
      }
      int len = end - start;
      if (len == 0) {
        return Optional.of("it has an empty label");
      }
      if (len > MAX_LABEL_LENGTH) {
        return Optional.of("a label is longer than " + MAX_LABEL_LENGTH + " characters");
      }
      for (int i = start; i < end; i++) {
        char c = ascii.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
          return Optional.of("it contains the character " + describe(c));
        }
      }
      if (ascii.charAt(start) == '-' || ascii.charAt(end - 1) == '-') {
        return Optional.of("a label starts or ends with a hyphen");
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  private static String describe(char c) {
    if (c >= 0x21 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }
}
