package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.SendingIps;
import dev.mailops.ptr.testing.SteppingClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Events about SendingIps against a real API server, as `kubectl describe` shows them. */
class SendingIpEventsIT {
  private final KubeApi kube = KubeApi.shared();

  @Test
  void readyFlippingOnEveryDnsBlipIsTwoEventsWithCountsNotOnePerFlip() {
    String ns = kube.newNamespace("events");
    SendingIp sip = SendingIps.create(kube.client(), ns, "blinking", "192.0.2.10", "mail.example.com", null);
    SteppingClock clock = new SteppingClock(Instant.parse("2026-11-30T03:00:00Z"));
    Optional<Condition> ready = Optional.of(ready("True", "Compliant", "All checks pass"));
    Optional<Condition> blip = Optional.of(ready("Unknown", "DnsTemporaryFailure", "The PTR lookup timed out"));
    try (SendingIpEvents events = new SendingIpEvents(kube.client(), clock, "ptr-operator")) {
      for (int flip = 0; flip < 3; flip++) {
        events.onStatusChange(sip, ready, blip);
        clock.step(Duration.ofMinutes(1));
        events.onStatusChange(sip, blip, ready);
        clock.step(Duration.ofMinutes(1));
      }
      // six Ready transitions were recorded: wait until the API server accounts for all six, however grouped
      await().atMost(Duration.ofSeconds(30)).until(() -> eventsAbout(ns, "blinking").stream()
          .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum() == 6);
    }
    List<Event> shown = eventsAbout(ns, "blinking");
    assertThat(shown).extracting(Event::getReason).containsExactlyInAnyOrder("NotReadyUnknown", "Ready");
    Event notReady = shown.stream().filter(e -> e.getReason().equals("NotReadyUnknown")).findFirst().orElseThrow();
    assertThat(notReady.getCount()).isEqualTo(3);
    assertThat(notReady.getFirstTimestamp()).isEqualTo("2026-11-30T03:00:00Z");
    assertThat(notReady.getLastTimestamp()).isEqualTo("2026-11-30T03:04:00Z");
    Event backToReady = shown.stream().filter(e -> e.getReason().equals("Ready")).findFirst().orElseThrow();
    assertThat(backToReady.getCount()).isEqualTo(3);
    assertThat(backToReady.getLastTimestamp()).isEqualTo("2026-11-30T03:05:00Z");
  }

  @Test
  void aDifferentMessageIsANewEventNotACountOnTheOldOne() {
    String ns = kube.newNamespace("events");
    SendingIp sip = SendingIps.create(kube.client(), ns, "changing", "192.0.2.11", "mail.example.com", null);
    try (SendingIpEvents events = new SendingIpEvents(kube.client(), Clock.systemUTC(), "ptr-operator")) {
      events.record(sip, "Normal", "PtrSet", "Set the PTR of 192.0.2.11 to a.example.com");
      events.record(sip, "Normal", "PtrSet", "Set the PTR of 192.0.2.11 to b.example.com");
      events.record(sip, "Normal", "PtrSet", "Set the PTR of 192.0.2.11 to a.example.com");
      await().atMost(Duration.ofSeconds(30)).until(() -> eventsAbout(ns, "changing").stream()
          .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum() == 3);
    }
    assertThat(eventsAbout(ns, "changing")).extracting(Event::getMessage, Event::getCount).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("Set the PTR of 192.0.2.11 to a.example.com", 2),
        org.assertj.core.groups.Tuple.tuple("Set the PTR of 192.0.2.11 to b.example.com", 1));
  }

  private List<Event> eventsAbout(String ns, String name) {
    return kube.client().v1().events().inNamespace(ns).withField("involvedObject.name", name).list().getItems();
  }

  private static Condition ready(String status, String reason, String message) {
    Condition c = new Condition();
    c.setType("Ready");
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    return c;
  }
}
