package dev.mailops.ptr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the operator observed. Equality drives "write only when something changed". */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SendingIpStatus {
  private Long observedGeneration;
  /** RFC 8601 iprev result: pass, fail, temperror or permerror. */
  private String iprev;
  private List<String> ptrNames = new ArrayList<>();
  private List<String> forwardAddresses = new ArrayList<>();
  private String lastCheckTime;
  private ProviderState provider;
  /** Who controls the IP (owner discovery); absent when discovery is off or has not answered yet. */
  private OwnerStatus owner;
  /** What the authoritative servers answered at the last authoritative check; absent when it is off. */
  private AuthoritativeStatus authoritative;
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getIprev() { return iprev; }
  public void setIprev(String iprev) { this.iprev = iprev; }
  public List<String> getPtrNames() { return ptrNames; }
  public void setPtrNames(List<String> ptrNames) { this.ptrNames = ptrNames; }
  public List<String> getForwardAddresses() { return forwardAddresses; }
  public void setForwardAddresses(List<String> forwardAddresses) { this.forwardAddresses = forwardAddresses; }
  public String getLastCheckTime() { return lastCheckTime; }
  public void setLastCheckTime(String lastCheckTime) { this.lastCheckTime = lastCheckTime; }
  public ProviderState getProvider() { return provider; }
  public void setProvider(ProviderState provider) { this.provider = provider; }
  public OwnerStatus getOwner() { return owner; }
  public void setOwner(OwnerStatus owner) { this.owner = owner; }
  public AuthoritativeStatus getAuthoritative() { return authoritative; }
  public void setAuthoritative(AuthoritativeStatus authoritative) { this.authoritative = authoritative; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }

  /** A copy holding {@code conditions} instead of these, and the same values otherwise (shared, not copied). */
  public SendingIpStatus withConditions(List<Condition> conditions) {
    SendingIpStatus copy = new SendingIpStatus();
    copy.observedGeneration = observedGeneration;
    copy.iprev = iprev;
    copy.ptrNames = ptrNames;
    copy.forwardAddresses = forwardAddresses;
    copy.lastCheckTime = lastCheckTime;
    copy.provider = provider;
    copy.owner = owner;
    copy.authoritative = authoritative;
    copy.conditions = conditions;
    return copy;
  }

  public Optional<Condition> condition(String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Same observation, ignoring when it was made: the reconciler writes only when this differs. */
  public boolean sameObservationAs(SendingIpStatus other) {
    return other != null && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(iprev, other.iprev) && Objects.equals(ptrNames, other.ptrNames)
        && Objects.equals(forwardAddresses, other.forwardAddresses) && Objects.equals(provider, other.provider)
        && Objects.equals(owner, other.owner)
        && (authoritative == null ? other.authoritative == null : authoritative.sameAnswersAs(other.authoritative))
        && Objects.equals(conditions, other.conditions);
  }
}
