package dev.mailops.ptr.deploy;

import static dev.mailops.ptr.deploy.Manifests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailops.ptr.testing.KubeApi;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kustomize base (deploy/) and the Helm chart (helm/ptr-operator) are valid for a real kube-apiserver, pass Pod
 * Security "restricted", and say the same thing wherever it matters, so neither can drift from the other.
 */
class DeployManifestsIT {
  private static KubeApi api;
  private static KubernetesClient client;
  private static List<HasMetadata> kustomize;
  private static List<HasMetadata> helm;

  @BeforeAll
  static void render() {
    api = KubeApi.shared();
    client = api.client();
    kustomize = Manifests.parse(client, Manifests.kustomizeYaml());
    helm = Manifests.parse(client, Manifests.helmYaml());
    // Server-side dry-run cannot put namespaced objects into a namespace that is itself only dry-run created.
    Namespace namespace = Manifests.only(kustomize, Namespace.class);
    client.namespaces().resource(namespace).serverSideApply();
  }

  @Test
  void helmLintStrictPasses() {
    Manifests.Result lint = Manifests.helm("lint", "--strict", Manifests.CHART_DIR.toString());
    assertThat(lint.exitCode()).as(lint.stdout() + lint.stderr()).isZero();
    Manifests.Result withExtras = Manifests.helm("lint", "--strict", Manifests.CHART_DIR.toString(),
        "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.prometheusRule.enabled=true",
        "--set", "watchNamespaces={mail,mail-staging}", "--set", "dnsServers={10.0.0.53:53}",
        "--set", "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/ptr");
    assertThat(withExtras.exitCode()).as(withExtras.stdout() + withExtras.stderr()).isZero();
  }

  @Test
  void helmInstallDryRunAgainstTheServerPrintsNotesSayingWhatToDoNext() {
    Manifests.Result install = Manifests.helm("install", Manifests.RELEASE, Manifests.CHART_DIR.toString(),
        "--namespace", NAMESPACE, "--dry-run=server", "--kubeconfig", api.kubeconfig().toString());
    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(install.stdout()).contains("NOTES:",
        "kubectl -n ptr-system rollout status deployment/ptr-operator",
        "kubectl wait sendingip/mx1 -n mail --for=condition=Ready",
        "eks\\.amazonaws\\.com/role-arn");
  }

  @Test
  void valuesSchemaRefusesWrongTypesAndUnknownKeys() {
    for (String bad : List.of("replicas=two", "recheckInterval=hourly", "image.pullPolicy=Sometimes", "replica=2")) {
      Manifests.Result result = Manifests.helm("template", Manifests.RELEASE, Manifests.CHART_DIR.toString(),
          "--set", bad);
      assertThat(result.exitCode()).as("--set %s must be refused", bad).isNotZero();
      assertThat(result.stderr()).as("--set %s", bad).contains("values don't meet the specifications of the schema");
    }
  }

