package dev.mailops.ptr.gate;

/**
 * A ReverseDnsProvider that cannot be built into a working provider: its reason is the ReverseDnsProvider's Ready
 * reason (SecretNotFound, SecretOutsideOperatorNamespace, InvalidConfig, Unsupported). The message names the
 * Secret and key, never a value.
 */
public class ProviderConfigException extends Exception {
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_OUTSIDE_OPERATOR_NAMESPACE = "SecretOutsideOperatorNamespace";
  public static final String INVALID_CONFIG = "InvalidConfig";
  public static final String UNSUPPORTED = "Unsupported";

  private final String reason;

  public ProviderConfigException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
