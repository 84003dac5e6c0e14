package dev.mailops.ptr.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRD's schema and CEL rules, evaluated by a real kube-apiserver at admission. */
class SendingIpAdmissionIT {
  private static KubeApi api;
  private static String namespace;

  @BeforeAll
  static void apiServer() {
    api = KubeApi.shared();
    namespace = api.newNamespace("admission");
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("octet over 255", "999.1.1.1", null, null, "spec.ip"),
        Arguments.of("three octets", "1.2.3", null, null, "spec.ip"),
        Arguments.of("bad IPv6 digit", "::g", null, null, "spec.ip"),
        Arguments.of("empty IP", "", null, null, "spec.ip"),
        Arguments.of("64-character label", "192.0.2.10", "a".repeat(64) + ".example.com", null, "spec.hostname"),
        Arguments.of("space in hostname", "192.0.2.10", "mail example.com", null, "spec.hostname"),
        Arguments.of("recheck too short", "192.0.2.10", null, "5s", "spec.recheckInterval"),
        Arguments.of("recheck not a duration", "192.0.2.10", null, "hourly", "spec.recheckInterval"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void invalidSpecIsRejectedNamingTheField(String title, String ip, String hostname, String recheck, String field) {
    SendingIp sip = sendingIp("bad", ip, hostname, recheck);
    assertThatThrownBy(() -> api.client().resource(sip).inNamespace(namespace).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(field);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("validIps")
  void everyIpv4AndIpv6SpellingIsAccepted(String name, String ip) {
    SendingIp created = api.client().resource(sendingIp(name, ip, "Mail.Example.COM.", "1h"))
        .inNamespace(namespace).create();
    assertThat(created.getSpec().getDeletionPolicy()).isEqualTo(DeletionPolicy.Retain);
  }

  static Stream<Arguments> validIps() {
    return Stream.of(Arguments.of("v4", "192.0.2.10"), Arguments.of("v6-short", "2001:db8::1"),
        Arguments.of("v6-upper", "2001:DB8:0:0:0:0:0:1"), Arguments.of("v6-loopback", "::1"));
  }

  static SendingIp sendingIp(String name, String ip, String hostname, String recheck) {
    SendingIp sip = SendingIps.sendingIp(null, name, ip, hostname, null);
    sip.getSpec().setRecheckInterval(recheck);
    return sip;
  }
}
