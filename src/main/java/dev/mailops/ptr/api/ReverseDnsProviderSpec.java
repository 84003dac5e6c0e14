package dev.mailops.ptr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Optional;

@ValidationRule(value = "[has(self.aws), has(self.gcp), has(self.rfc2136), has(self.azure), has(self.digitalocean), "
    + "has(self.hetzner), has(self.linode), has(self.vultr), has(self.scaleway), has(self.ovh)].filter(x, x).size() == 1",
    message = "exactly one of aws, gcp, rfc2136, azure, digitalocean, hetzner, linode, vultr, scaleway or ovh must be set")
public class ReverseDnsProviderSpec {

  @Required
  @Size(min = 1, max = 256)
  @ValidationRule(value = "self.all(c, isCIDR(c) && cidr(c) == cidr(c).masked())",
      message = "each entry must be a CIDR such as 203.0.113.0/24 or 2001:db8::/48, with no host bits set")
  @JsonPropertyDescription("The IPs this provider may change; a SendingIp outside them is refused without an API call.")
  private List<@Size(max = 50) String> allowedCidrs;

  @JsonPropertyDescription("Namespaces whose SendingIps may use this provider; empty selects all.")
  private LabelSelector namespaceSelector;

  private AwsProvider aws;
  private GcpProvider gcp;
  private Rfc2136Provider rfc2136;
  private AzureProvider azure;
  private DigitalOceanProvider digitalocean;
  private HosterProvider hetzner;
  private HosterProvider linode;
  private HosterProvider vultr;
  private ScalewayProvider scaleway;
  private OvhProvider ovh;

  public List<String> getAllowedCidrs() { return allowedCidrs; }
  public void setAllowedCidrs(List<String> allowedCidrs) { this.allowedCidrs = allowedCidrs; }
  public LabelSelector getNamespaceSelector() { return namespaceSelector; }
  public void setNamespaceSelector(LabelSelector namespaceSelector) { this.namespaceSelector = namespaceSelector; }
  public AwsProvider getAws() { return aws; }
  public void setAws(AwsProvider aws) { this.aws = aws; }
  public GcpProvider getGcp() { return gcp; }
  public void setGcp(GcpProvider gcp) { this.gcp = gcp; }
  public Rfc2136Provider getRfc2136() { return rfc2136; }
  public void setRfc2136(Rfc2136Provider rfc2136) { this.rfc2136 = rfc2136; }
  public AzureProvider getAzure() { return azure; }
  public void setAzure(AzureProvider azure) { this.azure = azure; }
  public DigitalOceanProvider getDigitalocean() { return digitalocean; }
  public void setDigitalocean(DigitalOceanProvider digitalocean) { this.digitalocean = digitalocean; }
  public HosterProvider getHetzner() { return hetzner; }
  public void setHetzner(HosterProvider hetzner) { this.hetzner = hetzner; }
  public HosterProvider getLinode() { return linode; }
  public void setLinode(HosterProvider linode) { this.linode = linode; }
  public HosterProvider getVultr() { return vultr; }
  public void setVultr(HosterProvider vultr) { this.vultr = vultr; }
  public ScalewayProvider getScaleway() { return scaleway; }
  public void setScaleway(ScalewayProvider scaleway) { this.scaleway = scaleway; }
  public OvhProvider getOvh() { return ovh; }
  public void setOvh(OvhProvider ovh) { this.ovh = ovh; }

  /** The hoster block that is set (hetzner, linode, vultr, scaleway, ovh), if one is. */
  private Optional<HosterProvider> hoster() {
    return java.util.stream.Stream.of(hetzner, linode, vultr, scaleway, ovh).filter(java.util.Objects::nonNull)
        .findFirst();
  }

  /** The provider type, named after the one block that is set: aws, gcp, rfc2136, azure, digitalocean, hetzner, ...; "unknown" when none is. */
  public String type() {
    if (aws != null) {
      return "aws";
    }
    if (gcp != null) {
      return "gcp";
    }
    if (rfc2136 != null) {
      return "rfc2136";
    }
    if (azure != null) {
      return "azure";
    }
    if (digitalocean != null) {
      return "digitalocean";
    }
    return hetzner != null ? "hetzner" : linode != null ? "linode" : vultr != null ? "vultr"
        : scaleway != null ? "scaleway" : ovh != null ? "ovh" : "unknown";
  }

  /** The Secret holding this provider's credentials, when it names one. */
  public Optional<SecretRef> credentialsSecret() {
    if (aws != null) {
      return Optional.ofNullable(aws.getCredentialsSecretRef());
    }
    if (gcp != null) {
      return Optional.ofNullable(gcp.getCredentialsSecretRef());
    }
    if (rfc2136 != null) {
      return Optional.ofNullable(rfc2136.getTsigSecretRef());
    }
    if (azure != null) {
      return Optional.ofNullable(azure.getCredentialsSecretRef());
    }
    if (digitalocean != null) {
      return Optional.ofNullable(digitalocean.getTokenSecretRef());
    }
    return hoster().map(HosterProvider::getCredentialsSecretRef);
  }

