package dev.mailops.ptr.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
public final class FakeEc2Server implements AutoCloseable {

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

  private final String accessKeyId;
  private final String secretAccessKey;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-ec2");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<String, ElasticIp> byIp = new ConcurrentHashMap<>();
  private final Map<String, String> forwardRecords = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());
  private final InjectedFailures<Failure> failures = new InjectedFailures<>();
  private volatile int pendingDescribes = 1;
  private volatile boolean secretSeen;

  /** Starts on 127.0.0.1 and an ephemeral port; requests must be signed with {@code accessKeyId}. */
  public FakeEc2Server(String accessKeyId, String secretAccessKey) throws IOException {
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
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

  /** The next {@code n} calls, whatever their action, fail with {@code failure}. */
  public void failNext(int n, Failure failure) {
    failures.next(n, failure);
  }

  /** The next call of {@code action} (e.g. ModifyAddressAttribute) fails with {@code failure}. */
  public void failNextOn(String action, Failure failure) {
    failures.nextOn(action, failure);
  }

  /** Forgets every failure not yet used: the fault is over. */
  public void clearFailures() {
    failures.clear();
  }

  public int calls(String action) {
    AtomicInteger n = calls.get(action);
    return n == null ? 0 : n.get();
  }

  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** The decoded form parameters of every request received, oldest first. */
  public List<Map<String, String>> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public Optional<Map<String, String>> lastRequest(String action) {
    List<Map<String, String>> all = requests();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (action.equals(all.get(i).get("Action"))) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  /** True when the secret access key appeared in any header or body received: it never should. */
  public boolean secretSeen() {
    return secretSeen;
  }

  @Override
  public void close() {
    stopped.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString();
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (!secretSeen && (body.contains(secretAccessKey)
          || exchange.getRequestHeaders().values().stream().flatMap(List::stream)
              .anyMatch(v -> v.contains(secretAccessKey)))) {
        secretSeen = true;
      }
      Map<String, String> params = new LinkedHashMap<>(parseForm(body));
      String query = exchange.getRequestURI().getRawQuery();
      if (query != null) {
        parseForm(query).forEach(params::putIfAbsent);
      }
      String action = params.getOrDefault("Action", "");
      requests.add(Map.copyOf(params));
      calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();

      if (!"POST".equals(exchange.getRequestMethod()) && !"GET".equals(exchange.getRequestMethod())) {
        error(exchange, 400, "InvalidAction", "Unsupported HTTP method", requestId);
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
        error(exchange, 401, "MissingAuthenticationToken", "The request must contain valid credentials.", requestId);
        return;
      }
      if (!authorization.contains("Credential=" + accessKeyId + "/") || !authorization.contains("Signature=")
          || exchange.getRequestHeaders().getFirst("X-Amz-Date") == null) {
        error(exchange, 401, "AuthFailure", "AWS was not able to validate the provided access credentials", requestId);
        return;
      }
      Failure failure = failures.take(action);
      if (failure == Failure.APPLY_THEN_STALL && "ModifyAddressAttribute".equals(action)) {
        Optional<ElasticIp> eip = byAllocation(params.get("AllocationId"));
        String name = params.getOrDefault("DomainName", "").toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
        if (eip.isPresent() && !name.isEmpty() && eip.get().publicIp.equals(forwardRecords.get(name))) {
          synchronized (eip.get()) {
            eip.get().pendingValue = name + ".";
            eip.get().pendingDescribesLeft = pendingDescribes;
          }
        }
        failure = Failure.STALL;
      }
      if (failure == Failure.STALL || failure == Failure.APPLY_THEN_STALL) {
        stopped.await(5, TimeUnit.MINUTES);
        return;
      }
      if (failure != null) {
        error(exchange, failure.status, failure.code, failure.message, requestId);
        return;
      }
      if (!"2016-11-15".equals(params.get("Version"))) {
        error(exchange, 400, "InvalidParameterValue", "Unsupported API version " + params.get("Version"), requestId);
        return;
      }
      switch (action) {
        case "DescribeAddresses" -> describeAddresses(exchange, params, requestId);
        case "DescribeAddressesAttribute" -> describeAddressesAttribute(exchange, params, requestId);
        case "ModifyAddressAttribute" -> modifyAddressAttribute(exchange, params, requestId);
        case "ResetAddressAttribute" -> resetAddressAttribute(exchange, params, requestId);
        default -> error(exchange, 400, "InvalidAction", "The action " + action + " is not valid for this web service.",
            requestId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      error(exchange, 500, "InternalError", "fake EC2: " + e, requestId);
    }
  }

  private void describeAddresses(HttpExchange exchange, Map<String, String> params, String requestId)
      throws IOException {
    List<String> wanted = list(params, "PublicIp");
    List<ElasticIp> found = new ArrayList<>();
    if (wanted.isEmpty()) {
      found.addAll(byIp.values());
    } else {
      for (String ip : wanted) {
        ElasticIp eip = byIp.get(ip);
        if (eip == null) {
          error(exchange, 400, "InvalidAddress.NotFound", "Address '" + ip + "' not found.", requestId);
          return;
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
    ok(exchange, "DescribeAddressesResponse", requestId, xml.toString());
  }

  private void describeAddressesAttribute(HttpExchange exchange, Map<String, String> params, String requestId)
      throws IOException {
    if (!"domain-name".equals(params.get("Attribute"))) {
      error(exchange, 400, "InvalidParameterValue", "Value (" + params.get("Attribute")
          + ") for parameter attribute is invalid.", requestId);
      return;
    }
    List<String> ids = list(params, "AllocationId");
    List<ElasticIp> selected = new ArrayList<>();
    for (String id : ids) {
      Optional<ElasticIp> eip = byAllocation(id);
      if (eip.isEmpty()) {
        error(exchange, 400, "InvalidAllocationID.NotFound", "The allocation ID '" + id + "' does not exist",
            requestId);
        return;
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
    ok(exchange, "DescribeAddressesAttributeResponse", requestId, xml.toString());
  }

  private void modifyAddressAttribute(HttpExchange exchange, Map<String, String> params, String requestId)
      throws IOException {
    Optional<ElasticIp> found = byAllocation(params.get("AllocationId"));
    if (found.isEmpty()) {
      error(exchange, 400, "InvalidAllocationID.NotFound", "The allocation ID '" + params.get("AllocationId")
          + "' does not exist", requestId);
      return;
    }
    ElasticIp eip = found.get();
    String domainName = params.getOrDefault("DomainName", "");
    String name = domainName.toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
    if (name.isEmpty()) {
      error(exchange, 400, "MissingParameter", "The request must contain the parameter domainName", requestId);
      return;
    }
    if (!eip.publicIp.equals(forwardRecords.get(name))) {
      // Wording approximated: AWS refuses a PTR whose name does not resolve to the Elastic IP.
      error(exchange, 400, "InvalidParameterValue", "The forward DNS record of " + name + " does not resolve to "
          + eip.publicIp + ". Create an A record for " + name + " pointing to " + eip.publicIp + " and try again.",
          requestId);
      return;
    }
    synchronized (eip) {
      eip.pendingValue = name + ".";
      eip.pendingDescribesLeft = pendingDescribes;
      ok(exchange, "ModifyAddressAttributeResponse", requestId, "<address>" + attribute(eip) + "</address>");
    }
  }

  private void resetAddressAttribute(HttpExchange exchange, Map<String, String> params, String requestId)
      throws IOException {
    Optional<ElasticIp> found = byAllocation(params.get("AllocationId"));
    if (found.isEmpty()) {
      error(exchange, 400, "InvalidAllocationID.NotFound", "The allocation ID '" + params.get("AllocationId")
          + "' does not exist", requestId);
      return;
    }
    if (!"domain-name".equals(params.get("Attribute"))) {
      error(exchange, 400, "InvalidParameterValue", "Value (" + params.get("Attribute")
          + ") for parameter attribute is invalid.", requestId);
      return;
    }
    ElasticIp eip = found.get();
    synchronized (eip) {
      eip.pendingValue = eip.defaultPtr;
      eip.pendingDescribesLeft = pendingDescribes;
      ok(exchange, "ResetAddressAttributeResponse", requestId, "<address>" + attribute(eip) + "</address>");
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

  private static Map<String, String> parseForm(String form) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(key, value);
    }
    return params;
  }

  private static void ok(HttpExchange exchange, String element, String requestId, String content) throws IOException {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + element + " xmlns=\"" + NAMESPACE + "\">"
        + "<requestId>" + requestId + "</requestId>" + content + "</" + element + ">";
    send(exchange, 200, xml);
  }

  private static void error(HttpExchange exchange, int status, String code, String message, String requestId)
      throws IOException {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code
        + "</Code><Message>" + escape(message) + "</Message></Error></Errors><RequestID>" + requestId
        + "</RequestID></Response>";
    send(exchange, status, xml);
  }

  private static void send(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
