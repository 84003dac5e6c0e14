package dev.mailops.ptr.verify;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/** Normalisation and validation of host names. */
public final class Names {
  /** Longest host name in presentation form without the trailing dot (RFC 1035, 255 octets wire). */
  public static final int MAX_NAME_LENGTH = 253;

  public static final int MAX_LABEL_LENGTH = 63;

  private Names() {}

  /**
   * Normalises a host name: trims, strips one trailing dot, converts IDN to ASCII (xn--), lower
   * case; then checks it is a syntactically valid LDH host name (labels of letters, digits and
   * hyphens, not starting or ending with a hyphen, at most 63 octets each, 253 in all).
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
    String ascii;
    try {
      ascii = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid host name '" + s + "': " + e.getMessage(), e);
    }
    ascii = ascii.toLowerCase(Locale.ROOT);
    Optional<String> problem = problem(ascii);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("invalid host name '" + s + "': " + problem.get());
    }
    return ascii;
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
