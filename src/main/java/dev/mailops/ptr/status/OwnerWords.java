package dev.mailops.ptr.status;

import dev.mailops.ptr.api.OwnerStatus;

/** The "ask the owner" sentence of a message, naming the owner when owner discovery knows it. */
final class OwnerWords {
  private OwnerWords() {}

  /**
   * "Ask the owner of this IP {unknownAsk}{what}" without a known owner; with one, "{ip} is registered to {name}
   * (RDAP: {url}). {knownDo}{what} in their console or API, or create a ReverseDnsProvider of type {type}".
   */
  static String ask(String ip, OwnerStatus owner, String unknownAsk, String knownDo, String what) {
    if (owner == null || !owner.known()) {
      return "Ask the owner of this IP " + unknownAsk + what;
    }
    StringBuilder s = new StringBuilder(ip);
    if (owner.getRdap() != null) {
      s.append(" is registered to ").append(owner.getName()).append(" (RDAP: ").append(owner.getRdap()).append(")");
    } else {
      s.append(" is in ").append(owner.getName()).append(" (published cloud ranges)");
    }
    s.append(". ").append(knownDo).append(what).append(" in their console or API");
    if (owner.getProviderType() != null) {
      s.append(", or create a ReverseDnsProvider of type ").append(owner.getProviderType());
    }
    return s.toString();
  }
}