  /** AWS Elastic IPs through EC2 (ModifyAddressAttribute). */
  public static class AwsProvider {
    @Required
    @Size(min = 1, max = 32)
    @io.fabric8.generator.annotation.Pattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")
    private String region;
    @JsonPropertyDescription("Secret with keys accessKeyId and secretAccessKey (sessionToken optional); "
        + "absent: the SDK's default chain (IRSA on EKS).")
    private SecretRef credentialsSecretRef;
    @Size(max = 2048)
    @io.fabric8.generator.annotation.Pattern("^(https?://.+)?$")
    @ValidationRule(value = "self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'])",
        message = "must be an http or https URL such as https://ec2.us-east-1.amazonaws.com")
    @JsonPropertyDescription("Overrides the EC2 endpoint (tests, private endpoints).")
    private String endpoint;

    public String getRegion() { return region; }
    public void setRegion(String region) { this.region = region; }
    public SecretRef getCredentialsSecretRef() { return credentialsSecretRef; }
    public void setCredentialsSecretRef(SecretRef credentialsSecretRef) { this.credentialsSecretRef = credentialsSecretRef; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
  }

  /** Google Compute Engine external IPs (instances.updateAccessConfig with setPublicPtr). */
  public static class GcpProvider {
    @Required
    @Size(min = 6, max = 30)
    @io.fabric8.generator.annotation.Pattern("^[a-z][-a-z0-9]{4,28}[a-z0-9]$")
    private String project;
    @JsonPropertyDescription("Secret with key credentials.json (a service account key); absent: Workload Identity.")
    private SecretRef credentialsSecretRef;
    @Size(max = 2048)
    @io.fabric8.generator.annotation.Pattern("^(https?://.+)?$")
    @ValidationRule(value = "self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'])",
        message = "must be an http or https URL such as https://ec2.us-east-1.amazonaws.com")
    private String endpoint;

    public String getProject() { return project; }
    public void setProject(String project) { this.project = project; }
    public SecretRef getCredentialsSecretRef() { return credentialsSecretRef; }
    public void setCredentialsSecretRef(SecretRef credentialsSecretRef) { this.credentialsSecretRef = credentialsSecretRef; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
  }

