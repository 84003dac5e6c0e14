package dev.mailops.ptr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReverseDnsProviderStatus {
  private Long observedGeneration;
  /** aws, gcp, rfc2136, azure or digitalocean: which block is set, for the printer column. */
  private String type;
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getType() { return type; }
  public void setType(String type) { this.type = type; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
}
