package dev.mailops.ptr.testing;

import dev.mailops.ptr.api.ReverseDnsProvider;
import dev.mailops.ptr.api.ReverseDnsProviderSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import io.fabric8.kubernetes.api.model.Condition;

/** Building ReverseDnsProviders for the cloud test servers in tests. */
public final class ReverseDnsProviders {
  public static final String AWS_SECRET_NAME = "aws-creds";

  private ReverseDnsProviders() {}

  /** AWS in us-east-1 at {@code endpoint}, credentials from Secret {@value #AWS_SECRET_NAME} in {@code secretNs}. */
  public static ReverseDnsProviderSpec aws(URI endpoint, String secretNs, List<String> allowedCidrs) {
    var spec = base(allowedCidrs);
    var aws = new ReverseDnsProviderSpec.AwsProvider();
    aws.setRegion("us-east-1");
    aws.setEndpoint(endpoint.toString());
    aws.setCredentialsSecretRef(secretRef(secretNs, AWS_SECRET_NAME));
    spec.setAws(aws);
    return spec;
  }

  /** GCP project {@code project} at {@code endpoint}, no credentials (the test server wants none). */
  public static ReverseDnsProviderSpec gcp(String project, URI endpoint, List<String> allowedCidrs) {
    var spec = base(allowedCidrs);
    var gcp = new ReverseDnsProviderSpec.GcpProvider();
    gcp.setProject(project);
    gcp.setEndpoint(endpoint.toString());
    spec.setGcp(gcp);
    return spec;
  }

  /** Azure subscription {@code subscriptionId}, Resource Manager and Entra ID both at {@code endpoint}. */
  public static ReverseDnsProviderSpec azure(String subscriptionId, URI endpoint, String secretNs, String secretName,
      List<String> allowedCidrs) {
    var spec = base(allowedCidrs);
    var azure = new ReverseDnsProviderSpec.AzureProvider();
    azure.setSubscriptionId(subscriptionId);
    azure.setEndpoint(endpoint.toString());
    azure.setAuthorityHost(endpoint.toString());
    azure.setCredentialsSecretRef(secretRef(secretNs, secretName));
    spec.setAzure(azure);
    return spec;
  }

  /** DigitalOcean at {@code endpoint}, token from Secret {@code secretName} in {@code secretNs}. */
  public static ReverseDnsProviderSpec digitalocean(URI endpoint, String secretNs, String secretName,
      List<String> allowedCidrs) {
    var spec = base(allowedCidrs);
    var digitalocean = new ReverseDnsProviderSpec.DigitalOceanProvider();
    digitalocean.setEndpoint(endpoint.toString());
    digitalocean.setTokenSecretRef(secretRef(secretNs, secretName));
    spec.setDigitalocean(digitalocean);
    return spec;
  }

  private static ReverseDnsProviderSpec.SecretRef secretRef(String namespace, String name) {
    var ref = new ReverseDnsProviderSpec.SecretRef();
    ref.setNamespace(namespace);
    ref.setName(name);
    return ref;
  }

  /** A spec with only its allowedCidrs set. */
  public static ReverseDnsProviderSpec base(List<String> allowedCidrs) {
    var spec = new ReverseDnsProviderSpec();
    spec.setAllowedCidrs(allowedCidrs);
    return spec;
  }

  /** A spec with one hoster block, put in place by {@code setter} (e.g. ReverseDnsProviderSpec::setLinode). */
  public static <T extends ReverseDnsProviderSpec.HosterProvider> ReverseDnsProviderSpec hosted(List<String> allowedCidrs,
      java.util.function.BiConsumer<ReverseDnsProviderSpec, T> setter, T block, URI endpoint, String secretNs,
      String secretName) {
    var spec = base(allowedCidrs);
    setter.accept(spec, hoster(block, endpoint, secretNs, secretName));
    return spec;
  }

  /** A hoster block at {@code endpoint} with credentials from Secret {@code secretName} in {@code secretNs}. */
  public static <T extends ReverseDnsProviderSpec.HosterProvider> T hoster(T block, URI endpoint, String secretNs,
      String secretName) {
    block.setEndpoint(endpoint.toString());
    block.setCredentialsSecretRef(secretRef(secretNs, secretName));
    return block;
  }

  /** RFC 2136 updates to the BIND fixture, signed with its key read from Secret {@code secretNs}/{@code secret}. */
  public static ReverseDnsProviderSpec rfc2136(BindServer bind, String secretNs, String secret,
      List<String> allowedCidrs) {
    return rfc2136(bind, "127.0.0.1:" + bind.dnsAddress().getPort(), null, null, secretNs, secret, allowedCidrs);
  }

  /**
   * RFC 2136 updates to {@code server} (host:port: the BIND fixture, e.g. the primary of {@link AuthoritativeServers},
   * or an address where none listens), signed with the fixture's key name and algorithm, the key's secret read from
   * the data key "secret" of Secret {@code secretNs}/{@code secret}. {@code zone} and {@code ttl} may be null (found
   * by SOA lookup; the provider's default).
   */
  public static ReverseDnsProviderSpec rfc2136(BindServer bind, String server, String zone, Integer ttl,
      String secretNs, String secret, List<String> allowedCidrs) {
    var update = new ReverseDnsProviderSpec.Rfc2136Provider();
    update.setServer(server);
    update.setZone(zone);
    update.setTtl(ttl);
    update.setTsigKeyName(bind.tsigKeyName());
    update.setTsigAlgorithm(bind.tsigAlgorithm());
    var ref = secretRef(secretNs, secret);
    ref.setKey("secret");
    update.setTsigSecretRef(ref);
    var spec = base(allowedCidrs);
    spec.setRfc2136(update);
    return spec;
  }

  /** The same spec, usable only by namespaces labelled team={@code team}. */
  public static ReverseDnsProviderSpec forTeam(ReverseDnsProviderSpec spec, String team) {
    spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("team", team).build());
    return spec;
  }

  public static ReverseDnsProvider create(KubernetesClient client, String name, ReverseDnsProviderSpec spec) {
    var resource = new ReverseDnsProvider();
    resource.getMetadata().setName(name);
    resource.setSpec(spec);
    return client.resources(ReverseDnsProvider.class).resource(resource).create();
  }

  /** Deletes the named ReverseDnsProvider when closed: it is cluster-scoped, so no test namespace takes it along. */
  public static AutoCloseable deleting(KubernetesClient client, String name) {
    return () -> client.resources(ReverseDnsProvider.class).withName(name).delete();
  }

  /** The ReverseDnsProvider's Ready condition, empty while there is none. */
  public static Optional<Condition> ready(KubernetesClient client, String name) {
    ReverseDnsProvider provider = client.resources(ReverseDnsProvider.class).withName(name).get();
    return provider == null || provider.getStatus() == null || provider.getStatus().getConditions() == null
        ? Optional.empty()
        : provider.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }
}