  /** Azure public IP addresses (Microsoft.Network/publicIPAddresses, dnsSettings.reverseFqdn) over the ARM REST API. */
  public static class AzureProvider {
    @Required
    @io.fabric8.generator.annotation.Pattern("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
    @JsonPropertyDescription("The subscription that holds the public IP addresses.")
    private String subscriptionId;
    @Size(max = 50)
    @JsonPropertyDescription("Resource groups to look in; empty: the whole subscription.")
    private List<@Size(min = 1, max = 90) @io.fabric8.generator.annotation.Pattern("^[-a-zA-Z0-9_.()]*[-a-zA-Z0-9_()]$") String>
        resourceGroups;
    @JsonPropertyDescription("Secret with keys tenantId, clientId and clientSecret (a service principal); "
        + "absent: Azure Workload Identity (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE).")
    private SecretRef credentialsSecretRef;
    @Size(max = 2048)
    @io.fabric8.generator.annotation.Pattern("^(https?://.+)?$")
    @ValidationRule(value = "self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'])",
        message = "must be an http or https URL such as https://management.azure.com")
    @JsonPropertyDescription("Overrides the Resource Manager endpoint (sovereign clouds, tests).")
    private String endpoint;
    @Size(max = 2048)
    @io.fabric8.generator.annotation.Pattern("^(https?://.+)?$")
    @ValidationRule(value = "self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'])",
        message = "must be an http or https URL such as https://login.microsoftonline.com")
    @JsonPropertyDescription("Overrides the Microsoft Entra ID endpoint that issues tokens (sovereign clouds, tests).")
    private String authorityHost;

    public String getSubscriptionId() { return subscriptionId; }
    public void setSubscriptionId(String subscriptionId) { this.subscriptionId = subscriptionId; }
    public List<String> getResourceGroups() { return resourceGroups; }
    public void setResourceGroups(List<String> resourceGroups) { this.resourceGroups = resourceGroups; }
    public SecretRef getCredentialsSecretRef() { return credentialsSecretRef; }
    public void setCredentialsSecretRef(SecretRef credentialsSecretRef) { this.credentialsSecretRef = credentialsSecretRef; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    public String getAuthorityHost() { return authorityHost; }
    public void setAuthorityHost(String authorityHost) { this.authorityHost = authorityHost; }
  }

  /** DigitalOcean Droplets: the PTR of a Droplet's public IPs is its name, set by a rename action. */
  public static class DigitalOceanProvider {
    @Required
    @JsonPropertyDescription("Secret with key token: a DigitalOcean API token with droplet read and update scopes.")
    private SecretRef tokenSecretRef;
    @Size(max = 2048)
    @io.fabric8.generator.annotation.Pattern("^(https?://.+)?$")
    @ValidationRule(value = "self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'])",
        message = "must be an http or https URL such as https://api.digitalocean.com")
    @JsonPropertyDescription("Overrides the API endpoint (tests).")
    private String endpoint;

    public SecretRef getTokenSecretRef() { return tokenSecretRef; }
    public void setTokenSecretRef(SecretRef tokenSecretRef) { this.tokenSecretRef = tokenSecretRef; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
  }

  /** A reverse zone the organisation runs itself, changed by TSIG-signed RFC 2136 dynamic updates. */
  public static class Rfc2136Provider {
    @Required
    @Size(min = 1, max = 260)
    @io.fabric8.generator.annotation.Pattern("^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")
    @ValidationRule(value = "!self.matches(r':[0-9]{1,5}$') || "
        + "(int(self.substring(self.lastIndexOf(':') + 1)) >= 1 && int(self.substring(self.lastIndexOf(':') + 1)) <= 65535)",
        message = "the port must be between 1 and 65535")
    @JsonPropertyDescription("The primary server, host or host:port ([v6]:port for IPv6).")
    private String server;
    @Size(max = 254)
    @io.fabric8.generator.annotation.Pattern(
        "^([A-Za-z0-9]([-A-Za-z0-9/]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\\.?$")
    @JsonPropertyDescription("The reverse zone; absent: found by SOA lookup.")
    private String zone;
    @io.fabric8.generator.annotation.Min(0)
    @io.fabric8.generator.annotation.Max(604800)
    private Integer ttl;
    @Required
    private SecretRef tsigSecretRef;
    @Required
    @Size(min = 1, max = 253)
    @io.fabric8.generator.annotation.Pattern(
        "^[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?)*\\.?$")
    private String tsigKeyName;
    @io.fabric8.generator.annotation.Default("hmac-sha256")
    @io.fabric8.generator.annotation.Pattern("^hmac-(sha1|sha224|sha256|sha384|sha512)$")
    private String tsigAlgorithm;

    public String getServer() { return server; }
    public void setServer(String server) { this.server = server; }
    public String getZone() { return zone; }
    public void setZone(String zone) { this.zone = zone; }
    public Integer getTtl() { return ttl; }
    public void setTtl(Integer ttl) { this.ttl = ttl; }
    public SecretRef getTsigSecretRef() { return tsigSecretRef; }
    public void setTsigSecretRef(SecretRef tsigSecretRef) { this.tsigSecretRef = tsigSecretRef; }
    public String getTsigKeyName() { return tsigKeyName; }
    public void setTsigKeyName(String tsigKeyName) { this.tsigKeyName = tsigKeyName; }
    public String getTsigAlgorithm() { return tsigAlgorithm; }
    public void setTsigAlgorithm(String tsigAlgorithm) { this.tsigAlgorithm = tsigAlgorithm; }
  }

  /** A hoster's API with a token from a Secret (hetzner, linode, vultr: key token). */
  public static class HosterProvider {
    @Required
    @JsonPropertyDescription("Secret with the API credentials: key token (hetzner, linode, vultr), secretKey "
        + "(scaleway), applicationKey, applicationSecret and consumerKey (ovh).")
    private SecretRef credentialsSecretRef;
    @Size(max = 2048)
    @io.fabric8.generator.annotation.Pattern("^(https?://.+)?$")
    @ValidationRule(value = "self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'])",
        message = "must be an http or https URL such as https://api.hetzner.cloud/v1")
    @JsonPropertyDescription("Overrides the API root (tests only); absent: the provider's public API.")
    private String endpoint;

    public SecretRef getCredentialsSecretRef() { return credentialsSecretRef; }
    public void setCredentialsSecretRef(SecretRef credentialsSecretRef) { this.credentialsSecretRef = credentialsSecretRef; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
  }

  /** Scaleway Instance flexible IPs of one zone. */
  public static class ScalewayProvider extends HosterProvider {
    @Required
    @io.fabric8.generator.annotation.Pattern("^[a-z]{2}-[a-z]{3}-[0-9]$")
    @JsonPropertyDescription("The zone holding the flexible IPs, e.g. fr-par-1.")
    private String zone;

    public String getZone() { return zone; }
    public void setZone(String zone) { this.zone = zone; }
  }

  /** OVHcloud IP blocks, through one of its API regions. */
  public static class OvhProvider extends HosterProvider {
    @io.fabric8.generator.annotation.Default("ovh-eu")
    @io.fabric8.generator.annotation.Pattern("^ovh-(eu|ca|us)$")
    @JsonPropertyDescription("The API region: ovh-eu (default), ovh-ca or ovh-us.")
    private String region;

    public String getRegion() { return region; }
    public void setRegion(String region) { this.region = region; }
  }

  /** A Secret the operator may read: only in its own namespace (it has no RBAC elsewhere). */
  public static class SecretRef {
    @Required
    @Size(min = 1, max = 63)
    @io.fabric8.generator.annotation.Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private String namespace;
    @Required
    @Size(min = 1, max = 253)
    @io.fabric8.generator.annotation.Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    private String name;
    @Size(max = 253)
    @io.fabric8.generator.annotation.Pattern("^[-._a-zA-Z0-9]+$")
    @JsonPropertyDescription("The key in the Secret (RFC 2136 only; default secret).")
    private String key;

    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
  }
}