  // Server-side apply: a client-side apply warns about the CRDs and namespace the fixtures created without
  // last-applied annotations; --force-conflicts because the test fixture's field manager owns the CRDs here.
  // Nothing is persisted (dry run), but admission (schema, PodSecurity warnings for the Deployment) runs for real.
  @Test
  void kustomizeOutputIsAcceptedByTheApiServer() throws Exception {
    Manifests.Result applied = Manifests.kubectl(api, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f",
        Manifests.write(Manifests.kustomizeYaml()).toString());
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdout()).contains("deployment.apps/ptr-operator serverside-applied (server dry run)",
        "clusterrole.rbac.authorization.k8s.io/ptr-operator serverside-applied (server dry run)");
    assertThat(applied.stderr()).doesNotContain("PodSecurity").doesNotContain("Warning");
  }

  @Test
  void helmOutputIsAcceptedByTheApiServer() throws Exception {
    Manifests.Result applied = Manifests.kubectl(api, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f",
        Manifests.write(Manifests.helmYaml()).toString());
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdout()).contains("deployment.apps/ptr-operator serverside-applied (server dry run)");
    assertThat(applied.stderr()).doesNotContain("PodSecurity").doesNotContain("Warning");
  }

  @Test
  void theNamespaceEnforcesRestrictedAndTheOperatorPodPassesIt() {
    Namespace namespace = Manifests.only(kustomize, Namespace.class);
    assertThat(namespace.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    for (List<HasMetadata> rendering : List.of(kustomize, helm)) {
      Deployment deployment = Manifests.only(rendering, Deployment.class);
      Pod pod = new PodBuilder().withNewMetadata().withGenerateName("ptr-operator-psa-").withNamespace(NAMESPACE)
          .endMetadata().withSpec(deployment.getSpec().getTemplate().getSpec()).build();
      // Enforced at Pod admission: a violation is an error, not a warning.
      client.pods().inNamespace(NAMESPACE).resource(pod).dryRun().create();
    }
    // and the label has teeth: the same pod, allowed to escalate, is refused
    Deployment deployment = Manifests.only(kustomize, Deployment.class);
    Pod escalating = new PodBuilder().withNewMetadata().withGenerateName("ptr-operator-psa-").withNamespace(NAMESPACE)
        .endMetadata().withSpec(deployment.getSpec().getTemplate().getSpec()).editSpec().editFirstContainer()
        .editSecurityContext().withAllowPrivilegeEscalation(true).endSecurityContext().endContainer().endSpec().build();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
        () -> client.pods().inNamespace(NAMESPACE).resource(escalating).dryRun().create()))
        .hasMessageContaining("violates PodSecurity \"restricted");
  }

  @Test
  void examplesAreAcceptedByTheApiServer() throws Exception {
    if (client.namespaces().withName("mail").get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("mail").endMetadata().build())
          .create();
    }
    try (Stream<Path> files = Files.list(Path.of("deploy/examples"))) {
      for (Path file : files.sorted().toList()) {
        Manifests.Result applied = Manifests.kubectl(api, "apply", "--dry-run=server", "-f", file.toString());
        assertThat(applied.exitCode()).as("%s: %s", file, applied.stderr()).isZero();
        assertThat(applied.stdout()).as(file.toString()).contains("created (server dry run)");
      }
    }
  }

  @Test
  void bothRenderingsHaveTheSameObjectsApartFromTheNamespace() {
    assertThat(kinds(helm)).isEqualTo(kinds(kustomize).stream().filter(k -> !k.equals("Namespace"))
        .collect(Collectors.toCollection(TreeSet::new)));
    assertThat(helm).allSatisfy(o -> {
      if (!(o instanceof ClusterRole || o instanceof ClusterRoleBinding || o instanceof CustomResourceDefinition)) {
        assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo(NAMESPACE);
      }
    });
    for (List<HasMetadata> rendering : List.of(kustomize, helm)) {
      assertThat(Manifests.only(rendering, ServiceAccount.class).getMetadata().getName()).isEqualTo("ptr-operator");
    }
  }

  @Test
  void rbacRulesAndBindingsAreTheSame() {
    assertThat(Manifests.only(helm, ClusterRole.class).getRules())
        .isEqualTo(Manifests.only(kustomize, ClusterRole.class).getRules());
    assertThat(Manifests.only(helm, Role.class).getRules())
        .isEqualTo(Manifests.only(kustomize, Role.class).getRules());
    assertThat(Manifests.only(helm, ClusterRoleBinding.class).getSubjects())
        .isEqualTo(Manifests.only(kustomize, ClusterRoleBinding.class).getSubjects());
    assertThat(Manifests.only(helm, RoleBinding.class).getSubjects())
        .isEqualTo(Manifests.only(kustomize, RoleBinding.class).getSubjects());
    assertThat(Manifests.only(helm, ClusterRoleBinding.class).getRoleRef())
        .isEqualTo(Manifests.only(kustomize, ClusterRoleBinding.class).getRoleRef());
  }

  @Test
  void deploymentsAgreeOnSecurityProbesEnvReplicasAndResources() {
    Deployment fromKustomize = Manifests.only(kustomize, Deployment.class);
    Deployment fromHelm = Manifests.only(helm, Deployment.class);
    assertThat(fromHelm.getSpec().getReplicas()).isEqualTo(fromKustomize.getSpec().getReplicas()).isEqualTo(2);
    var podK = fromKustomize.getSpec().getTemplate().getSpec();
    var podH = fromHelm.getSpec().getTemplate().getSpec();
    assertThat(podH.getSecurityContext()).isEqualTo(podK.getSecurityContext());
    assertThat(podH.getServiceAccountName()).isEqualTo(podK.getServiceAccountName());
    assertThat(podH.getVolumes()).isEqualTo(podK.getVolumes());
    Container k = podK.getContainers().get(0);
    Container h = podH.getContainers().get(0);
    assertThat(h.getSecurityContext()).isEqualTo(k.getSecurityContext());
    assertThat(h.getLivenessProbe()).isEqualTo(k.getLivenessProbe());
    assertThat(h.getReadinessProbe()).isEqualTo(k.getReadinessProbe());
    assertThat(h.getStartupProbe()).isEqualTo(k.getStartupProbe());
    assertThat(h.getPorts()).isEqualTo(k.getPorts());
    assertThat(h.getResources()).isEqualTo(k.getResources());
    assertThat(h.getVolumeMounts()).isEqualTo(k.getVolumeMounts());
    assertThat(h.getArgs()).isEqualTo(k.getArgs());
    assertThat(h.getEnv()).isEqualTo(k.getEnv());
    assertThat(k.getEnv()).extracting(EnvVar::getName).containsExactly("PTR_LEADER_ELECTION", "PTR_HEALTH_PORT",
        "PTR_RECHECK_INTERVAL", "POD_NAME", "POD_NAMESPACE", "JAVA_TOOL_OPTIONS");
    assertThat(env(k, "PTR_LEADER_ELECTION")).isEqualTo("true");
    assertThat(k.getImage()).isEqualTo(h.getImage()).isEqualTo("ghcr.io/mailops/ptr-operator:0.1.0");
  }

  @Test
  void deploymentIsHardened() {
    for (List<HasMetadata> rendering : List.of(kustomize, helm)) {
      var pod = Manifests.only(rendering, Deployment.class).getSpec().getTemplate().getSpec();
      Container c = pod.getContainers().get(0);
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(c.getResources().getLimits()).containsKey("memory");
      assertThat(env(c, "JAVA_TOOL_OPTIONS")).contains("MaxRAMPercentage");
      assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("POD_NAMESPACE")).singleElement()
          .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
    }
  }

  @Test
  void metricsServiceSelectsTheOperatorPodsOnPortHttpMetrics() {
    for (List<HasMetadata> rendering : List.of(kustomize, helm)) {
      Service service = Manifests.only(rendering, Service.class);
      Deployment deployment = Manifests.only(rendering, Deployment.class);
      assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(service.getSpec().getSelector());
      assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
        assertThat(p.getName()).isEqualTo("http-metrics");
        assertThat(p.getPort()).isEqualTo(8081);
      });
    }
  }

  @Test
  void bothRenderingsCarryTheCommittedCrds() throws Exception {
    for (List<HasMetadata> rendering : List.of(kustomize, helm)) {
      List<CustomResourceDefinition> crds = Manifests.all(rendering, CustomResourceDefinition.class);
      assertThat(crds).hasSize(2);
      for (CustomResourceDefinition crd : crds) {
        CustomResourceDefinition committed = Serialization.unmarshal(
            Files.readString(Path.of("crds", crd.getMetadata().getName() + ".yaml")), CustomResourceDefinition.class);
        assertThat(crd.getSpec()).isEqualTo(committed.getSpec());
      }
    }
  }

  @Test
  void optionalServiceMonitorAndPrometheusRuleUseTheOperatorMetric() {
    assertThat(kinds(helm)).doesNotContain("ServiceMonitor", "PrometheusRule");
    List<HasMetadata> monitored = Manifests.parse(client, Manifests.helmYaml(
        "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.prometheusRule.enabled=true"));
    GenericKubernetesResource monitor = generic(monitored, "ServiceMonitor");
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
    assertThat(endpoint).containsEntry("port", "http-metrics").containsEntry("path", "/metrics")
        .containsEntry("honorLabels", true);
    Map<String, String> selected = monitor.get("spec", "selector", "matchLabels");
    assertThat(Manifests.only(monitored, Service.class).getMetadata().getLabels()).containsAllEntriesOf(selected);

    GenericKubernetesResource rule = generic(monitored, "PrometheusRule");
    Map<String, Object> alert = rule.get("spec", "groups", 0, "rules", 0);
    assertThat((String) alert.get("expr")).contains("ptr_sendingip_conditions{type=\"Stalled\",status=\"True\"}")
        .contains("by (namespace)");
    assertThat(alert).containsEntry("for", "15m");
    assertThat(rule.<String>get("spec", "groups", 0, "rules", 0, "annotations", "summary"))
        .contains("{{ $labels.namespace }}");
  }

  @Test
  void helmValuesReachTheContainer() {
    Deployment deployment = Manifests.only(Manifests.parse(client, Manifests.helmYaml(
        "--set", "watchNamespaces={mail,mail-staging}", "--set", "dnsServers={10.0.0.53,[2001:db8::53]:53}",
        "--set", "recheckInterval=15m", "--set", "replicas=3", "--set", "leaderElection=false",
        "--set", "image.tag=1.2.3", "--set", "nodeSelector.pool=system",
        "--set", "serviceAccount.annotations.iam\\.gke\\.io/gcp-service-account=ptr@p.iam.gserviceaccount.com")),
        Deployment.class);
    Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(env(c, "PTR_NAMESPACES")).isEqualTo("mail,mail-staging");
    assertThat(env(c, "PTR_DNS_SERVERS")).isEqualTo("10.0.0.53,[2001:db8::53]:53");
    assertThat(env(c, "PTR_RECHECK_INTERVAL")).isEqualTo("15m");
    assertThat(env(c, "PTR_LEADER_ELECTION")).isEqualTo("false");
    assertThat(c.getImage()).isEqualTo("ghcr.io/mailops/ptr-operator:1.2.3");
    assertThat(deployment.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("pool", "system");
  }

  @Test
  void theShardedStatefulSetIsTheChartsAndRunsTheDeploymentsPodWithAShard() {
    List<HasMetadata> sharded = Manifests.parse(client, Manifests.helmYaml("--set", "shards=3"));
    assertThat(Manifests.all(sharded, Deployment.class)).as("one workload per shard count").isEmpty();
    StatefulSet fromHelm = Manifests.only(sharded, StatefulSet.class);
    StatefulSet fromFile;
    try {
      fromFile = Manifests.only(Manifests.parse(client, Files.readString(Path.of("deploy/statefulset-sharded.yaml"))),
          StatefulSet.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // three shards of two replicas: pods k and k + 3 run shard k
    assertThat(fromHelm.getSpec().getReplicas()).isEqualTo(fromFile.getSpec().getReplicas()).isEqualTo(6);
    assertThat(fromHelm.getSpec().getPodManagementPolicy()).isEqualTo(fromFile.getSpec().getPodManagementPolicy())
        .isEqualTo("Parallel");
    assertThat(fromHelm.getSpec().getServiceName()).isEqualTo(fromFile.getSpec().getServiceName())
        .isEqualTo(Manifests.only(sharded, Service.class).getMetadata().getName());
    Container h = fromHelm.getSpec().getTemplate().getSpec().getContainers().get(0);
    Container f = fromFile.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(h.getEnv()).isEqualTo(f.getEnv());
    assertThat(env(f, "PTR_TOTAL_SHARDS")).isEqualTo("3");
    assertThat(f.getEnv()).filteredOn(e -> e.getName().equals("PTR_POD_INDEX")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
            .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']"));
    // apart from the two shard variables, the pod of the one-shard Deployment
    for (StatefulSet set : List.of(fromHelm, fromFile)) {
      var pod = set.getSpec().getTemplate().getSpec();
      pod.getContainers().get(0).getEnv().removeIf(e -> e.getName().equals("PTR_TOTAL_SHARDS")
          || e.getName().equals("PTR_POD_INDEX"));
      List<HasMetadata> rendering = set == fromHelm ? helm : kustomize;
      var single = Manifests.only(rendering, Deployment.class).getSpec().getTemplate();
      pod.getContainers().get(0).setImage(single.getSpec().getContainers().get(0).getImage());
      assertThat(set.getSpec().getTemplate()).as(set == fromHelm ? "chart" : "deploy/").isEqualTo(single);
    }
    client.apps().statefulSets().inNamespace(NAMESPACE).resource(fromFile).dryRun().create();
    client.apps().statefulSets().inNamespace(NAMESPACE).resource(fromHelm).dryRun().create();
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .map(EnvVar::getValue).orElse(null);
  }

  private static TreeSet<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).collect(Collectors.toCollection(TreeSet::new));
  }

  private static GenericKubernetesResource generic(List<HasMetadata> objects, String kind) {
    return (GenericKubernetesResource) Manifests.find(objects, o -> o.getKind().equals(kind)).orElseThrow();
  }
}
