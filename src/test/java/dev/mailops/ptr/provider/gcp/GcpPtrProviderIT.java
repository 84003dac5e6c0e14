package dev.mailops.ptr.provider.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mailops.ptr.provider.Polls;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.testing.FakeComputeServer;
import dev.mailops.ptr.testing.FakeComputeServer.Failure;
import dev.mailops.ptr.testing.FakeHttpServer.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The GCP provider against {@link FakeComputeServer}, through the real google-cloud-compute HTTP/JSON client. */
class GcpPtrProviderIT {

  private static final String PROJECT = "mail-prod";
  private static final String ZONE = "us-central1-a";
  private static final String IP = "203.0.113.5";
  private static final String SECRET_MARKER = "PRIVATEKEYMATERIAL-must-never-show";

  private FakeComputeServer compute;
  private GcpPtrProvider provider;

  @BeforeEach
  void start() throws IOException {
    compute = new FakeComputeServer(PROJECT);
    compute.addInstance(ZONE, "mx1", IP);
    compute.addInstance("europe-west1-b", "mx2", "198.51.100.20");
    compute.verifyDomain("example.com");
    provider = provider(2);
  }

  @AfterEach
  void stop() {
    if (provider != null) {
      provider.close();
    }
    if (compute != null) {
      compute.close();
    }
  }

  private GcpPtrProvider provider(int maxPolls) {
    return new GcpPtrProvider(new GcpSettings(PROJECT, Optional.of(compute.endpoint()), Optional.empty()),
        new Polls(Duration.ZERO, maxPolls));
  }

  private static InetAddress ip(String text) throws IOException {
    return InetAddress.getByName(text);
  }

