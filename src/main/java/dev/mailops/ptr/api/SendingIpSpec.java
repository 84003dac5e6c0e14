package dev.mailops.ptr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The desired reverse DNS of one sending IP. Validation here runs at admission in the API server. */
public class SendingIpSpec {

  @Required
  @Size(min = 1, max = 45)
  @ValidationRule(value = "isIP(self)",
      message = "must be an IPv4 address (dotted quad, no leading zeros) or an IPv6 address, without prefix length or zone")
  @JsonPropertyDescription("The sending IP, IPv4 or IPv6.")
  private String ip;

  @Size(max = 254)
  @ValidationRule(value = Validation.HOSTNAME_RULE, message = Validation.HOSTNAME_MESSAGE)
  @ValidationRule(value = Validation.HOSTNAME_LENGTH_RULE, message = Validation.HOSTNAME_LENGTH_MESSAGE)
  @JsonPropertyDescription("The hostname the PTR should name, a fully qualified domain name. Without it any single, "
      + "forward-confirmed, meaningful PTR is accepted.")
  private String hostname;

  @Size(max = 254)
  @ValidationRule(value = Validation.HOSTNAME_RULE, message = Validation.HOSTNAME_MESSAGE)
  @ValidationRule(value = Validation.HOSTNAME_LENGTH_RULE, message = Validation.HOSTNAME_LENGTH_MESSAGE)
  @JsonPropertyDescription("The sending domain the hostname should belong to (same registrable domain).")
  private String domain;

  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of a ReverseDnsProvider allowed to set this IP's PTR.")
  private String providerRef;

  @Default("Retain")
  @JsonPropertyDescription("Retain (default) leaves the PTR on delete; Reset resets it at the provider.")
  private DeletionPolicy deletionPolicy;

  @Size(max = 32)
  @Pattern(Validation.DURATION_PATTERN)
  @ValidationRule(value = "duration(self) >= duration('30s') && duration(self) <= duration('168h')",
      message = "must be a duration between 30s and 168h, such as 15m or 1h")
  @JsonPropertyDescription("How often DNS is checked again, for example 15m or 1h. Default from the operator.")
  private String recheckInterval;

  public String getIp() { return ip; }
  public void setIp(String ip) { this.ip = ip; }
  public String getHostname() { return hostname; }
  public void setHostname(String hostname) { this.hostname = hostname; }
  public String getDomain() { return domain; }
  public void setDomain(String domain) { this.domain = domain; }
  public String getProviderRef() { return providerRef; }
  public void setProviderRef(String providerRef) { this.providerRef = providerRef; }
  public DeletionPolicy getDeletionPolicy() { return deletionPolicy; }
  public void setDeletionPolicy(DeletionPolicy deletionPolicy) { this.deletionPolicy = deletionPolicy; }
  public String getRecheckInterval() { return recheckInterval; }
  public void setRecheckInterval(String recheckInterval) { this.recheckInterval = recheckInterval; }
}
