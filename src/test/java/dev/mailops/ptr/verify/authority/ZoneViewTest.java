package dev.mailops.ptr.verify.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneViewTest {

  static ServerAnswer answer(String server, String address, String answer, long serial) {
    return ServerAnswer.answered(server, address, answer, serial, 300L);
  }

  static ZoneView zone(String primary, ServerAnswer... servers) {
    return new ZoneView("2.0.192.in-addr.arpa", "10.2.0.192.in-addr.arpa", "PTR", primary, List.of(servers), null);
  }

  @Test
  void aSecondaryWithAnOlderSerialAndOldAnswerIsBehindAndDisagrees() {
    ZoneView z = zone("ns1.example.net", answer("ns1.example.net", "192.0.2.1", "new.example.com", 5),
        answer("ns2.example.net", "192.0.2.2", "old.example.com", 4));
    assertThat(z.referenceSerial()).contains(5L);
    assertThat(z.referenceAnswer()).contains("new.example.com");
    assertThat(z.behind()).extracting(ServerAnswer::server).containsExactly("ns2.example.net");
    assertThat(z.disagreeing()).extracting(ServerAnswer::server).containsExactly("ns2.example.net");
    assertThat(z.unanimous()).isFalse();
  }

  @Test
  void thePrimarysAnswerIsTheReferenceEvenWhenTheSecondariesOutnumberIt() {
    ZoneView z = zone("ns1.example.net", answer("ns1.example.net", "192.0.2.1", "new.example.com", 5),
        answer("ns2.example.net", "192.0.2.2", "old.example.com", 5),
        answer("ns3.example.net", "192.0.2.3", "old.example.com", 5));
    assertThat(z.referenceAnswer()).contains("new.example.com");
    assertThat(z.behind()).isEmpty();
    assertThat(z.disagreeing()).extracting(ServerAnswer::server).containsExactly("ns2.example.net",
        "ns3.example.net");
  }

  @Test
  void withoutThePrimaryTheHighestSerialAndTheMostCommonAnswerAreTheReference() {
    ZoneView z = zone("hidden-primary.example.net", answer("ns2.example.net", "192.0.2.2", "a.example.com", 7),
        answer("ns3.example.net", "192.0.2.3", "b.example.com", 9),
        answer("ns4.example.net", "192.0.2.4", "b.example.com", 9));
    assertThat(z.referenceSerial()).contains(9L);
    assertThat(z.referenceAnswer()).contains("b.example.com");
    assertThat(z.behind()).extracting(ServerAnswer::server).containsExactly("ns2.example.net");
  }

  @Test
  void serialsCompareInSerialNumberArithmeticAcrossTheWrap() {
    ZoneView z = zone("ns1.example.net", answer("ns1.example.net", "192.0.2.1", "a.example.com", 3),
        answer("ns2.example.net", "192.0.2.2", "a.example.com", 4294967290L));
    assertThat(z.behind()).extracting(ServerAnswer::server).containsExactly("ns2.example.net");
  }

  @Test
  void lameAndUnreachableServersAreNeitherAgreeingNorDisagreeing() {
    ZoneView z = zone("ns1.example.net", answer("ns1.example.net", "192.0.2.1", "a.example.com", 3),
        ServerAnswer.lame("ns2.example.net", "192.0.2.2", "REFUSED"),
        ServerAnswer.unreachable("ns3.example.net", "192.0.2.3", "no answer within 2000 ms"));
    assertThat(z.disagreeing()).isEmpty();
    assertThat(z.lame()).extracting(ServerAnswer::server).containsExactly("ns2.example.net");
    assertThat(z.unreachable()).extracting(ServerAnswer::server).containsExactly("ns3.example.net");
    assertThat(z.unanimous()).isFalse();
  }

  @Test
  void allServersShowTheNewNameOnlyWhenEveryServerOfThePtrZoneAnswersIt() {
    ZoneView both = zone("ns1.example.net", answer("ns1.example.net", "192.0.2.1", "new.example.com", 5),
        answer("ns2.example.net", "192.0.2.2", "new.example.com", 5));
    ZoneView one = zone("ns1.example.net", answer("ns1.example.net", "192.0.2.1", "new.example.com", 5),
        answer("ns2.example.net", "192.0.2.2", "old.example.com", 4));
    assertThat(new AuthoritativeView(List.of(both), java.time.Instant.EPOCH).allServersShow("new.example.com"))
        .isTrue();
    assertThat(new AuthoritativeView(List.of(one), java.time.Instant.EPOCH).allServersShow("new.example.com"))
        .isFalse();
  }
}
