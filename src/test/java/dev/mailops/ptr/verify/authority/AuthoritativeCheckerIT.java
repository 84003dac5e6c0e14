package dev.mailops.ptr.verify.authority;

import static dev.mailops.ptr.testing.AuthoritativeServers.CHILD_ZONE;
import static dev.mailops.ptr.testing.AuthoritativeServers.CLASSLESS_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAGGING_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAGGING_ZONE;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAME_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.LAME_ZONE;
import static dev.mailops.ptr.testing.AuthoritativeServers.SYNCED_IP;
import static dev.mailops.ptr.testing.AuthoritativeServers.SYNCED_ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.AuthoritativeServers;
import dev.mailops.ptr.testing.FreePorts;
import dev.mailops.ptr.verify.DnsSettings;
import dev.mailops.ptr.verify.IpAddresses;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The authoritative view against real PowerDNS and BIND servers of the same zones (transfers, NOTIFY). */
class AuthoritativeCheckerIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  private static AuthoritativeServers servers;
  private static AuthoritativeChecker checker;

  @BeforeAll
  static void start() {
    servers = closed.add(AuthoritativeServers.start());
    checker = checker(servers.resolver());
  }

  private static AuthoritativeChecker checker(InetSocketAddress resolver) {
    return new AuthoritativeChecker(DnsSettings.of(List.of(resolver)).withTimeout(Duration.ofMillis(500))
        .withRetries(1), AuthoritativeSettings.defaults().withPort(servers.port()).withTimeout(Duration.ofMillis(500)),
        Clock.systemUTC());
  }

  private static AuthoritativeView check(String ip, String forward) {
    return checker.check(IpAddresses.parse(ip), Optional.ofNullable(forward));
  }

  private static List<String> answers(ZoneView zone) {
    return zone.servers().stream().map(s -> s.server() + " " + s.address() + " " + s.state() + " " + s.answer())
        .toList();
  }

  @Test
  void primaryAndSecondaryOfTheSameZoneAgreeOnThePtrAndTheForwardZoneIsAskedToo() {
    AuthoritativeView view = check(SYNCED_IP, "mail.example.test");
    ZoneView reverse = view.zones().get(0);
    assertThat(reverse.zone()).isEqualTo(SYNCED_ZONE);
    assertThat(reverse.primary()).isEqualTo("ns1.fixture.test");
    assertThat(answers(reverse)).containsExactly(
        "ns1.fixture.test 127.0.0.1 ANSWERED mail.example.test",
        "ns2.fixture.test 127.0.0.11 ANSWERED mail.example.test");
    assertThat(reverse.servers()).extracting(ServerAnswer::serial).doesNotContainNull().hasSize(2);
    assertThat(reverse.unanimous()).isTrue();
    ZoneView forward = view.zones().get(1);
    assertThat(forward.zone()).isEqualTo("example.test");
    assertThat(forward.type()).isEqualTo("A");
    assertThat(answers(forward)).containsExactly("ns1.fixture.test 127.0.0.1 ANSWERED 192.0.2.10");
  }

  @Test
  void aChangeOnThePrimaryReachesTheNotifiedSecondaryByZoneTransfer() {
    servers.primary().ptr("192.0.2.11", "first.example.test");
    await().atMost(Duration.ofSeconds(30)).until(() -> check("192.0.2.11", null).zones().get(0).unanimous());
    servers.primary().ptr("192.0.2.11", "second.example.test");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      ZoneView zone = check("192.0.2.11", null).zones().get(0);
      assertThat(zone.answered()).extracting(ServerAnswer::answer).containsOnly("second.example.test").hasSize(2);
      assertThat(zone.behind()).isEmpty();
    });
  }

  @Test
  void aLaggingSecondaryIsBehindThePrimaryUntilItTransfersTheZone() {
    servers.primary().ptr("198.51.100.21", "before.example.test");
    servers.lagging().retrieve(LAGGING_ZONE);
    await().atMost(Duration.ofSeconds(30)).until(() -> check("198.51.100.21", null).zones().get(0).unanimous());

    servers.primary().ptr("198.51.100.21", "after.example.test");
    ZoneView lagging = check("198.51.100.21", null).zones().get(0);
    assertThat(lagging.zone()).isEqualTo(LAGGING_ZONE);
    assertThat(answers(lagging)).containsExactly(
        "ns1.fixture.test 127.0.0.1 ANSWERED after.example.test",
        "ns3.fixture.test 127.0.0.12 ANSWERED before.example.test");
    assertThat(lagging.behind()).extracting(ServerAnswer::server).containsExactly("ns3.fixture.test");

    servers.lagging().retrieve(LAGGING_ZONE);
    await().atMost(Duration.ofSeconds(30)).until(() -> check("198.51.100.21", null).zones().get(0).unanimous());
  }

  @Test
  void aStoppedSecondaryIsUnreachableNotLame() {
    servers.secondary().pause();
    try {
      ZoneView zone = check(SYNCED_IP, null).zones().get(0);
      assertThat(zone.unreachable()).extracting(ServerAnswer::server).containsExactly("ns2.fixture.test");
      assertThat(zone.unreachable().get(0).detail()).contains("no answer within 500 ms");
      assertThat(zone.lame()).isEmpty();
    } finally {
      servers.secondary().resume();
    }
  }

  @Test
  void aListedServerThatRefusesTheZoneIsLame() {
    ZoneView zone = check(LAME_IP, null).zones().get(0);
    assertThat(zone.zone()).isEqualTo(LAME_ZONE);
    assertThat(zone.lame()).extracting(ServerAnswer::server).containsExactly("ns4.fixture.test");
    assertThat(zone.lame().get(0).detail()).startsWith("REFUSED");
    assertThat(zone.answered()).extracting(ServerAnswer::answer).containsExactly("lame.example.test");
  }

  @Test
  void anRfc2317CnameIsFollowedIntoTheDelegatedZoneOnAnotherServer() {
    AuthoritativeView view = check(CLASSLESS_IP, null);
    assertThat(view.zones()).hasSize(2);
    ZoneView parent = view.zones().get(0);
    assertThat(parent.zone()).isEqualTo(SYNCED_ZONE);
    assertThat(parent.answered()).extracting(ServerAnswer::answer).containsOnly("CNAME 70." + CHILD_ZONE);
    ZoneView child = view.zones().get(1);
    assertThat(child.zone()).isEqualTo(CHILD_ZONE);
    assertThat(child.name()).isEqualTo("70." + CHILD_ZONE);
    assertThat(answers(child)).containsExactly("ns4.fixture.test 127.0.0.13 ANSWERED mail70.example.test");
    assertThat(view.ptrZone()).contains(child);
  }

  @Test
  void withoutAnyReachableResolverTheZoneIsNotFoundAndNothingThrows() {
    AuthoritativeChecker nowhere = checker(new InetSocketAddress("127.0.0.15", FreePorts.next()));
    AuthoritativeView view = nowhere.check(IpAddresses.parse(SYNCED_IP), Optional.of("mail.example.test"));
    assertThat(view.zones()).hasSize(2).allSatisfy(z -> {
      assertThat(z.zone()).isNull();
      assertThat(z.problem()).contains("could not look up");
    });
  }
}
