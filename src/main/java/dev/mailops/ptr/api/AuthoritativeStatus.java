package dev.mailops.ptr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the authoritative servers answered at the last authoritative check (status.authoritative). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthoritativeStatus {
  @JsonPropertyDescription("When the authoritative servers were last asked (RFC 3339).")
  private String checkTime;
  @JsonPropertyDescription("One entry per question: the reverse name's zone, one more per CNAME followed into "
      + "another zone (RFC 2317), then the forward name's zone.")
  private List<AuthoritativeZone> zones = new ArrayList<>();

  public String getCheckTime() { return checkTime; }
  public void setCheckTime(String checkTime) { this.checkTime = checkTime; }
  public List<AuthoritativeZone> getZones() { return zones; }
  public void setZones(List<AuthoritativeZone> zones) { this.zones = zones; }

  /** The same answers, whenever they were obtained. */
  public boolean sameAnswersAs(AuthoritativeStatus other) {
    return other != null && Objects.equals(zones, other.zones);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthoritativeStatus other && Objects.equals(checkTime, other.checkTime)
        && Objects.equals(zones, other.zones);
  }

  @Override
  public int hashCode() {
    return Objects.hash(checkTime, zones);
  }

  /** One question asked of every authoritative server of one zone. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AuthoritativeZone {
    @JsonPropertyDescription("The zone apex; absent when the zone could not be found.")
    private String zone;
    @JsonPropertyDescription("The name asked.")
    private String name;
    @JsonPropertyDescription("The record type asked: PTR, A or AAAA.")
    private String type;
    @JsonPropertyDescription("The zone's primary server (SOA MNAME), whose serial the others are compared with.")
    private String primary;
    @JsonPropertyDescription("Why the zone or its servers could not be found.")
    private String problem;
    @JsonPropertyDescription("One entry per address of each NS name.")
    private List<AuthoritativeServer> servers = new ArrayList<>();

    public AuthoritativeZone() {}

    public AuthoritativeZone(String zone, String name, String type, String primary, String problem,
        List<AuthoritativeServer> servers) {
      this.zone = zone;
      this.name = name;
      this.type = type;
      this.primary = primary;
      this.problem = problem;
      this.servers = servers;
    }

    public String getZone() { return zone; }
    public void setZone(String zone) { this.zone = zone; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getPrimary() { return primary; }
    public void setPrimary(String primary) { this.primary = primary; }
    public String getProblem() { return problem; }
    public void setProblem(String problem) { this.problem = problem; }
    public List<AuthoritativeServer> getServers() { return servers; }
    public void setServers(List<AuthoritativeServer> servers) { this.servers = servers; }

    @Override
    public boolean equals(Object o) {
      return o instanceof AuthoritativeZone z && Objects.equals(zone, z.zone) && Objects.equals(name, z.name)
          && Objects.equals(type, z.type) && Objects.equals(primary, z.primary) && Objects.equals(problem, z.problem)
          && Objects.equals(servers, z.servers);
    }

    @Override
    public int hashCode() {
      return Objects.hash(zone, name, type, primary, problem, servers);
    }
  }

  /** What one address of one NS name answered. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AuthoritativeServer {
    @JsonPropertyDescription("The NS name.")
    private String server;
    @JsonPropertyDescription("The address asked.")
    private String address;
    @JsonPropertyDescription("Answered (authoritative answer), Lame (REFUSED, NOTAUTH, no AA flag, or an NS name "
        + "without address) or Unreachable (timeout, network error, SERVFAIL: possibly temporary).")
    private String state;
    @JsonPropertyDescription("For Answered: the records' data (sorted, comma separated), CNAME <target>, NXDOMAIN "
        + "or NODATA.")
    private String answer;
    @JsonPropertyDescription("The zone's SOA serial as this server gave it.")
    private Long serial;
    @JsonPropertyDescription("The TTL of the answer's records, in seconds.")
    private Long ttl;
    @JsonPropertyDescription("For Lame and Unreachable: why.")
    private String detail;

    public AuthoritativeServer() {}

    public AuthoritativeServer(String server, String address, String state, String answer, Long serial, Long ttl,
        String detail) {
      this.server = server;
      this.address = address;
      this.state = state;
      this.answer = answer;
      this.serial = serial;
      this.ttl = ttl;
      this.detail = detail;
    }

    public String getServer() { return server; }
    public void setServer(String server) { this.server = server; }
    public String getAddress() { return address; }
    public void setAddress(String address) { this.address = address; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public String getAnswer() { return answer; }
    public void setAnswer(String answer) { this.answer = answer; }
    public Long getSerial() { return serial; }
    public void setSerial(Long serial) { this.serial = serial; }
    public Long getTtl() { return ttl; }
    public void setTtl(Long ttl) { this.ttl = ttl; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }

    @Override
    public boolean equals(Object o) {
      return o instanceof AuthoritativeServer s && Objects.equals(server, s.server)
          && Objects.equals(address, s.address) && Objects.equals(state, s.state) && Objects.equals(answer, s.answer)
          && Objects.equals(serial, s.serial) && Objects.equals(ttl, s.ttl) && Objects.equals(detail, s.detail);
    }

    @Override
    public int hashCode() {
      return Objects.hash(server, address, state, answer, serial, ttl, detail);
    }
  }
}
