package dev.mailops.ptr.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  @Test
  void aTimestampReadsBackAsTheInstantItWasWrittenFrom() {
    SplittableRandom random = new SplittableRandom(20261130);
    Instant earliest = Instant.parse("1970-01-01T00:00:00Z");
    Instant latest = Instant.parse("9999-12-31T23:59:59Z");
    for (int i = 0; i < 100_000; i++) {
      Instant written = Instant.ofEpochSecond(random.nextLong(earliest.getEpochSecond(), latest.getEpochSecond()));
      String timestamp = Conditions.timestamp(written);
      assertThat(Conditions.instant(timestamp)).as(timestamp).isEqualTo(written).isEqualTo(Instant.parse(timestamp));
    }
  }

  @Test
  void otherRfc3339FormsAreReadAsTheFormatterReadsThem() {
    for (String text : new String[] {"2026-11-30T15:20:28.5Z", "2026-11-30T15:20:28.123456789Z",
        "2016-12-31T23:59:60Z", "2026-11-30T24:00:00Z", "+12026-11-30T15:20:28Z"}) {
      assertThat(Conditions.instant(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void whatIsNoTimestampIsRefusedAsTheFormatterRefusesIt() {
    for (String text : new String[] {"", "yesterday", "2026-13-30T15:20:28Z", "2026-02-30T15:20:28Z",
        "2026-11-30T25:00:00Z", "2026-11-30T15:2x:28Z", "2026-11-30 15:20:28Z", "2026-11-30T15:20:28"}) {
      assertThatThrownBy(() -> Conditions.instant(text)).as(text).isInstanceOf(DateTimeParseException.class);
    }
  }
}
