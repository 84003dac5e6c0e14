package dev.mailops.ptr.api;

/** What the operator last learned from the provider about this IP's PTR. */
public class ProviderState {
  private String name;
  private String ptrValue;
  /** Pending while the provider is still applying the change, Applied when done, Failed otherwise. */
  private String updateStatus;
  private String lastUpdateTime;

  public ProviderState() {}

  public ProviderState(String name, String ptrValue, String updateStatus, String lastUpdateTime) {
    this.name = name;
    this.ptrValue = ptrValue;
    this.updateStatus = updateStatus;
    this.lastUpdateTime = lastUpdateTime;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getPtrValue() { return ptrValue; }
  public void setPtrValue(String ptrValue) { this.ptrValue = ptrValue; }
  public String getUpdateStatus() { return updateStatus; }
  public void setUpdateStatus(String updateStatus) { this.updateStatus = updateStatus; }
  public String getLastUpdateTime() { return lastUpdateTime; }
  public void setLastUpdateTime(String lastUpdateTime) { this.lastUpdateTime = lastUpdateTime; }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProviderState p && java.util.Objects.equals(name, p.name)
        && java.util.Objects.equals(ptrValue, p.ptrValue) && java.util.Objects.equals(updateStatus, p.updateStatus)
        && java.util.Objects.equals(lastUpdateTime, p.lastUpdateTime);
  }

  @Override
  public int hashCode() { return java.util.Objects.hash(name, ptrValue, updateStatus, lastUpdateTime); }
}
