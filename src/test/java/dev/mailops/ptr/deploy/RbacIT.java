package dev.mailops.ptr.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailops.ptr.operator.OperatorSettings;
import dev.mailops.ptr.testing.ClosedAfterAll;
import dev.mailops.ptr.testing.KubeApi;
import dev.mailops.ptr.testing.PowerDnsServer;
import dev.mailops.ptr.testing.RunningOperator;
import dev.mailops.ptr.testing.SendingIps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RBAC of deploy/ (equal to the chart's, see DeployManifestsIT), applied for real to a private API server with
 * RBAC authorization on, is enough for the real operator and no more than it needs.
 */
class RbacIT {
  @RegisterExtension static final ClosedAfterAll closed = new ClosedAfterAll();
  static final String SERVICE_ACCOUNT = "system:serviceaccount:ptr-system:ptr-operator";
  static final String OPERATOR_NS = Manifests.NAMESPACE;
  static final String PTR = "ptr.mailops.dev";

  private static KubeApi api;
  private static KubernetesClient asOperator;
  private static String mailNs;

  @BeforeAll
  static void applyRbac() throws Exception {
    // A private server: the operator below watches all namespaces, as it does by default in a cluster.
    api = closed.add(KubeApi.start());
    List<HasMetadata> rbac = Manifests.parse(api.client(), Manifests.kustomizeYaml()).stream()
        .filter(o -> o instanceof Namespace || o instanceof ServiceAccount || o instanceof ClusterRole
            || o instanceof ClusterRoleBinding || o instanceof Role || o instanceof RoleBinding)
        .toList();
    assertThat(rbac).hasSize(6);
    Manifests.Result applied = Manifests.kubectl(api, "apply", "-f", Manifests.write(rbac).toString());
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    mailNs = api.newNamespace("mail");
    api.newNamespace("other");
    asOperator = closed.add(new KubernetesClientBuilder().withConfig(operatorConfig()).build());
  }

  /** The admin's client config, impersonating the operator's ServiceAccount as a pod's token would authenticate. */
  static Config operatorConfig() {
    Config config = Config.fromKubeconfig(api.kubeconfigYaml());
    config.setImpersonateUsername(SERVICE_ACCOUNT);
    config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + OPERATOR_NS,
        "system:authenticated");
    return config;
  }

  static Stream<Arguments> needed() {
    return Stream.of(
        // SendingIps everywhere: informer, finalizer, status
        access("list", PTR, "sendingips", "", ""),
        access("watch", PTR, "sendingips", "", ""),
        access("get", PTR, "sendingips", "", "mail"),
        access("patch", PTR, "sendingips", "", "mail"),
        access("update", PTR, "sendingips", "", "mail"),
        access("patch", PTR, "sendingips", "status", "mail"),
        access("update", PTR, "sendingips", "status", "mail"),
        access("update", PTR, "sendingips", "finalizers", "mail"),
        // ReverseDnsProviders (cluster-scoped)
        access("list", PTR, "reversednsproviders", "", ""),
        access("watch", PTR, "reversednsproviders", "", ""),
        access("patch", PTR, "reversednsproviders", "status", ""),
        access("update", PTR, "reversednsproviders", "finalizers", ""),
        // Events, both APIs
        access("create", "", "events", "", "mail"),
        access("patch", "", "events", "", "mail"),
        access("create", "events.k8s.io", "events", "", "mail"),
        // namespaceSelector
        access("list", "", "namespaces", "", ""),
        access("watch", "", "namespaces", "", ""),
        // own namespace: credentials and the leader Lease
        access("get", "", "secrets", "", OPERATOR_NS),
        access("list", "", "secrets", "", OPERATOR_NS),
        access("watch", "", "secrets", "", OPERATOR_NS),
        access("get", "coordination.k8s.io", "leases", "", OPERATOR_NS),
        access("create", "coordination.k8s.io", "leases", "", OPERATOR_NS),
        access("update", "coordination.k8s.io", "leases", "", OPERATOR_NS));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        access("get", "", "secrets", "", "mail"),
        access("get", "", "secrets", "", "default"),
        access("list", "", "secrets", "", ""),
        access("create", "", "secrets", "", OPERATOR_NS),
        access("update", "", "secrets", "", OPERATOR_NS),
        access("patch", "", "secrets", "", OPERATOR_NS),
        access("delete", "", "secrets", "", OPERATOR_NS),
        access("delete", PTR, "sendingips", "", "mail"),
        access("create", PTR, "sendingips", "", "mail"),
        access("update", PTR, "reversednsproviders", "", ""),
        access("delete", PTR, "reversednsproviders", "", ""),
        access("create", "", "pods", "", OPERATOR_NS),
        access("create", "", "pods", "", "mail"),
        access("create", "coordination.k8s.io", "leases", "", "mail"),
        access("delete", "", "namespaces", "", ""),
        access("get", "apiextensions.k8s.io", "customresourcedefinitions", "", ""),
        access("create", "rbac.authorization.k8s.io", "rolebindings", "", OPERATOR_NS));
  }

  private static Arguments access(String verb, String group, String resource, String subresource, String namespace) {
    return Arguments.of(verb, group, resource, subresource, namespace);
  }

  @ParameterizedTest(name = "can {0} {2}/{3} in \"{4}\" ({1})")
  @MethodSource("needed")
  void theServiceAccountCanDoWhatTheOperatorNeeds(String verb, String group, String resource, String subresource,
      String namespace) {
    assertThat(allowed(verb, group, resource, subresource, namespace)).isTrue();
  }

  @ParameterizedTest(name = "cannot {0} {2}/{3} in \"{4}\" ({1})")
  @MethodSource("refused")
  void theServiceAccountCannotDoMore(String verb, String group, String resource, String subresource,
      String namespace) {
    assertThat(allowed(verb, group, resource, subresource, namespace)).isFalse();
  }

  @Test
  void kubectlAuthCanIAgrees() {
    Manifests.Result yes = Manifests.kubectl(api, "auth", "can-i", "get", "secrets", "-n", OPERATOR_NS,
        "--as=" + SERVICE_ACCOUNT);
    assertThat(yes.stdout().strip()).isEqualTo("yes");
    Manifests.Result no = Manifests.kubectl(api, "auth", "can-i", "get", "secrets", "-n", mailNs,
        "--as=" + SERVICE_ACCOUNT);
    assertThat(no.stdout().strip()).isEqualTo("no");
  }

  @Test
  void theRealOperatorRunningAsTheServiceAccountMakesACompliantIpReady() {
    try (PowerDnsServer dns = PowerDnsServer.start()) {
      dns.createZone("example.com");
      dns.ptr("192.0.2.10", "mail.example.com");
      dns.a("mail.example.com", "192.0.2.10");
      OperatorSettings defaults = RunningOperator.testSettings(dns.dnsAddress(), Set.of());
      // All namespaces and leader election on, as deployed by default (closing the operator releases the Lease
      // without ending the JVM).
      OperatorSettings settings = new OperatorSettings(defaults.dns(), defaults.defaultRecheckInterval(), Set.of(),
          0, defaults.reconcileThreads(), defaults.duplicateRecheck(), defaults.statusHeartbeat(), false, OPERATOR_NS,
          "rbac-it").withLeaderElection(OPERATOR_NS, "rbac-it", OperatorSettings.DEFAULT_LEASE_DURATION, true);
      try (RunningOperator operator = RunningOperator.start(operatorConfig(), settings)) {
        assertThat(operator.client().getConfiguration().getImpersonateUsername()).isEqualTo(SERVICE_ACCOUNT);
        SendingIps.create(api.client(), mailNs, "mx1", "192.0.2.10", "mail.example.com", "example.com");

        await().atMost(Duration.ofSeconds(90)).until(() -> ready("mx1") != null);
        Condition ready = ready("mx1");
        assertThat(ready.getStatus()).as(ready.getMessage()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("Compliant");
        // the Ready transition's Event was written with the ServiceAccount's rights (a refused one is only logged)
        await().atMost(Duration.ofSeconds(30)).until(() -> api.client().v1().events().inNamespace(mailNs).list()
            .getItems().stream().anyMatch(e -> "mx1".equals(e.getInvolvedObject().getName())));
      }
    }
  }

  @Test
  void theServiceAccountCanTakeAndReleaseTheLeaderLease() throws Exception {
    CountDownLatch leading = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    LeaderElector elector = asOperator.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("rbac-it")
        .withLock(new LeaseLock(OPERATOR_NS, OperatorSettings.LEASE_NAME, "rbac-it"))
        .withLeaseDuration(Duration.ofSeconds(15))
        .withRenewDeadline(Duration.ofSeconds(10))
        .withRetryPeriod(Duration.ofSeconds(1))
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(leading::countDown, stopped::countDown, leader -> { }))
        .build()).build();
    CompletableFuture<?> election = elector.start();
    try {
      assertThat(leading.await(60, TimeUnit.SECONDS)).as("became leader").isTrue();
      Lease lease = api.client().resources(Lease.class).inNamespace(OPERATOR_NS)
          .withName(OperatorSettings.LEASE_NAME).get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("rbac-it");
    } finally {
      election.cancel(true);
    }
    assertThat(stopped.await(30, TimeUnit.SECONDS)).as("stopped leading").isTrue();
    // released on cancel (fabric8 shortens the lease to 1s): an update made with the ServiceAccount's rights
    await().atMost(Duration.ofSeconds(30)).until(() -> api.client().resources(Lease.class).inNamespace(OPERATOR_NS)
        .withName(OperatorSettings.LEASE_NAME).get().getSpec().getLeaseDurationSeconds() == 1);
  }

  private static Condition ready(String name) {
    return SendingIps.condition(api.client(), mailNs, name, "Ready").orElse(null);
  }

  private static boolean allowed(String verb, String group, String resource, String subresource, String namespace) {
    String ns = "mail".equals(namespace) ? mailNs : namespace;
    SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
        .withVerb(verb).withGroup(group).withResource(resource).withSubresource(subresource).withNamespace(ns)
        .endResourceAttributes().endSpec().build();
    SelfSubjectAccessReview answer = asOperator.authorization().v1().selfSubjectAccessReview().create(review);
    // the review really was evaluated for the ServiceAccount, not for the admin behind the impersonation
    assertThat(answer.getStatus()).isNotNull();
    return Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