  @Test
  void manyLookUpsOfIpsOutsideTheProjectScanItOnceNotOncePerLookUp() throws Exception {
    int threads = 8;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> lookups = new java.util.ArrayList<>();
      for (int i = 0; i < threads * 4; i++) {
        String missing = "192.0.2." + (100 + i % 20); // not an instance's IP: every look-up is a miss
        lookups.add(pool.submit(() -> {
          try {
            provider.read(ip(missing));
          } catch (ProviderException expected) {
            assertThat(expected.kind()).isEqualTo(ProviderException.Kind.UNSUPPORTED);
          }
          return null;
        }));
      }
      for (var lookup : lookups) {
        lookup.get();
      }
    } finally {
      pool.shutdown();
    }
    // start-up bursts and misses are served by one scan; a known IP costs none
    assertThat(compute.calls("aggregatedList")).isEqualTo(1);
    provider.read(ip(IP));
    assertThat(compute.calls("aggregatedList")).isEqualTo(1);
  }

  @Test
  void findsReadsSetsPollsTheOperationAndResets() throws Exception {
    compute.operationPolls(2);
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.none());

    assertThat(provider.set(ip(IP), "Mail.Example.com")).isEqualTo(PtrRecord.applied("mail.example.com"));
    List<Request> updates = compute.requests("/updateAccessConfig");
    assertThat(updates).hasSize(1);
    Request update = updates.get(0);
    assertThat(update.method()).isEqualTo("POST");
    assertThat(update.path()).isEqualTo("/compute/v1/projects/mail-prod/zones/us-central1-a/instances/mx1/updateAccessConfig");
    assertThat(update.query()).containsEntry("networkInterface", "nic0").containsKey("requestId");
    JsonObject body = JsonParser.parseString(update.body()).getAsJsonObject();
    assertThat(body.get("setPublicPtr").getAsBoolean()).isTrue();
    assertThat(body.get("publicPtrDomainName").getAsString()).isEqualTo("mail.example.com.");
    assertThat(body.get("name").getAsString()).isEqualTo("External NAT");
    assertThat(body.get("type").getAsString()).isEqualTo("ONE_TO_ONE_NAT");
    assertThat(body.get("natIP").getAsString()).isEqualTo(IP);
    assertThat(compute.calls("operations.get")).as("operation polled until DONE").isEqualTo(2);
    assertThat(compute.requests("/operations/" + lastOperation()).get(0).path())
        .startsWith("/compute/v1/projects/mail-prod/zones/us-central1-a/operations/operation-");

    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.applied("mail.example.com"));
    assertThat(compute.accessConfig(IP).get("publicPtrDomainName").getAsString()).isEqualTo("mail.example.com.");

    compute.operationPolls(0);
    assertThat(provider.reset(ip(IP))).isEqualTo(PtrRecord.none());
    JsonObject resetBody = JsonParser.parseString(compute.requests("/updateAccessConfig").get(1).body())
        .getAsJsonObject();
    assertThat(resetBody.get("setPublicPtr").getAsBoolean()).isFalse();
    assertThat(resetBody.has("publicPtrDomainName")).isFalse();
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.none());

    assertThat(compute.calls("aggregatedList")).as("the IP's location is cached").isEqualTo(1);
    assertThat(compute.calls("updateAccessConfig")).isEqualTo(2);
    assertThat(compute.authorizations()).as("NoCredentialsProvider sends no token").isEmpty();
  }

  private String lastOperation() {
    List<Request> polls = compute.requests("");
    for (int i = polls.size() - 1; i >= 0; i--) {
      String path = polls.get(i).path();
      if (path.contains("/operations/")) {
        return path.substring(path.lastIndexOf('/') + 1);
      }
    }
    throw new AssertionError("no operation polled");
  }

  @Test
  void anOperationStillRunningAtTheBoundIsPendingUntilDone() throws Exception {
    compute.operationPolls(5);
    assertThat(provider.set(ip(IP), "mail.example.com")).isEqualTo(PtrRecord.pending("mail.example.com"));
    assertThat(compute.calls("operations.get")).isEqualTo(2);
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.pending("mail.example.com"));
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.pending("mail.example.com"));
    assertThat(provider.read(ip(IP))).isEqualTo(PtrRecord.applied("mail.example.com"));
    assertThat(compute.calls("operations.get")).isEqualTo(5);
  }

  @Test
  void setsThePtrOfAnExternalIpv6() throws Exception {
    compute.addIpv6(ZONE, "mx1", "2600:1900:4000:1::");
    compute.operationPolls(0);
    assertThat(provider.set(ip("2600:1900:4000:1:0:0:0:0"), "mail6.example.com"))
        .isEqualTo(PtrRecord.applied("mail6.example.com"));
    JsonObject body = JsonParser.parseString(compute.requests("/updateAccessConfig").get(0).body()).getAsJsonObject();
    assertThat(body.get("type").getAsString()).isEqualTo("DIRECT_IPV6");
    assertThat(body.get("externalIpv6").getAsString()).isEqualTo("2600:1900:4000:1::");
    assertThat(body.get("publicPtrDomainName").getAsString()).isEqualTo("mail6.example.com.");
    assertThat(provider.read(ip("2600:1900:4000:1::"))).isEqualTo(PtrRecord.applied("mail6.example.com"));
  }

  @Test
  void anInternationalisedNameGcpHoldsReadsAsTheAsciiFormTheOperatorWants() throws Exception {
    // set in the console: compared with the desired name, normalised to xn--, a Unicode read-back never matched
    JsonObject config = compute.accessConfig("198.51.100.20");
    config.addProperty("setPublicPtr", true);
    config.addProperty("publicPtrDomainName", "MX2.Bücher.Example.");
    assertThat(provider.read(ip("198.51.100.20"))).isEqualTo(PtrRecord.applied("mx2.xn--bcher-kva.example"));
  }

  @Test
  void anIpOfNoInstanceIsUnsupported() throws Exception {
    ProviderException e = failure(() -> provider.set(ip("192.0.2.99"), "mail.example.com"));
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED);
    assertThat(e.getMessage()).startsWith("192.0.2.99 is not the external IP of any VM instance in GCP project"
        + " mail-prod");
    assertThat(compute.calls("updateAccessConfig")).isZero();
  }

  @Test
  void aDomainThatIsNotVerifiedIsRejectedWithTheSearchConsoleExplanation() throws Exception {
    ProviderException e = failure(() -> provider.set(ip(IP), "mail.example.org"));
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).contains("Google Search Console").contains("not verified")
        .contains("Please verify ownership of the PTR domain");
    assertThat(compute.accessConfig(IP).has("publicPtrDomainName")).isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "RATE_LIMITED, THROTTLED, HTTP 429",
      "INTERNAL, UNAVAILABLE, HTTP 500",
      "UNAVAILABLE, UNAVAILABLE, HTTP 503",
      "UNAUTHENTICATED, AUTHENTICATION, HTTP 401",
      "FORBIDDEN, AUTHENTICATION, compute.instances.updateAccessConfig",
      "DOMAIN_NOT_VERIFIED, REJECTED, Google Search Console",
      "BAD_REQUEST, REJECTED, Invalid value for field"
  })
  void eachErrorClassMapsToItsKindWithoutRetries(Failure failure, Kind kind, String inMessage) throws Exception {
    compute.failNextOn("updateAccessConfig", failure);
    ProviderException e = failure(() -> provider.set(ip(IP), "mail.example.com"));
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.getMessage()).contains(inMessage);
    assertThat(compute.calls("updateAccessConfig")).as("no client-side retries").isEqualTo(1);
  }

  @Test
  void anUnavailableListIsUnavailable() throws Exception {
    compute.failNext(1, Failure.UNAVAILABLE);
    assertThat(failure(() -> provider.read(ip(IP))).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(compute.calls("aggregatedList")).isEqualTo(1);
  }

  @Test
  void probeListsOneInstance() throws Exception {
    provider.probe();
    assertThat(compute.requests("/aggregated/instances").get(0).query()).containsEntry("maxResults", "1");
    compute.failNext(1, Failure.FORBIDDEN);
    assertThat(failure(() -> {
      provider.probe();
      return null;
    }).kind()).isEqualTo(Kind.AUTHENTICATION);
  }

  @Test
  void credentialsJsonNeverAppearsInMessages() throws Exception {
    String json = "{\"type\": \"service_account\", \"client_email\": \"ptr@mail-prod.iam.gserviceaccount.com\","
        + " \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + SECRET_MARKER + "\\n-----END PRIVATE KEY-----\\n\","
        + " \"private_key_id\": \"" + SECRET_MARKER + "\"";  // truncated on purpose: not valid JSON
    GcpSettings settings = new GcpSettings(PROJECT, Optional.of(compute.endpoint()), Optional.of(json));
    assertThat(settings.toString()).doesNotContain(SECRET_MARKER).doesNotContain("private_key");
    try (GcpPtrProvider bad = new GcpPtrProvider(settings, new Polls(Duration.ZERO, 1))) {
      ProviderException e = failure(() -> bad.read(ip(IP)));
      assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
      assertThat(e.getMessage()).contains("credentials.json");
      assertThat(bad.toString()).doesNotContain(SECRET_MARKER);
    }
    String wellFormed = "{\"type\": \"service_account\", \"client_email\": \"ptr@mail-prod.iam.gserviceaccount.com\","
        + " \"client_id\": \"1\", \"private_key\": \"" + SECRET_MARKER + "\", \"private_key_id\": \"k1\"}";
    try (GcpPtrProvider bad = new GcpPtrProvider(new GcpSettings(PROJECT, Optional.of(compute.endpoint()),
        Optional.of(wellFormed)), new Polls(Duration.ZERO, 1))) {
      assertThat(failure(() -> bad.read(ip(IP))).kind()).isEqualTo(Kind.AUTHENTICATION);
    }
    assertThat(compute.totalCalls()).as("nothing is sent without usable credentials").isZero();
  }

  interface Call {
    Object run() throws Exception;
  }

  private static ProviderException failure(Call call) {
    ProviderException e = catchThrowableOfType(ProviderException.class, call::run);
    assertThat(e).as("expected a ProviderException").isNotNull();
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET_MARKER);
    }
    return e;
  }
}
