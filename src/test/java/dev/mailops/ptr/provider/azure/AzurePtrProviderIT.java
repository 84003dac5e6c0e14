package dev.mailops.ptr.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.provider.Polls;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.PtrRecord;
import dev.mailops.ptr.testing.FakeArmServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Azure provider on its own against the local Resource Manager: workload identity's federated token as client
 * assertion, resource groups and nextLink pages, and a workload identity token file that is missing.
 */
class AzurePtrProviderIT {
  private static final String TENANT = UUID.randomUUID().toString();
  private static final String CLIENT = UUID.randomUUID().toString();
  private static final String SUBSCRIPTION = UUID.randomUUID().toString();

  @TempDir
  Path dir;
  private FakeArmServer arm;

  @BeforeEach
  void start() throws Exception {
    arm = new FakeArmServer(TENANT, CLIENT, "unused-" + UUID.randomUUID(), SUBSCRIPTION);
  }

  @AfterEach
  void stop() {
    arm.close();
  }

  @Test
  void workloadIdentitySendsTheProjectedTokenAsClientAssertionAndPagesThroughResourceGroups() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("azure-identity-token"), "eyJhbGciOiJSUzI1NiJ9.projected.sig\n");
    arm.acceptAssertion("eyJhbGciOiJSUzI1NiJ9.projected.sig");
    arm.pageSize(2);
    for (int i = 0; i < 5; i++) {
      arm.addPublicIp("rg-a", "pip-a" + i, "198.51.100." + (100 + i), "a" + i);
    }
    arm.addPublicIp("rg-b", "pip-b", "198.51.100.120", "b-label").with("properties").with("dnsSettings")
        .put("reverseFqdn", "mx.example.com.");
    AzureSettings settings = new AzureSettings(SUBSCRIPTION, List.of("rg-a", "rg-b"), arm.endpoint(), arm.endpoint(),
        new AzureSettings.WorkloadIdentity(TENANT, CLIENT, tokenFile));
    AzurePtrProvider provider = new AzurePtrProvider(settings, new Polls(Duration.ZERO, 3));

    provider.probe();
    assertThat(provider.read(InetAddress.getByName("198.51.100.120")))
        .isEqualTo(new PtrRecord(Optional.of("mx.example.com"), false));
    assertThat(arm.requests()).filteredOn(r -> r.call().equals("list"))
        .extracting(r -> r.path().contains("/resourceGroups/rg-b/") ? "b" : "a")
        .as("the probe's first page, then rg-a's three pages and rg-b's one").containsExactly("a", "a", "a", "a", "b");
    assertThat(arm.calls("token")).as("one token, reused").isEqualTo(1);
  }

  @Test
  void aMissingWorkloadIdentityTokenFileIsAnAuthenticationFailureThatSaysWhatToCheck() {
    AzureSettings settings = new AzureSettings(SUBSCRIPTION, List.of(), arm.endpoint(), arm.endpoint(),
        new AzureSettings.WorkloadIdentity(TENANT, CLIENT, dir.resolve("missing")));
    AzurePtrProvider provider = new AzurePtrProvider(settings, new Polls(Duration.ZERO, 3));
    assertThatThrownBy(provider::probe).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION);
      assertThat(e.getMessage()).contains("azure.workload.identity/use");
    });
    assertThat(arm.totalCalls()).isZero();
  }
}
