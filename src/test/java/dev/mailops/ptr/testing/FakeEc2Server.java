package dev.mailops.ptr.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for the Amazon EC2 Query API, limited to the Elastic IP calls the AWS provider makes
 * (DescribeAddresses, DescribeAddressesAttribute, ModifyAddressAttribute, ResetAddressAttribute), shaped after the
 * EC2 API reference: form-encoded POST with {@code Action} and {@code Version=2016-11-15}, XML answers in the
 * {@code http://ec2.amazonaws.com/doc/2016-11-15/} namespace with {@code requestId}, {@code addressesSet} /
 * {@code addressSet} items and {@code ptrRecordUpdate}, and errors as
 * {@code <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>}.
 *
 * <p>What it checks: every request carries a SigV4 Authorization header for the expected access key id, and the
 * secret key never travels (it is only ever used to sign). What it does not check: the signature itself.
 *
 * <p>Like AWS, a PTR change stays PENDING for a while: here for the first {@code pendingDescribes} attribute
 * descriptions after the change, then it is applied. A change needs a forward record (registered with
 * {@link #addForwardRecord}) from the name to the IP, else the call fails with InvalidParameterValue.
 */
public final class FakeEc2Server extends FakeHttpServer<FakeEc2Server.Failure> {

  public static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

  /** Failures the next calls can be told to answer with (HTTP status and code as EC2 sends them). */
  public enum Failure {
    /** EC2 throttling: HTTP 503 with code RequestLimitExceeded (what EC2 really sends, not 400). */
    THROTTLE(503, "RequestLimitExceeded", "Request limit exceeded."),
    AUTH_FAILURE(401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
    UNAUTHORIZED(403, "UnauthorizedOperation", "You are not authorized to perform this operation."),
    INVALID_PARAMETER(400, "InvalidParameterValue", "Value (mail..example.com) for parameter domainName is invalid."),
    INTERNAL(500, "InternalError", "An internal error has occurred."),
    UNAVAILABLE(503, "Unavailable", "The server is overloaded and can't handle the request."),
    /** Holds the request without answering until the server stops (beyond any client timeout). */
    STALL(0, null, null),
    /**
     * ModifyAddressAttribute only: applies the change (as AWS would, pending) and then holds the answer like
     * {@link #STALL}, so the caller never learns that its write landed.
     */
    APPLY_THEN_STALL(0, null, null);

    final int status;
    final String code;
    final String message;

    Failure(int status, String code, String message) {
      this.status = status;
      this.code = code;
      this.message = message;
    }
  }

  /** One Elastic IP as this fake holds it. */
  public static final class ElasticIp {
    final String publicIp;
    final String allocationId;
    final String defaultPtr;
    volatile String ptrRecord;
    volatile String pendingValue;
    volatile int pendingDescribesLeft;

    ElasticIp(String publicIp, String allocationId, String ptrRecord) {
      this.publicIp = publicIp;
      this.allocationId = allocationId;
      this.defaultPtr = "ec2-" + publicIp.replace('.', '-') + ".compute-1.amazonaws.com.";
      this.ptrRecord = ptrRecord != null ? ptrRecord : defaultPtr;
    }

    public String ptrRecord() {
      return ptrRecord;
    }

    public Optional<String> pendingValue() {
      return Optional.ofNullable(pendingValue);
    }
  }

  private static final String XML = "text/xml;charset=UTF-8";

  private final String accessKeyId;
  private final Map<String, ElasticIp> byIp = new ConcurrentHashMap<>();
  private final Map<String, String> forwardRecords = new ConcurrentHashMap<>();
  private volatile int pendingDescribes = 1;

  /** Starts on 127.0.0.1 and an ephemeral port; requests must be signed with {@code accessKeyId}. */
  public FakeEc2Server(String accessKeyId, String secretAccessKey) throws IOException {
    super("fake-ec2", Failure.STALL);
    this.accessKeyId = accessKeyId;
    neverOnWire(secretAccessKey);
  }

  public ElasticIp addElasticIp(String publicIp, String allocationId) {
    return addElasticIp(publicIp, allocationId, null);
  }

  public ElasticIp addElasticIp(String publicIp, String allocationId, String ptrRecord) {
    ElasticIp eip = new ElasticIp(publicIp, allocationId, ptrRecord);
    byIp.put(publicIp, eip);
    return eip;
  }

  public ElasticIp elasticIp(String publicIp) {
    return byIp.get(publicIp);
  }

  /** The A record AWS would find for {@code name} (lower case, no trailing dot). */
  public void addForwardRecord(String name, String ip) {
    forwardRecords.put(name, ip);
  }

  /** A change stays PENDING for this many DescribeAddressesAttribute calls that include it, then it is applied. */
  public void pendingDescribes(int describes) {
    this.pendingDescribes = describes;
  }

  /** The decoded form parameters of every request received, oldest first. */
  public List<Map<String, String>> actions() {
    return requests().stream().map(FakeEc2Server::params).toList();
  }

  public Optional<Map<String, String>> lastRequest(String action) {
    List<Map<String, String>> all = actions();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (action.equals(all.get(i).get("Action"))) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  @Override
  protected String callName(Request request) {
    return params(request).getOrDefault("Action", "");
  }

  @Override
  protected Optional<Reply> refuse(Request request) {
    if (!"POST".equals(request.method()) && !"GET".equals(request.method())) {
      return Optional.of(error(400, "InvalidAction", "Unsupported HTTP method"));
    }
    String authorization = request.authorization();
    if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
      return Optional.of(error(401, "MissingAuthenticationToken", "The request must contain valid credentials."));
    }
    if (!authorization.contains("Credential=" + accessKeyId + "/") || !authorization.contains("Signature=")
        || request.header("X-Amz-Date") == null) {
      return Optional.of(error(401, "AuthFailure", "AWS was not able to validate the provided access credentials"));
    }
    return Optional.empty();
  }

  /** APPLY_THEN_STALL on ModifyAddressAttribute applies the change (as AWS would, pending) before it stalls. */
  @Override
  protected boolean stalls(Request request, Failure failure) {
    if (failure == Failure.APPLY_THEN_STALL && "ModifyAddressAttribute".equals(request.call())) {
      Map<String, String> params = params(request);
      Optional<ElasticIp> eip = byAllocation(params.get("AllocationId"));
      String name = params.getOrDefault("DomainName", "").toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
      if (eip.isPresent() && !name.isEmpty() && eip.get().publicIp.equals(forwardRecords.get(name))) {
        synchronized (eip.get()) {
          eip.get().pendingValue = name + ".";
          eip.get().pendingDescribesLeft = pendingDescribes;
        }
      }
    }
    return failure == Failure.STALL || failure == Failure.APPLY_THEN_STALL;
  }

  @Override
  protected Reply failure(Failure failure) {
    return error(failure.status, failure.code, failure.message);
  }

  @Override
  protected Reply answer(Request request) {
    Map<String, String> params = params(request);
    if (!"2016-11-15".equals(params.get("Version"))) {
      return error(400, "InvalidParameterValue", "Unsupported API version " + params.get("Version"));
    }
    String action = request.call();
    return switch (action) {
      case "DescribeAddresses" -> describeAddresses(params);
      case "DescribeAddressesAttribute" -> describeAddressesAttribute(params);
      case "ModifyAddressAttribute" -> modifyAddressAttribute(params);
      case "ResetAddressAttribute" -> resetAddressAttribute(params);
      default -> error(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
    };
  }

  @Override
  protected Reply broken(Exception e) {
    return error(500, "InternalError", "fake EC2: " + e);
  }

  /** The form parameters of the body, then of the query. */
  private static Map<String, String> params(Request request) {
    Map<String, String> params = new LinkedHashMap<>(parseQuery(request.body()));
    request.query().forEach(params::putIfAbsent);
    return params;
  }

  private Reply describeAddresses(Map<String, String> params) {
    List<String> wanted = list(params, "PublicIp");
    List<ElasticIp> found = new ArrayList<>();
    if (wanted.isEmpty()) {
      found.addAll(byIp.values());
    } else {
      for (String ip : wanted) {
        ElasticIp eip = byIp.get(ip);
        if (eip == null) {
          return error(400, "InvalidAddress.NotFound", "Address '" + ip + "' not found.");
        }
        found.add(eip);
      }
    }
    StringBuilder xml = new StringBuilder("<addressesSet>");
    for (ElasticIp eip : found) {
      xml.append("<item><publicIp>").append(eip.publicIp).append("</publicIp><allocationId>")
          .append(eip.allocationId).append("</allocationId><domain>vpc</domain>")
          .append("<publicIpv4Pool>amazon</publicIpv4Pool><networkBorderGroup>us-east-1</networkBorderGroup>")
          .append("</item>");
    }
    xml.append("</addressesSet>");
    return ok("DescribeAddressesResponse", xml.toString());
  }

  private Reply describeAddressesAttribute(Map<String, String> params) {
    if (!"domain-name".equals(params.get("Attribute"))) {
      return error(400, "InvalidParameterValue", "Value (" + params.get("Attribute")
          + ") for parameter attribute is invalid.");
    }
    List<String> ids = list(params, "AllocationId");
    List<ElasticIp> selected = new ArrayList<>();
    for (String id : ids) {
      Optional<ElasticIp> eip = byAllocation(id);
      if (eip.isEmpty()) {
        return error(400, "InvalidAllocationID.NotFound", "The allocation ID '" + id + "' does not exist");
      }
      selected.add(eip.get());
    }
    if (ids.isEmpty()) {
      selected.addAll(byIp.values());
      String max = params.get("MaxResults");
      if (max != null) {
        selected = selected.subList(0, Math.min(selected.size(), Integer.parseInt(max)));
      }
    }
    StringBuilder xml = new StringBuilder("<addressSet>");
    for (ElasticIp eip : selected) {
      synchronized (eip) {
        if (eip.pendingValue != null) {
          if (eip.pendingDescribesLeft > 0) {
            eip.pendingDescribesLeft--;
          } else {
            eip.ptrRecord = eip.pendingValue;
            eip.pendingValue = null;
          }
        }
        xml.append("<item>").append(attribute(eip)).append("</item>");
      }
    }
    xml.append("</addressSet>");
    return ok("DescribeAddressesAttributeResponse", xml.toString());
  }

  private Reply modifyAddressAttribute(Map<String, String> params) {
    Optional<ElasticIp> found = byAllocation(params.get("AllocationId"));
    if (found.isEmpty()) {
      return error(400, "InvalidAllocationID.NotFound", "The allocation ID '" + params.get("AllocationId")
          + "' does not exist");
    }
    ElasticIp eip = found.get();
    String domainName = params.getOrDefault("DomainName", "");
    String name = domainName.toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
    if (name.isEmpty()) {
      return error(400, "MissingParameter", "The request must contain the parameter domainName");
    }
    if (!eip.publicIp.equals(forwardRecords.get(name))) {
      // Wording approximated: AWS refuses a PTR whose name does not resolve to the Elastic IP.
      return error(400, "InvalidParameterValue", "The forward DNS record of " + name + " does not resolve to "
          + eip.publicIp + ". Create an A record for " + name + " pointing to " + eip.publicIp + " and try again.");
    }
    synchronized (eip) {
      eip.pendingValue = name + ".";
      eip.pendingDescribesLeft = pendingDescribes;
      return ok("ModifyAddressAttributeResponse", "<address>" + attribute(eip) + "</address>");
    }
  }

  private Reply resetAddressAttribute(Map<String, String> params) {
    Optional<ElasticIp> found = byAllocation(params.get("AllocationId"));
    if (found.isEmpty()) {
      return error(400, "InvalidAllocationID.NotFound", "The allocation ID '" + params.get("AllocationId")
          + "' does not exist");
    }
    if (!"domain-name".equals(params.get("Attribute"))) {
      return error(400, "InvalidParameterValue", "Value (" + params.get("Attribute")
          + ") for parameter attribute is invalid.");
    }
    ElasticIp eip = found.get();
    synchronized (eip) {
      eip.pendingValue = eip.defaultPtr;
      eip.pendingDescribesLeft = pendingDescribes;
      return ok("ResetAddressAttributeResponse", "<address>" + attribute(eip) + "</address>");
    }
  }

  private static String attribute(ElasticIp eip) {
    StringBuilder xml = new StringBuilder();
    xml.append("<publicIp>").append(eip.publicIp).append("</publicIp>")
        .append("<allocationId>").append(eip.allocationId).append("</allocationId>")
        .append("<ptrRecord>").append(escape(eip.ptrRecord)).append("</ptrRecord>");
    if (eip.pendingValue != null) {
      xml.append("<ptrRecordUpdate><value>").append(escape(eip.pendingValue)).append("</value>")
          .append("<status>PENDING</status><reason>Pending</reason></ptrRecordUpdate>");
    }
    return xml.toString();
  }

  private Optional<ElasticIp> byAllocation(String allocationId) {
    return byIp.values().stream().filter(e -> e.allocationId.equals(allocationId)).findFirst();
  }

  /** EC2 query lists: {@code Name.1=a&Name.2=b}. */
  private static List<String> list(Map<String, String> params, String name) {
    List<String> values = new ArrayList<>();
    for (int i = 1; params.containsKey(name + "." + i); i++) {
      values.add(params.get(name + "." + i));
    }
    return values;
  }

  private static Reply ok(String element, String content) {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + element + " xmlns=\"" + NAMESPACE + "\">"
        + "<requestId>" + UUID.randomUUID() + "</requestId>" + content + "</" + element + ">";
    return Reply.raw(200, XML, xml);
  }

  private static Reply error(int status, String code, String message) {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code
        + "</Code><Message>" + escape(message) + "</Message></Error></Errors><RequestID>" + UUID.randomUUID()
        + "</RequestID></Response>";
    return Reply.raw(status, XML, xml);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
