package dev.mailops.ptr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Azure Resource Manager's {@code Microsoft.Network/publicIPAddresses} (api-version
 * 2024-05-01) and for Microsoft Entra ID's v2.0 token endpoint, shaped after the REST reference and the
 * azure-rest-api-specs OpenAPI description:
 *
 * <ul>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token}, form {@code grant_type=client_credentials}, {@code client_id},
 *       {@code client_secret} (or {@code client_assertion_type} jwt-bearer and {@code client_assertion}), {@code
 *       scope={endpoint}/.default}; answers {@code {token_type, expires_in, access_token}} or an OAuth error
 *       {@code {error, error_description, error_codes}} (AADSTS7000215 for a wrong secret);
 *   <li>{@code GET /subscriptions/{s}/providers/Microsoft.Network/publicIPAddresses} and the same under {@code
 *       /resourceGroups/{rg}}: {@code {"value": [...], "nextLink": ...}} pages;
 *   <li>{@code GET} and {@code PUT .../publicIPAddresses/{name}}: the PublicIPAddress resource ({@code id, name,
 *       type, location, etag, sku, properties{provisioningState, ipAddress, publicIPAddressVersion,
 *       publicIPAllocationMethod, idleTimeoutInMinutes, dnsSettings{domainNameLabel, fqdn, reverseFqdn}}}); a PUT
 *       answers 200 with {@code provisioningState: Updating} and the {@code Azure-AsyncOperation} and
 *       {@code Retry-After} headers of a long-running operation;
 *   <li>{@code GET .../providers/Microsoft.Network/locations/{l}/operations/{id}}: {@code {"status": "InProgress"
 *       | "Succeeded" | "Failed", "error"?}};
 *   <li>errors as {@code {"error": {"code", "message"}}}: 401 AuthenticationFailed / InvalidAuthenticationToken,
 *       403 AuthorizationFailed, 404 ResourceGroupNotFound, 400 MissingApiVersionParameter, 429 with
 *       {@code Retry-After}, 500/503.
 * </ul>
 *
 * <p>Like Azure, a reverseFqdn is refused with {@code ReverseFqdnDoesNotBelongToSubscription} unless the name
 * resolves to the IP (a forward record registered with {@link #addForwardRecord}) or is the IP's own fqdn, and
 * a dnsSettings section without domainNameLabel with {@code DomainNameLabelMissing}; the message texts are
 * approximated. A change stays InProgress for the first {@code operationPolls} polls of its operation.
 */
public final class FakeArmServer extends FakeHttpServer<FakeArmServer.Failure> {
  public static final String API_VERSION = "2024-05-01";

  /** Failures the next calls can be told to answer with. */
  public enum Failure {
    THROTTLED(429, "SubscriptionRequestsThrottled", "Number of 'read' requests for subscription exceeded. Please try"
        + " again after '17' seconds."),
    INTERNAL(500, "InternalServerError", "Encountered internal server error. Diagnostic information: timestamp"
        + " '20261130T031500Z'."),
    UNAVAILABLE(503, "ServiceUnavailable", "The server (leader) is currently unable to handle the request."),
    FORBIDDEN(403, "AuthorizationFailed", "The client does not have authorization to perform action"
        + " 'Microsoft.Network/publicIPAddresses/write' over scope or the scope is invalid."),
    /** Holds the request without answering until the server stops. */
    STALL(0, null, null);

    final int status;
    final String code;
    final String message;

    Failure(int status, String code, String message) {
      this.status = status;
      this.code = code;
      this.message = message;
    }
  }

  private static final Pattern TOKEN = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");
  private static final Pattern LIST = Pattern.compile(
      "/subscriptions/([^/]+)(?:/resourceGroups/([^/]+))?/providers/Microsoft\\.Network/publicIPAddresses");
  private static final Pattern RESOURCE = Pattern.compile(
      "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.Network/publicIPAddresses/([^/]+)");
  private static final Pattern OPERATION = Pattern.compile(
      "/subscriptions/([^/]+)/providers/Microsoft\\.Network/locations/([^/]+)/operations/([^/]+)");

  private final String tenantId;
  private final String clientId;
  private final String clientSecret;
  private final String subscriptionId;
  private final Map<String, ObjectNode> publicIps = new ConcurrentHashMap<>();
  private final Map<String, String> forwardRecords = new ConcurrentHashMap<>();
  private final Map<String, Operation> operations = new ConcurrentHashMap<>();
  private final Set<String> tokens = new CopyOnWriteArraySet<>();
  private final Set<String> assertions = new CopyOnWriteArraySet<>();
  private final AtomicInteger reads = new AtomicInteger(12000);
  private volatile int operationPolls = 1;
  private volatile int pageSize = 100;

  private static final class Operation {
    final Runnable apply;
    int pollsLeft;
    String status = "InProgress";

    Operation(Runnable apply, int pollsLeft) {
      this.apply = apply;
      this.pollsLeft = pollsLeft;
    }
  }

  public FakeArmServer(String tenantId, String clientId, String clientSecret, String subscriptionId)
      throws IOException {
    super("fake-arm", Failure.STALL);
    neverOnWire(clientSecret);
    this.tenantId = tenantId;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.subscriptionId = subscriptionId;
  }

  /** A public IP address; {@code domainNameLabel} may be null (no dnsSettings at all). */
  public ObjectNode addPublicIp(String resourceGroup, String name, String ip, String domainNameLabel) {
    boolean v6 = ip.contains(":");
    String location = "westeurope";
    ObjectNode resource = object();
    resource.put("name", name);
    resource.put("id", "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
        + "/providers/Microsoft.Network/publicIPAddresses/" + name);
    resource.put("etag", "W/\"" + UUID.randomUUID() + "\"");
    resource.put("location", location);
    resource.put("type", "Microsoft.Network/publicIPAddresses");
    resource.putObject("sku").put("name", "Standard").put("tier", "Regional");
    ObjectNode properties = resource.putObject("properties");
    properties.put("provisioningState", "Succeeded");
    properties.put("resourceGuid", UUID.randomUUID().toString());
    properties.put("ipAddress", ip);
    properties.put("publicIPAddressVersion", v6 ? "IPv6" : "IPv4");
    properties.put("publicIPAllocationMethod", "Static");
    properties.put("idleTimeoutInMinutes", 4);
    properties.putArray("ipTags");
    if (domainNameLabel != null) {
      properties.putObject("dnsSettings").put("domainNameLabel", domainNameLabel)
          .put("fqdn", domainNameLabel + "." + location + ".cloudapp.azure.com");
    }
    publicIps.put(key(resourceGroup, name), resource);
    return resource;
  }

  /** The resource as the server holds it now. */
  public ObjectNode publicIp(String resourceGroup, String name) {
    ObjectNode resource = publicIps.get(key(resourceGroup, name));
    synchronized (resource) {
      return resource.deepCopy();
    }
  }

  /** The reverseFqdn the server holds for a public IP (as written, with trailing dot), or null. */
  public String reverseFqdn(String resourceGroup, String name) {
    JsonNode value = publicIp(resourceGroup, name).path("properties").path("dnsSettings").path("reverseFqdn");
    return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }

  /** The A record Azure would find for {@code name} (lower case, no trailing dot). */
  public void addForwardRecord(String name, String ip) {
    forwardRecords.put(name, ip);
  }

  /** A federated token (workload identity) the token endpoint accepts as client assertion for the client id. */
  public void acceptAssertion(String assertion) {
    assertions.add(assertion);
  }

  /** An operation answers InProgress to this many polls, then Succeeded. */
  public void operationPolls(int polls) {
    this.operationPolls = polls;
  }

  /** How many public IPs one list page holds (nextLink for the rest). */
  public void pageSize(int size) {
    this.pageSize = size;
  }

  /** PUTs of this public IP so far. */
  public long puts(String name) {
    return requests().stream().filter(r -> "PUT".equals(r.method()) && r.path().endsWith("/" + name)).count();
  }

  @Override
  protected String callName(Request request) {
    String path = request.path();
    if (TOKEN.matcher(path).matches()) {
      return "token";
    }
    if (LIST.matcher(path).matches()) {
      return "list";
    }
    if (RESOURCE.matcher(path).matches()) {
      return request.method().toLowerCase(Locale.ROOT);
    }
    if (OPERATION.matcher(path).matches()) {
      return "operation";
    }
    return null;
  }

  /** Injected failures are Resource Manager's: the token endpoint always answers. */
  @Override
  protected boolean injectable(String call) {
    return !"token".equals(call);
  }

  /** Resource Manager calls so far (everything but token requests). */
  public int armCalls() {
    return totalCalls() - calls("token");
  }

  /** The client secret belongs to the token endpoint only. */
  @Override
  protected boolean secretMayTravel(Request request) {
    return "token".equals(request.call());
  }

  @Override
  protected String jsonContentType() {
    return "application/json; charset=utf-8";
  }

  @Override
  protected Reply failure(Failure failure) {
    return error(failure.status, failure.code, failure.message,
        failure == Failure.THROTTLED ? Map.of("Retry-After", "17") : Map.of());
  }

  @Override
  protected Reply answer(Request request) {
    Matcher token = TOKEN.matcher(request.path());
    if (token.matches()) {
      return token(token.group(1), request);
    }
    String auth = request.authorization();
    if (auth == null) {
      return error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
          Map.of());
    }
    if (!auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
      return error(401, "InvalidAuthenticationToken", "The access token is invalid.", Map.of());
    }
    String version = request.query().get("api-version");
    if (version == null) {
      return error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is"
          + " required for all requests.", Map.of());
    }
    if (!API_VERSION.equals(version)) {
      return error(400, "InvalidApiVersionParameter", "The api-version '" + version + "' is invalid.", Map.of());
    }
    Matcher list = LIST.matcher(request.path());
    Matcher resource = RESOURCE.matcher(request.path());
    Matcher operation = OPERATION.matcher(request.path());
    String subscription = list.matches() ? list.group(1) : resource.matches() ? resource.group(1)
        : operation.matches() ? operation.group(1) : null;
    if (subscription != null && !subscription.equals(subscriptionId)) {
      return error(404, "SubscriptionNotFound", "The subscription '" + subscription + "' could not be found.",
          Map.of());
    }
    if (list.matches() && "GET".equals(request.method())) {
      return list(list.group(2), request);
    } else if (resource.matches() && "GET".equals(request.method())) {
      ObjectNode found = publicIps.get(key(resource.group(2), resource.group(3)));
      if (found == null) {
        return notFound(resource.group(2), resource.group(3));
      } else {
        synchronized (found) {
          return Reply.of(200, found.deepCopy(), readHeaders());
        }
      }
    } else if (resource.matches() && "PUT".equals(request.method())) {
      return put(resource.group(2), resource.group(3), request.json());
    } else if (operation.matches() && "GET".equals(request.method())) {
      return operation(operation.group(3));
    } else {
      return error(404, "NotFound", "No HTTP resource was found that matches the request URI.", Map.of());
    }
  }

  private Reply token(String tenant, Request request) {
    Map<String, String> form = parseQuery(request.body());
    if (!tenant.equals(tenantId)) {
      return oauthError(400, "invalid_request", "AADSTS90002: Tenant '" + tenant + "' not found.", 90002);
    }
    if (!"client_credentials".equals(form.get("grant_type"))
        || !(endpoint() + "/.default").equals(form.get("scope"))) {
      return oauthError(400, "invalid_scope", "AADSTS70011: The provided request must include a 'scope' input"
          + " parameter.", 70011);
    }
    if (!clientId.equals(form.get("client_id"))) {
      return oauthError(400, "unauthorized_client", "AADSTS700016: Application with identifier '"
          + form.get("client_id") + "' was not found in the directory.", 700016);
    }
    boolean secretOk = clientSecret.equals(form.get("client_secret"));
    boolean assertionOk = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        .equals(form.get("client_assertion_type")) && assertions.contains(form.get("client_assertion"));
    if (!secretOk && !assertionOk) {
      return oauthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret"
          + " being sent in the request is the client secret value, not the client secret ID.", 7000215);
    }
    String issued = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0." + UUID.randomUUID().toString().replace("-", "");
    tokens.add(issued);
    return Reply.of(200, object().put("token_type", "Bearer").put("expires_in", 3599).put("ext_expires_in", 3599)
        .put("access_token", issued), Map.of());
  }

  private Reply list(String resourceGroup, Request request) {
    if (resourceGroup != null && publicIps.keySet().stream().noneMatch(k -> k.startsWith(resourceGroup + "/"))) {
      return error(404, "ResourceGroupNotFound", "Resource group '" + resourceGroup + "' could not be found.",
          Map.of());
    }
    List<String> keys = new ArrayList<>(publicIps.keySet());
    keys.removeIf(k -> resourceGroup != null && !k.startsWith(resourceGroup + "/"));
    keys.sort(Comparator.naturalOrder());
    int start = request.query().containsKey("$skiptoken") ? Integer.parseInt(request.query().get("$skiptoken")) : 0;
    int end = Math.min(keys.size(), start + pageSize);
    ObjectNode answer = object();
    ArrayNode value = answer.putArray("value");
    for (String k : keys.subList(Math.min(start, keys.size()), end)) {
      ObjectNode resource = publicIps.get(k);
      synchronized (resource) {
        value.add(resource.deepCopy());
      }
    }
    if (end < keys.size()) {
      answer.put("nextLink", endpoint() + request.path() + "?api-version=" + API_VERSION + "&$skiptoken=" + end);
    }
    return Reply.of(200, answer, readHeaders());
  }

  private Reply put(String resourceGroup, String name, JsonNode update) {
    ObjectNode resource = publicIps.get(key(resourceGroup, name));
    if (resource == null) {
      return notFound(resourceGroup, name);
    }
    if (!update.isObject()) {
      return error(400, "InvalidRequestFormat", "Cannot parse the request.", Map.of());
    }
    JsonNode properties = update.path("properties");
    synchronized (resource) {
      // a PUT replaces the resource: what it leaves out is lost, so a client must send back what it read
      if (!resource.path("location").equals(update.path("location"))) {
        return error(400, "LocationRequired", "The location property is required for this definition.", Map.of());
      }
      if (!resource.path("sku").equals(update.path("sku"))
          || !"Static".equals(properties.path("publicIPAllocationMethod").asText())) {
        return error(400, "StandardSkuPublicIPAddressesMustBeStatic", "Standard sku publicIp "
            + resource.path("id").asText() + " must have AllocationMethod set to Static.", Map.of());
      }
      JsonNode dns = properties.path("dnsSettings");
      String reverse = dns.path("reverseFqdn").asText("");
      if (dns.isObject() && dns.path("domainNameLabel").asText("").isEmpty()) {
        return error(400, "DomainNameLabelMissing", "The domain name label in the dnsSettings section of the"
            + " public IP address " + name + " is null or empty. If a dnsSettings section exists, its domain name"
            + " label must not be null or empty.", Map.of());
      }
      if (!reverse.isEmpty()) {
        String bare = reverse.toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
        String ip = resource.path("properties").path("ipAddress").asText();
        String ownFqdn = resource.path("properties").path("dnsSettings").path("fqdn").asText("");
        if (!ip.equals(forwardRecords.get(bare)) && !bare.equals(ownFqdn)) {
          return error(400, "ReverseFqdnDoesNotBelongToSubscription", "ReverseFqdn " + reverse + " that the"
              + " customer is trying to set for " + resource.path("id").asText() + " does not belong to subscription "
              + subscriptionId + ". One of the following conditions need to be met to establish ownership: 1)"
              + " ReverseFqdn matches fqdn of any public ip resource under the subscription; 2) ReverseFqdn resolves"
              + " to the fqdn (through CNAME records chain) of any public ip resource under the subscription; 3) It"
              + " resolves to the ip address (through CNAME and A records chain) of a static public ip resource"
              + " under the subscription.", Map.of());
        }
      }
      ObjectNode target = (ObjectNode) resource.get("properties");
      Runnable apply = () -> {
        synchronized (resource) {
          if (dns.isObject()) {
            ObjectNode held = target.with("dnsSettings");
            held.put("domainNameLabel", dns.path("domainNameLabel").asText());
            if (reverse.isEmpty()) {
              held.remove("reverseFqdn");
            } else {
              held.put("reverseFqdn", reverse);
            }
          }
          if (properties.has("idleTimeoutInMinutes")) {
            target.put("idleTimeoutInMinutes", properties.path("idleTimeoutInMinutes").asInt());
          }
          target.put("provisioningState", "Succeeded");
          resource.put("etag", "W/\"" + UUID.randomUUID() + "\"");
        }
      };
      String id = UUID.randomUUID().toString();
      operations.put(id, new Operation(apply, operationPolls));
      target.put("provisioningState", "Updating");
      String location = resource.path("location").asText();
      String asyncOperation = endpoint() + "/subscriptions/" + subscriptionId
          + "/providers/Microsoft.Network/locations/" + location + "/operations/" + id + "?api-version="
          + API_VERSION;
      ObjectNode answer = resource.deepCopy();
      ((ObjectNode) answer.get("properties")).set("dnsSettings", dns.isObject() ? dns : null);
      return Reply.of(200, answer, Map.of("Azure-AsyncOperation", asyncOperation, "Retry-After", "1"));
    }
  }

  private Reply operation(String id) {
    Operation op = operations.get(id);
    if (op == null) {
      return error(404, "OperationNotFound", "Operation " + id + " was not found.", Map.of());
    }
    synchronized (op) {
      if ("InProgress".equals(op.status)) {
        if (op.pollsLeft > 1) {
          op.pollsLeft--;
        } else {
          op.apply.run();
          op.status = "Succeeded";
        }
      }
      return Reply.of(200, object().put("status", op.status),
          "InProgress".equals(op.status) ? Map.of("Retry-After", "1") : Map.of());
    }
  }

  private Reply notFound(String resourceGroup, String name) {
    return error(404, "ResourceNotFound", "The Resource 'Microsoft.Network/publicIPAddresses/" + name
        + "' under resource group '" + resourceGroup + "' was not found.", Map.of());
  }

  private Map<String, String> readHeaders() {
    return Map.of("x-ms-ratelimit-remaining-subscription-reads", String.valueOf(reads.decrementAndGet()),
        "x-ms-request-id", UUID.randomUUID().toString());
  }

  private static Reply error(int status, String code, String message,
      Map<String, String> headers) {
    ObjectNode body = object();
    body.putObject("error").put("code", code).put("message", message);
    return Reply.of(status, body, headers);
  }

  private static Reply oauthError(int status, String error, String description, int code) {
    ObjectNode body = object().put("error", error).put("error_description", description + "\r\nTrace ID: "
        + UUID.randomUUID() + "\r\nTimestamp: 2026-11-30 03:15:00Z");
    body.putArray("error_codes").add(code);
    body.put("trace_id", UUID.randomUUID().toString()).put("correlation_id", UUID.randomUUID().toString());
    return Reply.of(status, body, Map.of());
  }

  private static String key(String resourceGroup, String name) {
    return resourceGroup + "/" + name;
  }
}
