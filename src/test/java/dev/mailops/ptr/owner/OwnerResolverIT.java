package dev.mailops.ptr.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.net.InetAddresses;
import dev.mailops.ptr.testing.CloudRangeFiles;
import dev.mailops.ptr.testing.RdapTestServer;
import dev.mailops.ptr.testing.SteppingClock;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** OwnerResolver against local RDAP registries: what it names, and how it survives bad answers. */
@Timeout(60) // a hang guard: every bad answer below must end well before this
class OwnerResolverIT {
  private RdapTestServer rdap;
  private Path bootstrap;
  @TempDir
  Path dir;

  @BeforeEach
  void registries() {
    rdap = RdapTestServer.start();
    Map<String, String> prefixes = new LinkedHashMap<>();
    prefixes.put("185.0.0.0/8", "rir-a");
    prefixes.put("2a01::/16", "rir-a");
    prefixes.put("45.0.0.0/8", "rir-b");
    bootstrap = rdap.writeBootstrap(dir.resolve("ipv4.json"), prefixes);
    rdap.answer("rir-a", "185.199.0.0/16", rdap.network("rir-a", "NET-185-199", "HETZNER-NET", "185.199.0.0",
        "185.199.255.255", "Hetzner Online GmbH", "ORG-HOS1", "abuse@hetzner.example"));
    rdap.answer("rir-a", "185.20.0.0/16", rdap.network("rir-a", "NET-185-20", "EXAMPLE-NET", "185.20.0.0",
        "185.20.255.255", "Example Hosting GmbH", "ORG-EX1", "abuse@hosting.example"));
    rdap.answer("rir-a", "2a01:4f8::/32", rdap.network("rir-a", "NET6-2A01-4F8", "HETZNER-V6", "2a01:4f8::",
        "2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff", "Hetzner Online GmbH", "ORG-HOS1", "abuse@hetzner.example"));
  }

  @AfterEach
  void stop() {
    rdap.close();
  }

  private OwnerResolver resolver(OwnerSettings settings) {
    return new OwnerResolver(settings, Clock.systemUTC());
  }

  private OwnerSettings settings() {
    return OwnerSettings.defaults().withBootstrap(List.of(bootstrap.toString())).withFallbackServer(null)
        .withTimeout(Duration.ofSeconds(2)).withMaxBodyBytes(256 * 1024).withFailureRetry(Duration.ofMinutes(5));
  }

  private static InetAddress ip(String text) {
    return InetAddresses.forString(text);
  }

