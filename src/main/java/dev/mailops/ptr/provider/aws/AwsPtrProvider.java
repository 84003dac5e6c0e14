package dev.mailops.ptr.provider.aws;

import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.verify.IpAddresses;
import dev.mailops.ptr.verify.Names;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.AddressAttribute;
import software.amazon.awssdk.services.ec2.model.AddressAttributeName;
import software.amazon.awssdk.services.ec2.model.PtrUpdateStatus;

/**
 * Sets the reverse DNS of Elastic IPv4 addresses through the EC2 API (ModifyAddressAttribute and friends).
 *
 * <p>Each operation first finds the Elastic IP's allocation ID with DescribeAddresses. AWS applies a PTR change
 * asynchronously: while {@code PtrRecordUpdate.Status} is {@code PENDING} the answer is pending, with the value
 * being applied. The SDK's own retries are off: the operator backs off by the exception's kind.
 */
public final class AwsPtrProvider implements PtrProvider {

  /** Default bound of one API call (connect, send, read); the operator retries with backoff. */
  static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(20);

  private static final String PENDING = "PENDING";
  private static final Set<String> THROTTLING =
      Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException");
  private static final Set<String> UNAVAILABLE =
      Set.of("InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestTimeout");
  private static final Set<String> AUTHENTICATION = Set.of("AuthFailure", "UnauthorizedOperation",
      "InvalidClientTokenId", "SignatureDoesNotMatch", "MissingAuthenticationToken", "ExpiredToken",
      "RequestExpired", "IncompleteSignature", "OptInRequired", "Blocked", "PendingVerification");

  private final AwsSettings settings;
  private final Ec2Client ec2;
  private final List<String> secrets = new ArrayList<>();

  public AwsPtrProvider(AwsSettings settings) {
    this(settings, DEFAULT_CALL_TIMEOUT);
  }

