package dev.mailops.ptr.owner;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Recognises clouds and hosters with a reverse DNS API from RDAP names and handles, so an owner can say which
 * ReverseDnsProvider type would manage the IP. Anything not recognised is an ISP (the network's holder).
 */
final class Registrants {
  /** A word found in a registrant name, handle or network name, and what it means. */
  private record Known(String word, Owner.Kind kind, String providerType) {}

  /** In order: the first word found decides. */
  private static final List<Known> KNOWN = Stream.of(
      words(Owner.Kind.CLOUD, "aws", "amazon", "aws"),
      words(Owner.Kind.CLOUD, "gcp", "google"),
      words(Owner.Kind.CLOUD, "azure", "microsoft", "azure"),
      words(Owner.Kind.CLOUD, "digitalocean", "digitalocean"),
      words(Owner.Kind.CLOUD, null, "oracle"),
      words(Owner.Kind.HOSTER, "hetzner", "hetzner"),
      words(Owner.Kind.HOSTER, "linode", "linode"),
      words(Owner.Kind.HOSTER, "ovh", "ovh"),
      words(Owner.Kind.HOSTER, "vultr", "vultr", "choopa", "constant company"),
      words(Owner.Kind.HOSTER, "scaleway", "scaleway")).flatMap(List::stream).toList();

  private static List<Known> words(Owner.Kind kind, String providerType, String... words) {
    return Stream.of(words).map(w -> new Known(w, kind, providerType)).toList();
  }

  private Registrants() {}

  /** Kind and provider type from the network's registrant, handles and name. */
  static Owner classify(RdapNetwork network, String rdapUrl) {
    StringBuilder words = new StringBuilder();
    network.withRole("registrant").ifPresent(e -> words.append(e.handle()).append(' ')
        .append(e.card().displayName()).append(' '));
    words.append(network.name()).append(' ').append(network.handle());
    String haystack = words.toString().toLowerCase(Locale.ROOT);
    Optional<Known> known = KNOWN.stream().filter(k -> containsWord(haystack, k.word())).findFirst();
    return new Owner(network.holderName(), known.map(Known::kind).orElse(Owner.Kind.ISP), network.contact(),
        network.selfLink() != null ? network.selfLink() : rdapUrl, known.map(Known::providerType).orElse(null),
        network.range().toString(), null);
  }

  /** "ovh" in "OVH SAS" or "OVH-NET", not inside an unrelated word such as "moviehouse". */
  private static boolean containsWord(String haystack, String word) {
    int at = haystack.indexOf(word);
    while (at >= 0) {
      boolean startOk = at == 0 || !Character.isLetter(haystack.charAt(at - 1));
      int end = at + word.length();
      boolean endOk = end == haystack.length() || !Character.isLetter(haystack.charAt(end));
      if (startOk && endOk) {
        return true;
      }
      at = haystack.indexOf(word, at + 1);
    }
    return false;
  }
}
