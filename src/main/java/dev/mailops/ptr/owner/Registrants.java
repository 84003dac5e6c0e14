package dev.mailops.ptr.owner;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises clouds and hosters with a reverse DNS API from RDAP names and handles, so an owner can say which
 * ReverseDnsProvider type would manage the IP. Anything not recognised is an ISP (the network's holder).
 */
final class Registrants {
  /** A word found in a registrant name, handle or network name, and what it means. */
  private record Known(String word, Owner.Kind kind, String providerType) {}

  private static final List<Known> KNOWN = List.of(
      new Known("amazon", Owner.Kind.CLOUD, "aws"),
      new Known("aws", Owner.Kind.CLOUD, "aws"),
      new Known("google", Owner.Kind.CLOUD, "gcp"),
      new Known("microsoft", Owner.Kind.CLOUD, "azure"),
      new Known("azure", Owner.Kind.CLOUD, "azure"),
      new Known("digitalocean", Owner.Kind.CLOUD, "digitalocean"),
      new Known("oracle", Owner.Kind.CLOUD, null),
      new Known("hetzner", Owner.Kind.HOSTER, "hetzner"),
      new Known("linode", Owner.Kind.HOSTER, "linode"),
      new Known("ovh", Owner.Kind.HOSTER, "ovh"),
      new Known("vultr", Owner.Kind.HOSTER, "vultr"),
      new Known("choopa", Owner.Kind.HOSTER, "vultr"),
      new Known("constant company", Owner.Kind.HOSTER, "vultr"),
      new Known("scaleway", Owner.Kind.HOSTER, "scaleway"));

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
