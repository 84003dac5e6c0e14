package dev.mailops.ptr.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import dev.mailops.ptr.provider.PtrProvider;
import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.testing.SteppingClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Built providers are reused while what they were built from is unchanged: the ReverseDnsProvider's spec (its
 * generation) and its Secret. Its status writes change neither; a replaced provider finishes its calls first.
 */
class ProviderInstancesTest {
  private final SteppingClock clock = new SteppingClock(Instant.parse("2026-11-30T03:00:00Z"));
  private final List<BlockingProvider> built = new CopyOnWriteArrayList<>();
  private final ProviderSettings settings = ProviderSettings.defaults("ptr-system");
  // no credentials Secret is referenced, so no API call is made and no client is needed
  private final ProviderInstances instances = new ProviderInstances(null, settings,
      PtrProviders.none().with("aws", config -> {
        BlockingProvider provider = new BlockingProvider();
        built.add(provider);
        return provider;
      }), clock);

  @Test
  void statusWritesOfTheReverseDnsProviderDoNotRebuildItsProvider() throws Exception {
    PtrProvider first = instances.get(provider("uid-1", 1, "100"), true);
    // the ReverseDnsProvider controller patches status (resourceVersion moves, generation does not) and re-probes
    PtrProvider afterStatusWrite = instances.get(provider("uid-1", 1, "101"), true);
    PtrProvider afterAnother = instances.get(provider("uid-1", 1, "102"));
    assertThat(built).hasSize(1);
    assertThat(afterStatusWrite).isSameAs(first);
    assertThat(afterAnother).isSameAs(first);
    assertThat(built.get(0).closed).isZero();
  }

  @Test
  void aSpecChangeOrARecreatedObjectBuildsANewProvider() throws Exception {
    PtrProvider first = instances.get(provider("uid-1", 1, "100"), true);
    PtrProvider edited = instances.get(provider("uid-1", 2, "130"), true);
    PtrProvider recreated = instances.get(provider("uid-2", 1, "150"), true);
    assertThat(built).hasSize(3);
    assertThat(edited).isNotSameAs(first);
    assertThat(recreated).isNotSameAs(edited);
  }

  @Test
  void aReplacedProviderIsClosedOnlyAfterItsCallInFlightEnds() throws Exception {
    PtrProvider old = instances.get(provider("uid-1", 1, "100"), true);
    BlockingProvider oldBuilt = built.get(0);
    oldBuilt.block = new CountDownLatch(1);
    CompletableFuture<PtrRecord> inFlight = CompletableFuture.supplyAsync(() -> {
      try {
        return old.read(InetAddress.getByName("192.0.2.10"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(oldBuilt.entered.await(10, TimeUnit.SECONDS)).isTrue();

    PtrProvider replacement = instances.get(provider("uid-1", 2, "130"), true);
    assertThat(replacement).isNotSameAs(old);
    assertThat(oldBuilt.closed).as("closed under a call in flight").isZero();

    oldBuilt.block.countDown();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).value()).contains("mx.example.com");
    assertThat(oldBuilt.closedDuringCall).isFalse();

    // once idle, the old one is closed (at the next look-up after a short grace), and only once
    clock.step(settings.cacheRecheck().plus(Duration.ofSeconds(1)));
    instances.get(provider("uid-1", 2, "131"));
    assertThat(oldBuilt.closed).isEqualTo(1);
    instances.close();
    assertThat(oldBuilt.closed).isEqualTo(1);
    assertThat(built.get(1).closed).isEqualTo(1);
  }

  private static ReverseDnsProvider provider(String uid, long generation, String resourceVersion) {
    ReverseDnsProvider resource = new ReverseDnsProvider();
    resource.getMetadata().setName("aws-main");
    resource.getMetadata().setUid(uid);
    resource.getMetadata().setGeneration(generation);
    resource.getMetadata().setResourceVersion(resourceVersion);
    ReverseDnsProviderSpec spec = new ReverseDnsProviderSpec();
    ReverseDnsProviderSpec.AwsProvider aws = new ReverseDnsProviderSpec.AwsProvider();
    aws.setRegion(generation == 1 ? "eu-west-1" : "eu-central-1");
    spec.setAws(aws);
    resource.setSpec(spec);
    return resource;
  }

  /** A provider whose read can be held open, recording whether it was closed while a call ran. */
  private static final class BlockingProvider implements PtrProvider {
    volatile CountDownLatch block = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile int closed;
    volatile boolean inCall;
    volatile boolean closedDuringCall;

    @Override
    public String type() {
      return "aws";
    }

    @Override
    public PtrRecord read(InetAddress ip) {
      inCall = true;
      entered.countDown();
      try {
        block.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inCall = false;
      return PtrRecord.applied("mx.example.com");
    }

    @Override
    public PtrRecord set(InetAddress ip, String hostname) {
      return PtrRecord.applied(hostname);
    }

    @Override
    public PtrRecord reset(InetAddress ip) {
      return PtrRecord.none();
    }

    @Override
    public void probe() {}

    @Override
    public synchronized void close() {
      closed++;
      closedDuringCall |= inCall;
    }
  }
}
