package dev.mailops.ptr.api;

/** Admission-time validation shared by the CRD fields (patterns are RE2, as the API server evaluates them). */
final class Validation {
  /**
   * An FQDN of at least two labels: letters (any script, for IDN), digits and inner hyphens, labels of at most 63
   * characters, an optional trailing dot, and a last label that starts with a letter (so IP literals are refused).
   */
  static final String HOSTNAME_PATTERN =
      "^([A-Za-z0-9\\p{L}]([-A-Za-z0-9\\p{L}]{0,61}[A-Za-z0-9\\p{L}])?\\.)+"
          + "[A-Za-z\\p{L}]([-A-Za-z0-9\\p{L}]{0,61}[A-Za-z0-9\\p{L}])?\\.?$";
  /** The same pattern as a CEL rule, so that the API server's message says what is wanted instead of the regex. */
  static final String HOSTNAME_RULE = "self.matches(r'" + HOSTNAME_PATTERN + "')";
  static final String HOSTNAME_MESSAGE = "must be a fully qualified host name such as mail.example.com: at least two "
      + "labels of letters, digits and inner hyphens (no underscores, spaces or wildcards), each at most 63 "
      + "characters, the last one starting with a letter (not an IP address)";
  /** 253 octets without the optional trailing dot (RFC 1035 limit, as presented in text). */
  static final String HOSTNAME_LENGTH_RULE = "self.endsWith('.') ? self.size() <= 254 : self.size() <= 253";
  static final String HOSTNAME_LENGTH_MESSAGE = "must be at most 253 characters (without the trailing dot)";
  /** Go-style durations as Kubernetes and CEL's duration() read them. */
  static final String DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

  private Validation() {}
}
