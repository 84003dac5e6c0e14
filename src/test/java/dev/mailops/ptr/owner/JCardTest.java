package dev.mailops.ptr.owner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JCardTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void readsNameKindOrganisationAndEveryEmail() throws Exception {
    JCard card = JCard.parse(json("""
        ["vcard", [
          ["version", {}, "text", "4.0"],
          ["fn", {}, "text", "Abuse desk"],
          ["kind", {}, "text", "GROUP"],
          ["org", {"type": "work"}, "text", "Example Hosting GmbH"],
          ["email", {"type": "work"}, "text", "abuse@hosting.example"],
          ["email", {}, "text", "noc@hosting.example"],
          ["tel", {"type": ["work", "voice"]}, "uri", "tel:+49-1"]
        ]]"""));
    assertThat(card.fn()).isEqualTo("Abuse desk");
    assertThat(card.kind()).isEqualTo("group");
    assertThat(card.org()).isEqualTo("Example Hosting GmbH");
    assertThat(card.emails()).containsExactly("abuse@hosting.example", "noc@hosting.example");
    assertThat(card.displayName()).isEqualTo("Example Hosting GmbH");
  }

  @Test
  void structuredValuesAreJoinedAndEmptyComponentsSkipped() throws Exception {
    JCard card = JCard.parse(json("""
        ["vcard", [["org", {}, "text", ["Example Corp", "", "Network Services"]],
                   ["adr", {"label": "Street 1"}, "text", ["", "", "", "", "", "", ""]]]]"""));
    assertThat(card.org()).isEqualTo("Example Corp, Network Services");
  }

  @Test
  void formattedNameIsTheDisplayNameWithoutOrganisation() throws Exception {
    assertThat(JCard.parse(json("[\"vcard\", [[\"fn\", {}, \"text\", \"Jane Operator\"]]]")).displayName())
        .isEqualTo("Jane Operator");
  }

  @Test
  void anythingNotShapedLikeAJCardIsEmptyNotAnError() throws Exception {
    for (String bad : new String[] {"null", "{}", "[]", "[\"vcard\"]", "[\"xcard\", []]", "[\"vcard\", {}]",
        "[\"vcard\", [\"fn\", 1, [\"fn\"], [\"fn\", {}, \"text\"], [1, {}, \"text\", \"x\"], [\"email\", {}, \"text\", null]]]"}) {
      JCard card = JCard.parse(json(bad));
      assertThat(card.displayName()).as(bad).isNull();
      assertThat(card.emails()).as(bad).isEmpty();
    }
    assertThat(JCard.parse(null)).isEqualTo(JCard.EMPTY);
  }
}