  @Test
  void registrantAbuseContactAndRdapLinkComeFromTheNetworkAndItsNestedEntities() {
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("185.199.0.13"));
      assertThat(owner.reason()).isNull();
      assertThat(owner.name()).isEqualTo("Hetzner Online GmbH");
      assertThat(owner.kind()).isEqualTo(Owner.Kind.HOSTER);
      assertThat(owner.providerType()).isEqualTo("hetzner");
      assertThat(owner.contact()).isEqualTo("abuse@hetzner.example");
      assertThat(owner.rdap()).isEqualTo(rdap.base("rir-a") + "ip/185.199.0.0");
      assertThat(owner.network()).isEqualTo("185.199.0.0/16");
    }
  }

  @Test
  void unrecognisedRegistrantIsAnIspWithoutProviderType() {
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("185.20.1.1"));
      assertThat(owner.name()).isEqualTo("Example Hosting GmbH");
      assertThat(owner.kind()).isEqualTo(Owner.Kind.ISP);
      assertThat(owner.providerType()).isNull();
    }
  }

  @Test
  void ipv6IsLookedUpThroughTheSameBootstrap() {
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("2a01:4f8:c17:1::25"));
      assertThat(owner.name()).isEqualTo("Hetzner Online GmbH");
      assertThat(owner.network()).isEqualTo("2a01:4f8::/32");
    }
  }

  @Test
  void oneAnswerServesEveryIpOfTheRegisteredRange() {
    try (OwnerResolver owners = resolver(settings())) {
      owners.resolve(ip("185.199.0.13"));
      Owner other = owners.resolve(ip("185.199.200.7"));
      assertThat(other.name()).isEqualTo("Hetzner Online GmbH");
      assertThat(rdap.requests("rir-a", "185.199.0.13")).isEqualTo(1);
      assertThat(rdap.requests("rir-a", "185.199.200.7")).isZero();
      assertThat(owners.cachedRanges()).isEqualTo(1);
    }
  }

  @Test
  void redirectToTheRegistryHoldingTheRangeIsFollowed() {
    rdap.redirect("rir-b", "45.77.0.0/16", "rir-c");
    rdap.answer("rir-c", "45.77.0.0/16", rdap.network("rir-c", "NET-45-77", "CHOOPA", "45.77.0.0", "45.77.255.255",
        "The Constant Company, LLC", "CC-3517", "abuse@vultr.example"));
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("45.77.1.2"));
      assertThat(owner.name()).isEqualTo("The Constant Company, LLC");
      assertThat(owner.providerType()).isEqualTo("vultr");
      assertThat(owner.rdap()).startsWith(rdap.base("rir-c").toString());
      assertThat(rdap.requests("rir-b", "45.77.1.2")).isEqualTo(1);
      assertThat(rdap.requests("rir-c", "45.77.1.2")).isEqualTo(1);
    }
  }

  @Test
  void redirectLoopEndsAtTheHopLimitAsUnknown() {
    rdap.redirect("rir-b", "45.1.0.0/16", "rir-c");
    rdap.redirect("rir-c", "45.1.0.0/16", "rir-b");
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("45.1.2.3"));
      assertThat(owner.kind()).isEqualTo(Owner.Kind.UNKNOWN);
      assertThat(owner.reason()).contains("more than 5 redirects");
      assertThat(rdap.requests("rir-b", "45.1.2.3") + rdap.requests("rir-c", "45.1.2.3")).isEqualTo(6);
    }
  }

  @Test
  void withoutBootstrapTheFallbackRegistryAndItsRedirectsAnswer() {
    rdap.redirect("rir-b", "185.199.0.0/16", "rir-a");
    OwnerSettings noBootstrap = settings().withBootstrap(List.of()).withFallbackServer(rdap.base("rir-b"));
    try (OwnerResolver owners = resolver(noBootstrap)) {
      assertThat(owners.resolve(ip("185.199.0.13")).name()).isEqualTo("Hetzner Online GmbH");
      assertThat(rdap.requests("rir-b", "185.199.0.13")).isEqualTo(1);
    }
  }

  @Test
  void bootstrapCanBeFetchedFromAUrl() throws Exception {
    String url = rdap.serveFile("ipv4.json", Files.readString(bootstrap)).toString();
    try (OwnerResolver owners = resolver(settings().withBootstrap(List.of(url)))) {
      assertThat(owners.resolve(ip("185.199.0.13")).name()).isEqualTo("Hetzner Online GmbH");
    }
  }

  @Test
  void notFoundIsUnknownWithTheRegistrysAnswerAsReason() {
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("185.77.1.1"));
      assertThat(owner.known()).isFalse();
      assertThat(owner.reason()).contains("holds no registration for 185.77.1.1").contains("404");
    }
  }

  @Test
  void rateLimitedRegistryIsNotAskedAgainBeforeRetryAfter() {
    rdap.rateLimit("rir-a", "185.199.0.0/16", 1, 2);
    try (OwnerResolver owners = resolver(settings())) {
      Owner first = owners.resolve(ip("185.199.0.13"));
      assertThat(first.known()).isFalse();
      assertThat(first.reason()).contains("HTTP 429");
      // asked again at once, for the same and another IP of that registry: answered without a request
      assertThat(owners.resolve(ip("185.199.0.13")).reason()).contains("HTTP 429");
      assertThat(owners.resolve(ip("185.20.1.1")).reason()).contains("HTTP 429");
      assertThat(rdap.totalRequests()).isEqualTo(1);

      // the per-IP failure stands for failureRetry; a new IP of that registry is asked once Retry-After passed
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
          .until(() -> owners.resolve(ip("185.199.9.9")).known());
      assertThat(rdap.totalRequests()).isEqualTo(2);
    }
  }

  @Test
  void malformedJsonIsUnknownNotAnError() {
    rdap.malformed("rir-a", "185.99.0.0/16");
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("185.99.1.1"));
      assertThat(owner.kind()).isEqualTo(Owner.Kind.UNKNOWN);
      assertThat(owner.reason()).contains("malformed JSON");
    }
  }

  @Test
  void oversizedBodyIsDroppedAtTheLimit() {
    rdap.huge("rir-a", "185.98.0.0/16", 50 * 1024 * 1024);
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("185.98.1.1"));
      assertThat(owner.kind()).isEqualTo(Owner.Kind.UNKNOWN);
      assertThat(owner.reason()).contains("sent more than 262144 bytes");
    }
  }

  @Test
  void trickledBodyIsCutAtTheDeadline() {
    rdap.slow("rir-a", "185.97.0.0/16");
    try (OwnerResolver owners = resolver(settings())) {
      Owner owner = owners.resolve(ip("185.97.1.1"));
      assertThat(owner.kind()).isEqualTo(Owner.Kind.UNKNOWN);
      assertThat(owner.reason()).contains("did not answer completely within 2s");
    }
  }

  @Test
  void specialRangesAreAnsweredWithoutAnyRequest() {
    try (OwnerResolver owners = resolver(settings().withFallbackServer(rdap.base("rir-a")))) {
      for (String special : List.of("10.1.2.3", "100.64.0.1", "192.0.2.13", "127.0.0.1", "169.254.1.1", "fd00::1",
          "fe80::1", "2001:db8::25", "::1")) {
        Owner owner = owners.resolve(ip(special));
        assertThat(owner.kind()).as(special).isEqualTo(Owner.Kind.UNKNOWN);
        assertThat(owner.reason()).as(special).contains("answered without a lookup");
      }
      assertThat(owners.resolve(ip("100.64.0.1")).name()).contains("RFC 6598");
      assertThat(rdap.totalRequests()).isZero();
    }
  }

  @Test
  void publishedCloudRangesNameTheCloudWithoutAnRdapRequest() throws Exception {
    Path ranges = Files.createDirectory(dir.resolve("ranges"));
    Files.writeString(ranges.resolve("ip-ranges.json"), """
        {"syncToken": "1700000000", "createDate": "2026-11-30-00-00-00",
         "prefixes": [
          {"ip_prefix": "185.199.0.0/16", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1"},
          {"ip_prefix": "185.199.0.0/16", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1"}],
         "ipv6_prefixes": []}
        """);
    try (OwnerResolver owners = resolver(settings().withCloudRanges(ranges))) {
      Owner owner = owners.resolve(ip("185.199.0.13"));
      assertThat(owner.name()).isEqualTo("AWS, us-east-1, EC2");
      assertThat(owner.kind()).isEqualTo(Owner.Kind.CLOUD);
      assertThat(owner.providerType()).isEqualTo("aws");
      assertThat(rdap.totalRequests()).isZero();
    }
  }

  @Test
  void changedCloudRangesAreLoadedByTheRefreshNotByALookup() throws Exception {
    Path ranges = Files.createDirectory(dir.resolve("ranges"));
    Path file = ranges.resolve("ip-ranges.json");
    Files.writeString(file, CloudRangeFiles.aws("185.199.0.0/16"));
    SteppingClock clock = new SteppingClock(Instant.parse("2026-11-30T12:00:00Z"));
    try (OwnerResolver owners = new OwnerResolver(settings().withCloudRanges(ranges), clock)) {
      assertThat(owners.answerAtHand(ip("185.199.0.13")).map(Owner::name)).contains("AWS, us-east-1, EC2");

      Files.writeString(file, CloudRangeFiles.aws("185.199.0.0/16", "185.20.0.0/16"));
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
      clock.step(Duration.ofMinutes(2));
      // lookups run on reconcile threads: they answer from the ranges loaded, and reading the files (the AWS one
      // is several MiB) is the refresh's job, on its own thread
      assertThat(owners.answerAtHand(ip("185.20.0.7"))).isEmpty();

      owners.refreshCloudRanges();
      assertThat(owners.answerAtHand(ip("185.20.0.7")).map(Owner::name)).contains("AWS, us-east-1, EC2");
      assertThat(rdap.totalRequests()).isZero();
    }
  }

  @Test
  void ownerRememberedFromAnEarlierAnswerIsNotLookedUpAgain() {
    Owner earlier;
    try (OwnerResolver first = resolver(settings())) {
      earlier = first.resolve(ip("185.199.0.13"));
    }
    try (OwnerResolver restarted = resolver(settings())) {
      restarted.remember(earlier, java.time.Instant.now().minus(Duration.ofDays(1)));
      assertThat(restarted.resolve(ip("185.199.3.4"))).isEqualTo(earlier);
    }
    assertThat(rdap.totalRequests()).isEqualTo(1);
  }
}
