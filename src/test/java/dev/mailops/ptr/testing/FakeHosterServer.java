package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.verify.IpAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local stand-ins for the hosters' JSON APIs (Hetzner Cloud, Linode, Vultr, Scaleway, OVHcloud) on the shared
 * {@link FakeHttpServer} loop: credentials checked first, then injected failures (rendered in the provider's own
 * error shape), then the provider's routes.
 *
 * <p>Each subclass follows its provider's published reference (paths, bodies, error shapes, pagination) and offers
 * the same test contract: add an IP the account holds, see the PTR it holds, count writes, require a forward record
 * where the provider checks one.
 */
public abstract class FakeHosterServer extends FakeHttpServer<FakeHosterServer.Failure> {

  /** Failures the next calls can be told to answer with; each server renders them in its own error shape. */
  public enum Failure {
    THROTTLE(429), INTERNAL(500), UNAVAILABLE(503), UNAUTHORIZED(401), FORBIDDEN(403),
    /** Holds the request without answering until the server stops (beyond any client timeout). */
    STALL(0);

    public final int status;

    Failure(int status) {
      this.status = status;
    }
  }

  private final Map<String, String> forwardRecords = new ConcurrentHashMap<>();
  private final String root;
  private final String type;
  private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();

  /**
   * @param type the provider type it stands in for, e.g. hetzner
   * @param root the API's path prefix, e.g. /v1
   */
  protected FakeHosterServer(String type, String root) throws IOException {
    super("fake-" + type, Failure.STALL);
    this.type = type;
    this.root = root;
  }

  /** The API root to put in the ReverseDnsProvider's endpoint. */
  @Override
  public URI endpoint() {
    return URI.create(origin() + root);
  }

  // --- the test contract ---------------------------------------------------------------------------------------

  /** The provider type name of the ReverseDnsProvider spec. */
  public String type() {
    return type;
  }

  /** A ReverseDnsProvider spec pointing here, credentials from Secret {@code secretName} in {@code secretNs}. */
  public abstract ReverseDnsProviderSpec spec(String secretNs, String secretName, List<String> allowedCidrs);

  /** The entries of the credentials Secret this server accepts. */
  public abstract Map<String, String> secretData();

  /** The account now holds this IP, with the provider's default PTR. */
  public abstract void addIp(String ip);

  /** Sets the PTR the provider holds for an IP it holds (as if set earlier), lower case without trailing dot. */
  public abstract void holdPtr(String ip, String hostname);

  /** The PTR the provider holds (applied) for the IP, normalised; empty when none. */
  public abstract Optional<String> held(String ip);

  /** The provider's default PTR of the IP (what a reset returns to), normalised; empty when it has none. */
  public abstract Optional<String> defaultPtr(String ip);

  /** How many PTR writes (set or reset) reached this server for the IP, successful or not. */
  public int writes(String ip) {
    AtomicInteger n = writes.get(canonical(ip));
    return n == null ? 0 : n.get();
  }

  /** Counts one PTR write for the IP. */
  protected void wrote(String ip) {
    writes.computeIfAbsent(canonical(ip), k -> new AtomicInteger()).incrementAndGet();
  }

  /** The canonical text of an IP literal. */
  protected static String canonical(String ip) {
    return IpAddresses.format(IpAddresses.parse(ip));
  }

  /** The /64 network an IPv6 address lies in, as text without the prefix length. */
  protected static String network64(String ip) {
    byte[] b = IpAddresses.parse(ip).getAddress();
    java.util.Arrays.fill(b, 8, 16, (byte) 0);
    try {
      return IpAddresses.format(InetAddress.getByAddress(b));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the provider itself refuses a name that does not resolve to the IP. */
  public boolean checksForwardRecord() {
    return false;
  }

  /** Whether a change is applied later than the call that makes it (then {@link #pendingPolls} applies). */
  public boolean asynchronous() {
    return false;
  }

  /** A later change stays pending for this many polls (providers with asynchronous changes). */
  public void pendingPolls(int polls) {}

  /** The forward record the provider's own resolver sees for {@code name} (lower case, no trailing dot). */
  public void addForwardRecord(String name, String ip) {
    forwardRecords.put(name, ip);
  }

  protected boolean forwardResolves(String name, String ip) {
    return name != null && ip.equals(forwardRecords.get(normalise(name)));
  }

  /** Empty when the request carries valid credentials, else the provider's answer to it. */
  @Override
  protected abstract Optional<Reply> refuse(Request request);

  @Override
  protected Reply broken(Exception e) {
    return Reply.of(500, map("error", "fake server: " + e));
  }

  protected static String normalise(String name) {
    return name == null ? null : name.strip().toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
  }

  protected static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
