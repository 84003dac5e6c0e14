package dev.mailops.ptr.provider;

/**
 * A provider call that failed, classified so the operator can choose backoff and condition. Messages are for
 * users: they never carry credentials, signatures or tokens.
 */
public class ProviderException extends Exception {

  /** Why the call failed. */
  public enum Kind {
    /** Rate limited (AWS RequestLimitExceeded, HTTP 429): back off and retry. */
    THROTTLED(true),
    /** 5xx, timeouts, connection errors: back off and retry. */
    UNAVAILABLE(true),
    /** Credentials missing, wrong or not allowed (AuthFailure, 401/403, TSIG BADKEY/BADSIG, NOTAUTH). */
    AUTHENTICATION(false),
    /** The provider refused the request as such (InvalidParameterValue, unknown IP, domain not verified). */
    REJECTED(false),
    /** The provider cannot do this for this IP (IPv6 on AWS, an IP that is not an Elastic IP). */
    UNSUPPORTED(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;

  public ProviderException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ProviderException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
