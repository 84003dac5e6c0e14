package dev.mailops.ptr.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.testing.FakeEc2Server;
import dev.mailops.ptr.testing.FakeEc2Server.Failure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The AWS provider against {@link FakeEc2Server}, through the real SDK client (signing, XML, errors). */
class AwsPtrProviderIT {

  private static final String ACCESS_KEY = "AKIAFAKEPTROPERATOR1";
  private static final String SECRET = "s3cr3t/Key+ThatMustNeverBeShown0123456789";
  private static final String TOKEN = "sessionTokenThatMustNeverBeShown";
  private static final String IP = "192.0.2.10";
  private static final String ALLOCATION = "eipalloc-0123456789abcdef0";

  private FakeEc2Server ec2;
  private AwsPtrProvider provider;

  @BeforeEach
  void start() throws IOException {
    ec2 = new FakeEc2Server(ACCESS_KEY, SECRET);
    ec2.addElasticIp(IP, ALLOCATION);
    ec2.addForwardRecord("mail.example.com", IP);
    provider = provider(ec2.endpoint(), ACCESS_KEY, Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    if (provider != null) {
      provider.close();
    }
    if (ec2 != null) {
      assertThat(ec2.secretSeen()).as("the secret key was sent over the wire").isFalse();
      ec2.close();
    }
  }

  private static AwsPtrProvider provider(URI endpoint, String accessKey, Duration timeout) {
    return new AwsPtrProvider(new AwsSettings("us-east-1", Optional.of(endpoint),
        Optional.of(new StaticCredentials(accessKey, SECRET, Optional.of(TOKEN)))), timeout);
  }

  private static InetAddress ip(String text) throws IOException {
    return InetAddress.getByName(text);
  }

  @Test
  void findsReadsSetsWaitsForPendingAndResets() throws Exception {
    ec2.pendingDescribes(2);

    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.applied("ec2-192-0-2-10.compute-1.amazonaws.com"));
    assertThat(ec2.lastRequest("DescribeAddresses").orElseThrow()).containsEntry("PublicIp.1", IP);
    assertThat(ec2.lastRequest("DescribeAddressesAttribute").orElseThrow())
        .containsEntry("AllocationId.1", ALLOCATION).containsEntry("Attribute", "domain-name");

    PtrRecord set = provider.set(ip(IP), "mail.example.com");
    assertThat(set).isEqualTo(PtrRecord.pending("mail.example.com"));
    Map<String, String> modify = ec2.lastRequest("ModifyAddressAttribute").orElseThrow();
    assertThat(modify).containsEntry("AllocationId", ALLOCATION).containsEntry("DomainName", "mail.example.com")
        .containsEntry("Version", "2016-11-15");

    // AWS keeps the update PENDING for a while (here: two descriptions), then applies it.
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.pending("mail.example.com"));
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.pending("mail.example.com"));
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.applied("mail.example.com"));

    PtrRecord reset = provider.reset(ip(IP));
    assertThat(reset).isEqualTo(PtrRecord.pending("ec2-192-0-2-10.compute-1.amazonaws.com"));
    assertThat(ec2.lastRequest("ResetAddressAttribute").orElseThrow())
        .containsEntry("AllocationId", ALLOCATION).containsEntry("Attribute", "domain-name");
    ec2.pendingDescribes(0);
    provider.read(ip(IP));
    provider.read(ip(IP));
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.applied("ec2-192-0-2-10.compute-1.amazonaws.com"));

    // one lookup per operation, one call per action: no retries, no extra calls
    assertThat(ec2.calls("ModifyAddressAttribute")).isEqualTo(1);
    assertThat(ec2.calls("ResetAddressAttribute")).isEqualTo(1);
    assertThat(ec2.calls("DescribeAddresses")).isEqualTo(9);
    assertThat(ec2.calls("DescribeAddressesAttribute")).isEqualTo(7);
  }

  @Test
  void normalisesTheValueAwsHolds() throws Exception {
    ec2.addElasticIp("198.51.100.7", "eipalloc-1", "MX1.Example.COM.");
    assertThat(provider.read(ip("198.51.100.7"))).isEqualTo(PtrRecord.applied("mx1.example.com"));
  }

  @Test
  void anInternationalisedNameAwsHoldsReadsAsTheAsciiFormTheOperatorWants() throws Exception {
    // compared with the desired name, which is normalised to xn--: a Unicode read-back would never match
    ec2.addElasticIp("198.51.100.8", "eipalloc-2", "MX1.Bücher.Example.");
    assertThat(provider.read(ip("198.51.100.8"))).isEqualTo(PtrRecord.applied("mx1.xn--bcher-kva.example"));
  }

  @Test
  void anIpThatIsNotAnElasticIpIsUnsupported() throws Exception {
    ProviderException e = failure(() -> provider.set(ip("203.0.113.99"), "mail.example.com"));
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED);
    assertThat(e.getMessage()).startsWith("203.0.113.99 is not an Elastic IP in us-east-1");
    assertThat(ec2.calls("DescribeAddresses")).isEqualTo(1);
    assertThat(ec2.calls("ModifyAddressAttribute")).isZero();
  }

  @Test
  void ipv6IsUnsupportedWithoutAnyCall() throws Exception {
    ProviderException e = failure(() -> provider.set(ip("2001:db8::25"), "mail.example.com"));
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED);
    assertThat(e.getMessage()).contains("AWS sets reverse DNS only for Elastic IPv4 addresses");
    assertThat(failure(() -> provider.read(ip("2001:db8::25"))).kind()).isEqualTo(Kind.UNSUPPORTED);
    assertThat(failure(() -> provider.reset(ip("2001:db8::25"))).kind()).isEqualTo(Kind.UNSUPPORTED);
    assertThat(ec2.totalCalls()).isZero();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "THROTTLE, THROTTLED, RequestLimitExceeded",
      "AUTH_FAILURE, AUTHENTICATION, AuthFailure",
      "UNAUTHORIZED, AUTHENTICATION, UnauthorizedOperation",
      "INVALID_PARAMETER, REJECTED, Value (mail..example.com) for parameter domainName is invalid.",
      "INTERNAL, UNAVAILABLE, InternalError",
      "UNAVAILABLE, UNAVAILABLE, Unavailable",
      "STALL, UNAVAILABLE, EC2 did not answer"
  })
  void eachErrorClassMapsToItsKindWithoutRetries(Failure failure, Kind kind, String inMessage) throws Exception {
    ec2.failNext(1, failure);
    ProviderException e = failure(() -> provider.read(ip(IP)));
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.kind().retryable()).isEqualTo(kind == Kind.THROTTLED || kind == Kind.UNAVAILABLE);
    assertThat(e.getMessage()).contains(inMessage).contains("DescribeAddresses").contains("us-east-1");
    assertThat(ec2.calls("DescribeAddresses")).as("the SDK must not retry").isEqualTo(1);
    // the next call goes through again
    assertThat(provider.read(ip(IP)).value()).isPresent();
  }

  @Test
  void awsMessageForAMissingForwardRecordIsPassedThrough() throws Exception {
    ProviderException e = failure(() -> provider.set(ip(IP), "mx.example.org"));
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).contains("InvalidParameterValue")
        .contains("The forward DNS record of mx.example.org does not resolve to 192.0.2.10");
  }

  @Test
  void anUnknownAccessKeyIsAnAuthenticationFailure() throws Exception {
    try (AwsPtrProvider wrong = provider(ec2.endpoint(), "AKIAWRONGWRONGWRONG1", Duration.ofSeconds(2))) {
      ProviderException e = failure(() -> wrong.read(ip(IP)));
      assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
      assertThat(e.getMessage()).contains("AuthFailure").contains("ec2:ModifyAddressAttribute");
      assertThat(failure(() -> { wrong.probe(); return null; }).kind()).isEqualTo(Kind.AUTHENTICATION);
    }
  }

  @Test
  void probeIsOneSignedCall() throws Exception {
    provider.probe();
    assertThat(ec2.totalCalls()).isEqualTo(1);
    assertThat(ec2.lastRequest("DescribeAddressesAttribute").orElseThrow()).containsEntry("MaxResults", "1");
    ec2.failNext(1, Failure.THROTTLE);
    assertThat(failure(() -> { provider.probe(); return null; }).kind()).isEqualTo(Kind.THROTTLED);
  }

  @Test
  void aClosedPortIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (AwsPtrProvider nowhere = provider(URI.create("http://127.0.0.1:" + port), ACCESS_KEY,
        Duration.ofSeconds(2))) {
      assertThat(failure(() -> nowhere.read(ip(IP))).kind()).isEqualTo(Kind.UNAVAILABLE);
    }
  }

  @Test
  void settingsNeverShowTheSecretOrToken() {
    StaticCredentials credentials = new StaticCredentials(ACCESS_KEY, SECRET, Optional.of(TOKEN));
    AwsSettings settings = new AwsSettings("us-east-1", Optional.empty(), Optional.of(credentials));
    assertThat(credentials.toString()).contains(ACCESS_KEY).doesNotContain(SECRET).doesNotContain(TOKEN);
    assertThat(settings.toString()).doesNotContain(SECRET).doesNotContain(TOKEN);
    assertThat(provider.toString()).doesNotContain(SECRET).doesNotContain(TOKEN);
  }

  interface Call {
    Object run() throws Exception;
  }

  /** Runs a call that must fail with ProviderException, and checks no message in the chain shows a secret. */
  private static ProviderException failure(Call call) {
    ProviderException e = catchThrowableOfType(ProviderException.class, call::run);
    assertThat(e).as("expected a ProviderException").isNotNull();
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET).doesNotContain(TOKEN);
      assertThat(t.toString()).doesNotContain(SECRET).doesNotContain(TOKEN);
    }
    return e;
  }
}
