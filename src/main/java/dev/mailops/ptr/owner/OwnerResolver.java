package dev.mailops.ptr.owner;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailops.ptr.verify.IpAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "who controls this IP": special ranges locally, then the published cloud ranges, then RDAP through the
 * bootstrap registry (or the fallback registry and its redirects), cached per registered network range.
 * {@link #resolve} blocks on registries: callers that must not wait run it on their own threads. {@link #answerAtHand}
 * never blocks: the cloud range files are read at construction and by {@link #refreshCloudRanges}, which the caller
 * runs on its own schedule. Never throws: failures are unknown owners with a reason.
 */
public final class OwnerResolver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OwnerResolver.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OwnerSettings settings;
  private final Clock clock;
  private final BoundedHttp http;
  private final RdapClient rdap;
  private final RangeCache ranges = new RangeCache();
  /** Failed lookups per IP, so a broken or rate-limiting registry is not asked again at once. */
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  private record Failure(Owner owner, Instant until) {}

  private Bootstrap bootstrap = Bootstrap.EMPTY;
  private Instant bootstrapLoaded = Instant.MIN;
  private List<FileTime> bootstrapFileTimes = List.of();
  /** Read by every lookup without a lock; replaced whole by {@link #refreshCloudRanges}. */
  private volatile CloudRanges cloud = CloudRanges.NONE;
  private FileTime cloudModified;
  private volatile Instant lastEviction;

  public OwnerResolver(OwnerSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = new BoundedHttp(settings.timeout(), settings.maxBodyBytes(), RdapClient.MEDIA_TYPE + ", application/json");
    this.rdap = new RdapClient(http, settings.maxRedirects(), settings.failureRetry(), clock);
    this.lastEviction = clock.instant();
    refreshCloudRanges();
  }

  public OwnerSettings settings() {
    return settings;
  }

  /** The owner of the IP, or unknown with the reason. */
  public Owner resolve(InetAddress ip) {
    return answerAtHand(ip).orElseGet(() -> query(ip));
  }

  /**
   * The owner when it is known without asking a registry: special-use and published cloud ranges, and ranges or
   * failures remembered from earlier answers. Empty when only an RDAP query can tell.
   */
  public Optional<Owner> answerAtHand(InetAddress ip) {
    Optional<Owner> special = SpecialRanges.answer(ip);
    if (special.isPresent()) {
      return special;
    }
    Optional<Owner> published = cloud.lookup(ip);
    if (published.isPresent()) {
      return published;
    }
    Instant now = clock.instant();
    evictNowAndThen(now);
    Optional<Owner> cached = ranges.get(ip, now);
    if (cached.isPresent()) {
      return cached;
    }
    Failure failed = failures.get(IpAddresses.format(ip));
    return failed != null && now.isBefore(failed.until()) ? Optional.of(failed.owner()) : Optional.empty();
  }

  private Owner query(InetAddress ip) {
    Instant now = clock.instant();
    String key = IpAddresses.format(ip);
    Optional<URI> base = bootstrap().baseFor(ip).or(() -> Optional.ofNullable(settings.fallbackServer()));
    if (base.isEmpty()) {
      return Owner.unknown("no RDAP service is known for " + key + " (no bootstrap entry and no fallback registry)");
    }
    RdapClient.Answer answer = rdap.query(base.get(), ip);
    if (answer.network() == null) {
      Owner unknown = Owner.unknown(answer.failure());
      failures.put(key, new Failure(unknown, answer.retryAfter()));
      return unknown;
    }
    failures.remove(key);
    Owner owner = Registrants.classify(answer.network(), answer.answeredBy().toString());
    ranges.put(answer.network().range(), owner, now.plus(settings.cacheTtl()));
    return owner;
  }

  /**
   * Remembers an owner learned earlier (for example read back from a status after a restart) for its network
   * range, until {@code checkedAt} plus the cache time. Unknown owners and ones without a range are ignored.
   */
  public void remember(Owner owner, Instant checkedAt) {
    if (owner == null || !owner.known() || owner.network() == null || owner.rdap() == null) {
      return;
    }
    Instant expires = checkedAt.plus(settings.cacheTtl());
    if (!expires.isAfter(clock.instant())) {
      return;
    }
    try {
      ranges.put(IpRange.parse(owner.network()), owner, expires);
    } catch (IllegalArgumentException e) {
      // a hand-edited status: look it up again instead
    }
  }

  /** Ranges held in the cache (for tests and logs). */
  public int cachedRanges() {
    return ranges.size();
  }

  private void evictNowAndThen(Instant now) {
    if (Duration.between(lastEviction, now).compareTo(Duration.ofHours(1)) > 0) {
      lastEviction = now;
      ranges.evictExpired(now);
      failures.values().removeIf(f -> !now.isBefore(f.until()));
    }
  }

  /**
   * Reads the cloud range files again when the directory changed. Loading the published files takes a while (the AWS
   * one is several MiB), so it runs at construction and then on the caller's schedule, never inside a lookup.
   */
  public synchronized void refreshCloudRanges() {
    Path dir = settings.cloudRanges();
    if (dir == null) {
      return;
    }
    FileTime modified = newestModification(dir);
    if (modified != null && !modified.equals(cloudModified)) {
      cloudModified = modified;
      cloud = CloudRanges.load(dir);
    }
  }

  /** The newest modification time in the directory (ConfigMap updates swap a symlink, which changes it too). */
  private static FileTime newestModification(Path dir) {
    try (var files = Files.list(dir)) {
      return files.map(p -> {
        try {
          return Files.getLastModifiedTime(p);
        } catch (IOException e) {
          return FileTime.fromMillis(0);
        }
      }).max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
    } catch (IOException e) {
      log.warn("cloud ranges: cannot read {}: {}", dir, e.getMessage());
      return null;
    }
  }

  /** Bootstrap files are re-read when they change; URLs are fetched again after the refresh interval. */
  private synchronized Bootstrap bootstrap() {
    if (settings.bootstrap().isEmpty()) {
      return Bootstrap.EMPTY;
    }
    Instant now = clock.instant();
    List<FileTime> fileTimes = settings.bootstrap().stream().filter(s -> !isUrl(s))
        .map(s -> {
          try {
            return Files.getLastModifiedTime(Path.of(s));
          } catch (IOException | RuntimeException e) {
            return FileTime.fromMillis(0);
          }
        }).toList();
    Duration age = bootstrapLoaded == Instant.MIN ? null : Duration.between(bootstrapLoaded, now);
    Duration refresh = bootstrap.isEmpty() ? settings.failureRetry() : settings.bootstrapRefresh();
    boolean urlsDue = age == null || age.compareTo(refresh) >= 0;
    boolean filesChanged = !fileTimes.equals(bootstrapFileTimes);
    boolean hasUrls = settings.bootstrap().stream().anyMatch(OwnerResolver::isUrl);
    if (!filesChanged && !(hasUrls && urlsDue) && age != null) {
      return bootstrap;
    }
    bootstrapLoaded = now;
    bootstrapFileTimes = fileTimes;
    Bootstrap loaded = Bootstrap.EMPTY;
    List<String> problems = new ArrayList<>();
    for (String source : settings.bootstrap()) {
      try {
        loaded = loaded.plus(Bootstrap.parse(JSON.readTree(isUrl(source) ? fetch(source) : read(source))));
      } catch (IOException | IllegalArgumentException e) {
        problems.add(source + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      log.warn("RDAP bootstrap: {}{}", String.join("; ", problems),
          bootstrap.isEmpty() ? "" : " (keeping the registry read before)");
    }
    if (!loaded.isEmpty() || bootstrap.isEmpty()) {
      bootstrap = loaded;
    }
    return bootstrap;
  }

  private byte[] fetch(String url) throws IOException {
    BoundedHttp.Response response = http.get(URI.create(url));
    if (response.status() != 200) {
      throw new IOException("HTTP " + response.status());
    }
    return response.body();
  }

  private byte[] read(String file) throws IOException {
    Path path = Path.of(file);
    if (Files.size(path) > settings.maxBodyBytes()) {
      throw new IOException("larger than " + settings.maxBodyBytes() + " bytes");
    }
    return Files.readAllBytes(path);
  }

  private static boolean isUrl(String source) {
    return source.startsWith("http://") || source.startsWith("https://");
  }

  @Override
  public void close() {
    http.close();
  }
}
