package dev.mailops.ptr.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostnameJudgeTest {
  private static final InetAddress V4 = IpAddresses.parse("192.0.2.10");
  private static final InetAddress V6 = IpAddresses.parse("2001:db8::10");
  private final HostnameJudge judge = new HostnameJudge();

  private Optional<String> generic(String name) {
    return judge.genericReason(V4, name);
  }

  // --- the IP embedded -------------------------------------------------------------------------

  @Test
  void dashedIpInHostnameIsGeneric() {
    assertThat(generic("192-0-2-10.example.com"))
        .hasValue("rule ip-address: the name contains the IP address (192-0-2-10)");
  }

  @Test
  void dottedIpInHostnameIsGeneric() {
    assertThat(generic("host.192.0.2.10.example.com")).isPresent();
  }

  @Test
  void underscoreAndMixedSeparatorsAreGeneric() {
    assertThat(generic("ip-192_0_2_10.example.com")).isPresent();
    assertThat(generic("x192-0.2_10.example.com")).isPresent();
  }

  @Test
  void reversedOctetsAreGeneric() {
    assertThat(generic("10.2.0.192.example.net")).isPresent();
    assertThat(generic("10-2-0-192.example.net")).isPresent();
  }

  @Test
  void zeroPaddedOctetsAreGeneric() {
    assertThat(generic("192-000-002-010.example.net")).isPresent();
    assertThat(generic("h192000002010.example.net")).isPresent();
    assertThat(generic("010002000192.example.net")).isPresent();
  }

  @Test
  void hexIpIsGenericInAnyCase() {
    assertThat(generic("c000020a.example.net")).isPresent();
    assertThat(generic("C000020A.example.net")).isPresent();
    assertThat(generic("srv-c0-00-02-0a.example.net")).isPresent();
  }

  @Test
  void decimalIntegerIpIsGeneric() {
    // 192.0.2.10 = 192*2^24 + 2*2^8 + 10 = 3221225994
    assertThat(generic("3221225994.example.net")).hasValueSatisfying(r -> assertThat(r).contains("3221225994"));
  }

  @Test
  void ipEmbeddedNextToMailWordsIsStillGeneric() {
    assertThat(generic("mail-192-0-2-10.example.com")).isPresent();
    assertThat(generic("static-192-0-2-10.example.com")).isPresent();
    assertThat(generic("ec2-192-0-2-10.compute-1.amazonaws.com")).isPresent();
  }

  @Test
  void anotherIpv4AddressInTheNameIsGeneric() {
    assertThat(generic("198-51-100-7.example.net"))
        .hasValue("rule other-ip-address: the name contains an IP address (198-51-100-7)");
  }

  @Test
  void ipOctetsJoinedByLettersOrInAnotherOrderAreGeneric() {
    assertThat(generic("ip192x0x2x10.exampleisp.net")).hasValue(
        "rule ip-address: the name contains the IP address (192x0x2x10)");
    assertThat(generic("h192n0n2n10.example.net")).isPresent();
    assertThat(generic("d0-192-10-2.example.net")).isPresent();
    assertThat(generic("10.red-192-0-2.example.net")).isPresent();
    // the octets with longer words between them are not an address
    assertThat(generic("mx192-europe0-2-10.example.com")).isEmpty();
  }

  @Test
  void partialIpIsGenericUnlessTheNameIsAMailHost() {
    assertThat(generic("2-10.static.exampleisp.net")).hasValue(
        "rule partial-ip: the name contains part of the IP address (2-10)");
    assertThat(generic("0-2-10.pool.exampleisp.net")).isPresent();
    assertThat(generic("10.2.exampleisp.net")).isPresent();
    assertThat(generic("ns123.ip-192-0-2.eu")).isPresent();
    assertThat(generic("static-ip-2-10.example.net")).isPresent();
    assertThat(generic("mail-2-10.example.com")).isEmpty();
    assertThat(generic("a2-10.smtp-out.example-esp.com")).isEmpty();
  }

  @Test
  void cloudAndHosterDefaultsAreGeneric() {
    assertThat(generic("li123-45.members.linode.com")).hasValue(
        "rule hosting-default: 'li123-45' is a numbered default name of the hoster linode.com");
    assertThat(generic("vmi123456.contaboserver.net")).isPresent();
    assertThat(generic("dedi33.your-server.de")).isPresent();
    assertThat(generic("ubuntu-s-1vcpu-1gb-nyc1-01.example.com")).hasValueSatisfying(
        r -> assertThat(r).contains("DigitalOcean default droplet name"));
    assertThat(generic("mail.ovh.net")).isEmpty();
    assertThat(generic("dediextern.your-server.de")).isEmpty();
  }

  @Test
  void deviceNumbersAndLastOctetCodesAreGeneric() {
    assertThat(generic("pcp04024417pcs.toresd01.pa.comcast.net")).hasValue(
        "rule device-number: it contains the device or account number 04024417");
    assertThat(judge.genericReason(IpAddresses.parse("68.71.36.123"), "ky-richmond2a-123.rhmdky.adelphia.net"))
        .hasValue("rule last-octet-code: 'ky-richmond2a-123' is a device code carrying the IP's last octet (123)");
    assertThat(generic("mail20240101.example.com")).isEmpty();
    assertThat(generic("web2-10.example.com")).isPresent(); // 2-10 is the partial IP
    assertThat(generic("eu2-west-11.example.com")).isEmpty(); // its numbers are not the last octet (10)
  }

  @Test
  void genericWordWithHostNumberIsGenericOnlyUnderHostingDomains() {
    assertThat(generic("host123.genericserver.com")).hasValue(
        "rule generic-word-number: 'host123' is the generic word 'host' with a host number, under the hosting or "
            + "ISP domain genericserver.com");
    assertThat(generic("vps-1234.examplevps.com")).isPresent();
    assertThat(generic("static-98.exampleisp.net")).isPresent();
    assertThat(generic("host-7.isp.example")).isPresent();
    assertThat(generic("node-1w7jr9yf0qjdzrz2q3m8.ipv6.example.net")).isPresent();
    assertThat(generic("host123.example.com")).isEmpty();
    assertThat(generic("server2.example.org")).isEmpty();
    assertThat(generic("blog2.ghost.org")).isEmpty();
  }

  @Test
  void brandsNamedWithADynamicWordAreNotGeneric() {
    assertThat(generic("mail.dyn.com")).isEmpty();
    assertThat(generic("smtp.mobile.de")).isEmpty();
    assertThat(generic("mx.cable.co.uk")).isEmpty();
    assertThat(generic("mail.dyn.exampleisp.net")).isPresent();
  }

  @Test
  void numbersThatAreNotTheIpDoNotMatch() {
    assertThat(generic("mail-2-10.example.com")).isEmpty();
    assertThat(generic("mx192-0-2.example.com")).isEmpty();
    assertThat(generic("smtp-out-2.example.com")).isEmpty();
    assertThat(generic("mail2010.example.com")).isEmpty();
  }

  @Test
  void ipv6FullGroupsAreGeneric() {
    assertThat(judge.genericReason(V6, "2001-0db8-0000-0000-0000-0000-0000-0010.example.net")).isPresent();
    assertThat(judge.genericReason(V6, "2001-db8-0-0-0-0-0-10.example.net")).isPresent();
    assertThat(judge.genericReason(V6, "host-20010db8000000000000000000000010.example.net")).isPresent();
  }

  @Test
  void ipv6CompressedWithDashesIsGeneric() {
    assertThat(judge.genericReason(V6, "v6-2001-db8--10.example.net")).isPresent();
  }

  @Test
  void ipv6NibblesAreGeneric() {
    String reversed = ReverseNames.of(V6).replace(".ip6.arpa", "");
    assertThat(judge.genericReason(V6, reversed + ".example.net")).isPresent();
    String forward = new StringBuilder(reversed).reverse().toString().replace('.', '-');
    assertThat(judge.genericReason(V6, forward + ".example.net")).isPresent();
  }

  @Test
  void ipv6ChosenNameIsNotGeneric() {
    assertThat(judge.genericReason(V6, "mail.example.com")).isEmpty();
    assertThat(judge.genericReason(V6, "mx2001.example.com")).isEmpty();
  }

  @Test
  void reverseMappingNameIsGeneric() {
    assertThat(generic("10.2.0.192.in-addr.arpa")).isPresent();
    assertThat(generic("1.0.0.0.ip6.arpa")).isPresent();
  }

  // --- words -----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"dyn-12.isp.example", "dynamic.isp.example", "dhcp-7.isp.example",
      "pool-4.isp.example", "adsl-ip.isp.example", "xdsl12.isp.example", "cable.isp.example",
      "ppp-44.isp.example", "pppoe.isp.example", "dialup7.isp.example", "client-9.isp.example",
      "res.isp.example", "residential.isp.example", "cpe-1.isp.example", "broadband.isp.example",
      "customer.isp.example", "user-77.isp.example", "unknown.isp.example",
      "unassigned.isp.example", "nat-gw.isp.example", "wifi.isp.example", "mobile-1.isp.example",
      "4g.isp.example", "lte-3.isp.example", "abc.dsl.isp.example", "mail.dynamic.isp.example"})
  void dynamicWordsAreGeneric(String name) {
    assertThat(generic(name)).hasValueSatisfying(r -> assertThat(r).contains("dynamic/residential word"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mail.example.com", "mx1.example.com", "smtp-out-2.example.com",
      "resend.com", "mail.resend.com", "poolside.example", "clientmail.example",
      "host1.example.com", "ip.example.com", "o1.email.example.com", "outbound-3.example.com",
      "mta7.mail.example.org", "dynamo.example.com", "userspace.example"})
  void chosenNamesAreNotGeneric(String name) {
    assertThat(generic(name)).isEmpty();
  }

  @Test
  void wordsMatchAsTokensSplitOnSeparatorsAndDigits() {
    assertThat(HostnameJudge.tokens("smtp-out2_x")).contains("smtp", "out2", "out", "2", "x");
    assertThat(generic("users-guide.docs.example")).isPresent(); // 'users' is a whole token here
    assertThat(generic("pool7.example")).isPresent();
    assertThat(generic("poolside.example")).isEmpty();
  }

  @Test
  void allowanceWordsWaiveWordRulesInTheirLabel() {
    assertThat(generic("smtp-client-3.example.com")).isEmpty();
    assertThat(generic("mail-host-2-10.example.com")).isEmpty();
  }

  @Test
  void allowanceDoesNotWaiveOtherLabels() {
    assertThat(generic("static-2-10.dsl.isp.example")).isPresent();
  }

  @Test
  void invalidNameIsGeneric() {
    assertThat(generic("mail_1.example.com")).hasValueSatisfying(r -> assertThat(r).contains("not a valid host name"));
    assertThat(generic("\\000bad.example.com")).isPresent();
    assertThat(generic("a".repeat(64) + ".example.com")).isPresent();
  }

  // --- domain ----------------------------------------------------------------------------------

  @Test
  void belongsToComparesRegistrableDomains() {
    assertThat(judge.belongsTo("mail.example.com", "example.com")).isTrue();
    assertThat(judge.belongsTo("example.com", "example.com")).isTrue();
    assertThat(judge.belongsTo("mail.example.com", "sub.example.com")).isTrue();
    assertThat(judge.belongsTo("MAIL.Example.COM.", "example.com")).isTrue();
    assertThat(judge.belongsTo("mail.example.net", "example.com")).isFalse();
    assertThat(judge.belongsTo("mail.notexample.com", "example.com")).isFalse();
  }

  @Test
  void belongsToUsesThePublicSuffixList() {
    assertThat(judge.belongsTo("mail.example.co.uk", "example.co.uk")).isTrue();
    assertThat(judge.belongsTo("mail.other.co.uk", "example.co.uk")).isFalse();
    assertThat(judge.belongsTo("mail.example.co.uk", "co.uk")).isTrue();
    assertThat(HostnameJudge.registrableDomain("a.b.example.co.uk")).hasValue("example.co.uk");
  }

  @Test
  void belongsToWithoutKnownSuffixRequiresSubdomain() {
    assertThat(judge.belongsTo("mail.corp.internal", "corp.internal")).isTrue();
    assertThat(judge.belongsTo("mail.other.internal", "corp.internal")).isFalse();
  }

  @Test
  void belongsToStaysRightForMoreDomainsThanItRemembers() {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 600; i++) {
        assertThat(judge.belongsTo("mail.example" + i + ".com", "example" + i + ".com")).isTrue();
        assertThat(judge.belongsTo("mail.example" + (i + 1) + ".com", "example" + i + ".com")).isFalse();
        assertThat(judge.belongsTo("mail.sub" + i + ".internal", "sub" + i + ".internal")).isTrue();
      }
    }
  }

  @Test
  void belongsToIdnDomain() {
    assertThat(judge.belongsTo("mail.xn--bcher-kva.de", "bücher.de")).isTrue();
  }

  // --- judge -----------------------------------------------------------------------------------

  @Test
  void judgePassesChosenNamesInTheDomain() {
    Verdict v = judge.judge(V4, List.of("mail.example.com", "mail.example.com"), Optional.of("example.com"));
    assertThat(v.outcome()).isEqualTo(Outcome.PASS);
    assertThat(v.reason()).isEqualTo(Reason.HOSTNAME_MEANINGFUL);
    assertThat(v.detail()).isEqualTo("mail.example.com looks chosen and belongs to example.com");
  }

  @Test
  void judgeFailsGenericBeforeDomain() {
    Verdict v = judge.judge(V4, List.of("mail.example.com", "192-0-2-10.hoster.net"), Optional.of("example.com"));
    assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(v.reason()).isEqualTo(Reason.GENERIC_HOSTNAME);
    assertThat(v.detail()).isEqualTo("192-0-2-10.hoster.net looks generated (rule ip-address: the name contains "
        + "the IP address (192-0-2-10)); a chosen name says what the host does under your own domain, such as "
        + "mail.example.com (or mx1.example.com, smtp-out-2.example.com when several IPs send)");
  }

  @Test
  void genericVerdictWithoutDomainShowsAPlaceholderDomain() {
    Verdict v = judge.judge(V4, List.of("host123.genericserver.com"), Optional.empty());
    assertThat(v.reason()).isEqualTo(Reason.GENERIC_HOSTNAME);
    assertThat(v.detail()).contains("rule generic-word-number").contains("such as mail.your-domain.example");
  }

  @Test
  void judgeFailsDomainMismatchNamingTheName() {
    Verdict v = judge.judge(V4, List.of("mail.example.com", "mx.other.net"), Optional.of("example.com"));
    assertThat(v.reason()).isEqualTo(Reason.DOMAIN_MISMATCH);
    assertThat(v.detail()).isEqualTo("mx.other.net does not belong to example.com (its registrable domain is other.net)");
  }

  @Test
  void judgeWithoutDomainIgnoresDomains() {
    assertThat(judge.judge(V4, List.of("mx.other.net"), Optional.empty()).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void judgeWithoutNamesPasses() {
    Verdict v = judge.judge(V4, List.of(), Optional.of("example.com"));
    assertThat(v.outcome()).isEqualTo(Outcome.PASS);
    assertThat(v.reason()).isEqualTo(Reason.HOSTNAME_MEANINGFUL);
  }

  @Test
  void reasonsAreCamelCase() {
    assertThat(Reason.NO_PTR_RECORD.camelCase()).isEqualTo("NoPtrRecord");
    assertThat(Reason.DNS_TEMPORARY_FAILURE.camelCase()).isEqualTo("DnsTemporaryFailure");
    assertThat(Reason.PTR_MATCHES.camelCase()).isEqualTo("PtrMatches");
    assertThat(Iprev.TEMPERROR.value()).isEqualTo("temperror");
  }
}