  /** For tests: a shorter bound on each call. */
  AwsPtrProvider(AwsSettings settings, Duration callTimeout) {
    this.settings = settings;
    settings.credentials().ifPresent(c -> {
      secrets.add(c.secretAccessKey());
      c.sessionToken().ifPresent(secrets::add);
    });
    Ec2ClientBuilder builder = Ec2Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentialsProvider(settings))
        .httpClient(ApacheHttpClient.builder()
            .connectionTimeout(callTimeout)
            .socketTimeout(callTimeout)
            .build())
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(callTimeout)
            .apiCallTimeout(callTimeout)
            .build());
    settings.endpoint().ifPresent(builder::endpointOverride);
    this.ec2 = builder.build();
  }

  private static AwsCredentialsProvider credentialsProvider(AwsSettings settings) {
    if (settings.credentials().isEmpty()) {
      return DefaultCredentialsProvider.builder().build();
    }
    StaticCredentials c = settings.credentials().get();
    AwsCredentials credentials = c.sessionToken()
        .<AwsCredentials>map(t -> AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), t))
        .orElseGet(() -> AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()));
    return StaticCredentialsProvider.create(credentials);
  }

  @Override
  public String type() {
    return "aws";
  }

  @Override
  public PtrRecord read(InetAddress ip) throws ProviderException {
    String allocationId = allocationId(ip);
    List<AddressAttribute> attributes = call("DescribeAddressesAttribute", ip, () -> ec2.describeAddressesAttribute(
        r -> r.allocationIds(allocationId).attribute(AddressAttributeName.DOMAIN_NAME)).addresses());
    return attributes.stream()
        .filter(a -> allocationId.equals(a.allocationId()) || a.allocationId() == null)
        .findFirst()
        .map(AwsPtrProvider::record)
        .orElse(PtrRecord.none());
  }

  @Override
  public PtrRecord set(InetAddress ip, String hostname) throws ProviderException {
    String allocationId = allocationId(ip);
    String domainName = Names.canonical(hostname);
    AddressAttribute answer = call("ModifyAddressAttribute", ip,
        () -> ec2.modifyAddressAttribute(r -> r.allocationId(allocationId).domainName(domainName)).address());
    return answer == null ? PtrRecord.pending(domainName) : record(answer);
  }

  @Override
  public PtrRecord reset(InetAddress ip) throws ProviderException {
    String allocationId = allocationId(ip);
    AddressAttribute answer = call("ResetAddressAttribute", ip, () -> ec2.resetAddressAttribute(
        r -> r.allocationId(allocationId).attribute(AddressAttributeName.DOMAIN_NAME)).address());
    return answer == null ? PtrRecord.none() : record(answer);
  }

  /**
   * DescribeAddressesAttribute with MaxResults=1: signed, cheap, and needs a permission this provider needs anyway
   * (DescribeAddresses has no MaxResults).
   */
  @Override
  public void probe() throws ProviderException {
    call("DescribeAddressesAttribute", null,
        () -> ec2.describeAddressesAttribute(r -> r.attribute(AddressAttributeName.DOMAIN_NAME).maxResults(1)));
  }

  @Override
  public void close() {
    ec2.close();
  }

  private String allocationId(InetAddress ip) throws ProviderException {
    if (!(ip instanceof Inet4Address)) {
      throw new ProviderException(Kind.UNSUPPORTED, "AWS sets reverse DNS only for Elastic IPv4 addresses; "
          + IpAddresses.format(ip) + " is IPv6: ask AWS support, or publish the PTR in a zone you control");
    }
    String text = IpAddresses.format(ip);
    List<Address> addresses;
    try {
      addresses = call("DescribeAddresses", ip, () -> ec2.describeAddresses(r -> r.publicIps(text)).addresses());
    } catch (ProviderException e) {
      // AWS answers InvalidAddress.NotFound (HTTP 400) for a PublicIp that is not one of the account's Elastic IPs.
      if (e.getCause() instanceof AwsServiceException ase && ase.awsErrorDetails() != null
          && "InvalidAddress.NotFound".equals(ase.awsErrorDetails().errorCode())) {
        throw notElastic(text);
      }
      throw e;
    }
    return addresses.stream()
        .filter(a -> text.equals(a.publicIp()))
        .map(Address::allocationId)
        .filter(id -> id != null && !id.isEmpty())
        .findFirst()
        .orElseThrow(() -> notElastic(text));
  }

  private ProviderException notElastic(String ip) {
    return new ProviderException(Kind.UNSUPPORTED, ip + " is not an Elastic IP in " + settings.region()
        + " of this AWS account: AWS sets reverse DNS only for Elastic IPs (allocate one and associate it, or check"
        + " the ReverseDnsProvider's region), otherwise ask the owner of the IP to set its PTR");
  }

  private static PtrRecord record(AddressAttribute attribute) {
    PtrUpdateStatus update = attribute.ptrRecordUpdate();
    if (update != null && PENDING.equalsIgnoreCase(update.status())) {
      String value = update.value() != null ? update.value() : attribute.ptrRecord();
      return PtrRecord.pending(normaliseOrNull(value));
    }
    return PtrRecord.applied(normaliseOrNull(attribute.ptrRecord()));
  }

  private static String normaliseOrNull(String name) {
    String n = Names.canonical(name);
    return n.isEmpty() ? null : n;
  }

  private <T> T call(String action, InetAddress ip, Supplier<T> call) throws ProviderException {
    try {
      return call.get();
    } catch (AwsServiceException e) {
      throw classify(action, ip, e);
    } catch (SdkClientException e) {
      throw clientFailure(action, e);
    } catch (SdkException e) {
      throw new ProviderException(Kind.UNAVAILABLE, redact(where(action) + " failed: " + e.getMessage()), e);
    }
  }

  private ProviderException classify(String action, InetAddress ip, AwsServiceException e) {
    String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
    String awsMessage = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : null;
    int status = e.statusCode();
    String detail = (code != null ? code : "HTTP " + status) + (awsMessage != null ? ": " + awsMessage : "")
        + (e.requestId() != null ? " (request " + e.requestId() + ")" : "");
    String prefix = where(action) + (ip != null ? " for " + IpAddresses.format(ip) : "") + " failed: ";
    Kind kind;
    String advice = "";
    if (code != null && THROTTLING.contains(code) || status == 429) {
      kind = Kind.THROTTLED;
    } else if (code != null && AUTHENTICATION.contains(code) || status == 401 || status == 403) {
      kind = Kind.AUTHENTICATION;
      advice = ". Check the credentials Secret (or the IRSA role) and that its policy allows ec2:DescribeAddresses,"
          + " ec2:DescribeAddressesAttribute, ec2:ModifyAddressAttribute and ec2:ResetAddressAttribute";
    } else if (code != null && UNAVAILABLE.contains(code) || status >= 500 || code != null && code.startsWith("Server.")) {
      kind = Kind.UNAVAILABLE;
    } else {
      kind = Kind.REJECTED;
    }
    return new ProviderException(kind, redact(prefix + detail + advice), e);
  }

  private ProviderException clientFailure(String action, SdkClientException e) {
    boolean network = e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
        || causedBy(e, IOException.class);
    String message = String.valueOf(e.getMessage());
    if (!network && message.toLowerCase(Locale.ROOT).contains("credentials")) {
      return new ProviderException(Kind.AUTHENTICATION, redact(where(action) + " failed: no AWS credentials: "
          + message + ". Give the ReverseDnsProvider a credentialsSecretRef, or the operator an IRSA role"), e);
    }
    return new ProviderException(Kind.UNAVAILABLE, redact(where(action) + " failed: EC2 did not answer: " + message),
        e);
  }

  private String where(String action) {
    return "AWS EC2 " + action + " in " + settings.region();
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** Belt and braces: no message leaves this class with the secret key or session token in it. */
  private String redact(String message) {
    String m = message;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        m = m.replace(secret, "<redacted>");
      }
    }
    return m;
  }

  @Override
  public String toString() {
    return "AwsPtrProvider[" + settings + "]";
  }
}
