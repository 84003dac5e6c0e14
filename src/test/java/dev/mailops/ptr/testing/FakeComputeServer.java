package dev.mailops.ptr.testing;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Compute Engine v1 REST API, limited to what the GCP provider calls, shaped after the
 * Compute REST reference: {@code GET /compute/v1/projects/{p}/aggregated/instances},
 * {@code GET .../zones/{z}/instances/{i}}, {@code POST .../zones/{z}/instances/{i}/updateAccessConfig
 * ?networkInterface=nic0} with an AccessConfig body, {@code GET .../zones/{z}/operations/{op}} (and {@code POST
 * .../wait}); Operation objects ({@code kind: compute#operation}, status PENDING/RUNNING/DONE, name, zone,
 * selfLink) and error bodies {@code {"error":{"code","message","errors":[{"message","domain","reason"}]}}}.
 *
 * <p>An update stays RUNNING for the first {@code operationPolls} polls of its operation, then it is applied and the
 * operation is DONE. Setting a PTR whose domain is not in the verified list fails the way GCP does (HTTP 400, a
 * message asking to verify ownership of the PTR domain; the exact wording is approximated).
 */
public final class FakeComputeServer extends FakeHttpServer<FakeComputeServer.Failure> {

  /** Failures the next calls can be told to answer with. */
  public enum Failure {
    RATE_LIMITED(429, "rateLimitExceeded", "Rate Limit Exceeded"),
    INTERNAL(500, "backendError", "Internal error. Please try again or contact Google Support."),
    UNAVAILABLE(503, "backendError", "The service is currently unavailable."),
    UNAUTHENTICATED(401, "authError", "Request had invalid authentication credentials."),
    FORBIDDEN(403, "forbidden", "Required 'compute.instances.updateAccessConfig' permission for"
        + " 'projects/PROJECT/zones/ZONE/instances/INSTANCE'"),
    DOMAIN_NOT_VERIFIED(400, "invalid", "Please verify ownership of the PTR domain at"
        + " https://www.google.com/webmasters/verification/verification?domain=example.com"),
    BAD_REQUEST(400, "invalid", "Invalid value for field 'resource.publicPtrDomainName': 'bad'."),
    /** Holds the request without answering until the server stops (beyond any client timeout). */
    STALL(0, null, null);

    final int status;
    final String reason;
    final String message;

    Failure(int status, String reason, String message) {
      this.status = status;
      this.reason = reason;
      this.message = message;
    }
  }

  private static final Pattern AGGREGATED = Pattern.compile("/compute/v1/projects/([^/]+)/aggregated/instances");
  private static final Pattern INSTANCE =
      Pattern.compile("/compute/v1/projects/([^/]+)/zones/([^/]+)/instances/([^/]+)(/updateAccessConfig)?");
  private static final Pattern OPERATION =
      Pattern.compile("/compute/v1/projects/([^/]+)/zones/([^/]+)/operations/([^/]+?)(/wait)?");
  private static final String BASE = "https://www.googleapis.com/compute/v1/projects/";

  private final String project;
  private final Gson gson = new Gson();
  private final Map<String, JsonObject> instances = new ConcurrentHashMap<>();
  private final Map<String, Op> operations = new ConcurrentHashMap<>();
  private final Set<String> verifiedDomains = new CopyOnWriteArraySet<>();
  private final AtomicLong ids = new AtomicLong(1000);
  private volatile int operationPolls = 1;

  private static final class Op {
    final JsonObject json;
    final Runnable apply;
    int pollsLeft;

    Op(JsonObject json, Runnable apply, int pollsLeft) {
      this.json = json;
      this.apply = apply;
      this.pollsLeft = pollsLeft;
    }
  }

  public FakeComputeServer(String project) throws IOException {
    super("fake-compute", Failure.STALL);
    this.project = project;
  }

  /** An instance with one network interface {@code nic0} and one access config "External NAT" for {@code natIp}. */
  public void addInstance(String zone, String name, String natIp) {
    JsonObject accessConfig = new JsonObject();
    accessConfig.addProperty("kind", "compute#accessConfig");
    accessConfig.addProperty("type", "ONE_TO_ONE_NAT");
    accessConfig.addProperty("name", "External NAT");
    accessConfig.addProperty("natIP", natIp);
    accessConfig.addProperty("networkTier", "PREMIUM");
    JsonObject nic = new JsonObject();
    nic.addProperty("kind", "compute#networkInterface");
    nic.addProperty("name", "nic0");
    nic.addProperty("networkIP", "10.128.0." + (instances.size() + 2));
    JsonArray configs = new JsonArray();
    configs.add(accessConfig);
    nic.add("accessConfigs", configs);
    JsonObject instance = new JsonObject();
    instance.addProperty("kind", "compute#instance");
    instance.addProperty("id", String.valueOf(ids.incrementAndGet()));
    instance.addProperty("name", name);
    instance.addProperty("status", "RUNNING");
    instance.addProperty("zone", BASE + project + "/zones/" + zone);
    instance.addProperty("selfLink", BASE + project + "/zones/" + zone + "/instances/" + name);
    JsonArray nics = new JsonArray();
    nics.add(nic);
    instance.add("networkInterfaces", nics);
    instances.put(zone + "/" + name, instance);
  }

  /** Adds an IPv6 access config (type DIRECT_IPV6) to an instance's nic0. */
  public void addIpv6(String zone, String name, String externalIpv6) {
    JsonObject nic = instances.get(zone + "/" + name).getAsJsonArray("networkInterfaces").get(0).getAsJsonObject();
    JsonObject config = new JsonObject();
    config.addProperty("kind", "compute#accessConfig");
    config.addProperty("type", "DIRECT_IPV6");
    config.addProperty("name", "external-ipv6");
    config.addProperty("externalIpv6", externalIpv6);
    config.addProperty("externalIpv6PrefixLength", 96);
    config.addProperty("networkTier", "PREMIUM");
    JsonArray configs = new JsonArray();
    configs.add(config);
    nic.add("ipv6AccessConfigs", configs);
  }

  /** The access config currently holding {@code ip}, as JSON. */
  public JsonObject accessConfig(String ip) {
    for (JsonObject instance : instances.values()) {
      for (var nic : instance.getAsJsonArray("networkInterfaces")) {
        for (String field : List.of("accessConfigs", "ipv6AccessConfigs")) {
          JsonArray configs = nic.getAsJsonObject().getAsJsonArray(field);
          if (configs == null) {
            continue;
          }
          for (var c : configs) {
            JsonObject config = c.getAsJsonObject();
            String address = config.has("natIP") ? config.get("natIP").getAsString()
                : config.has("externalIpv6") ? config.get("externalIpv6").getAsString() : "";
            if (address.equals(ip)) {
              return config;
            }
          }
        }
      }
    }
    return null;
  }

  /** A domain whose subdomains the caller may use as PTR names (as verified in Search Console). */
  public void verifyDomain(String domain) {
    verifiedDomains.add(domain);
  }

  /** An update's operation answers RUNNING to this many polls, then DONE. */
  public void operationPolls(int polls) {
    this.operationPolls = polls;
  }

  /** Requests whose path ends with {@code pathSuffix}, oldest first. */
  public List<Request> requests(String pathSuffix) {
    return requests().stream().filter(r -> r.path().endsWith(pathSuffix)).toList();
  }

  /** Every Authorization header received (none is expected without credentials). */
  public List<String> authorizations() {
    return requests().stream().map(Request::authorization).filter(a -> a != null).toList();
  }

  /** Counts by method: aggregatedList, get, updateAccessConfig, operations.get, operations.wait. */
  @Override
  protected String callName(Request request) {
    Matcher instance = INSTANCE.matcher(request.path());
    Matcher operation = OPERATION.matcher(request.path());
    return AGGREGATED.matcher(request.path()).matches() ? "aggregatedList"
        : instance.matches() ? (instance.group(4) != null ? "updateAccessConfig" : "get")
        : operation.matches() ? (operation.group(4) != null ? "operations.wait" : "operations.get")
        : "unknown";
  }

  @Override
  protected Reply failure(Failure failure) {
    return error(failure.status, failure.reason, failure.message);
  }

  @Override
  protected Reply answer(Request request) {
    String path = request.path();
    Matcher aggregated = AGGREGATED.matcher(path);
    Matcher instance = INSTANCE.matcher(path);
    Matcher operation = OPERATION.matcher(path);
    String p = aggregated.matches() ? aggregated.group(1) : instance.matches() ? instance.group(1)
        : operation.matches() ? operation.group(1) : null;
    if (p != null && !p.equals(project)) {
      return error(404, "notFound", "The resource 'projects/" + p + "' was not found");
    }
    return switch (request.call()) {
      case "aggregatedList" -> aggregatedList(request.query());
      case "get" -> getInstance(instance.group(2), instance.group(3));
      case "updateAccessConfig" -> updateAccessConfig(instance.group(2), instance.group(3), request);
      case "operations.get", "operations.wait" -> getOperation(operation.group(3));
      default -> error(404, "notFound", "The requested URL " + path + " was not found on this server.");
    };
  }

  @Override
  protected Reply broken(Exception e) {
    return error(500, "backendError", "fake compute: " + e);
  }

  private Reply aggregatedList(Map<String, String> query) {
    List<JsonObject> all = new ArrayList<>(instances.values());
    all.sort((a, b) -> a.get("id").getAsString().compareTo(b.get("id").getAsString()));
    int start = query.containsKey("pageToken") ? Integer.parseInt(query.get("pageToken")) : 0;
    int max = query.containsKey("maxResults") ? Integer.parseInt(query.get("maxResults")) : 500;
    List<JsonObject> page = all.subList(Math.min(start, all.size()), Math.min(start + max, all.size()));
    Map<String, JsonArray> byZone = new LinkedHashMap<>();
    for (JsonObject i : page) {
      String zoneUrl = i.get("zone").getAsString();
      String zone = zoneUrl.substring(zoneUrl.lastIndexOf('/') + 1);
      byZone.computeIfAbsent("zones/" + zone, z -> new JsonArray()).add(i);
    }
    JsonObject items = new JsonObject();
    byZone.forEach((zone, list) -> {
      JsonObject scoped = new JsonObject();
      scoped.add("instances", list);
      items.add(zone, scoped);
    });
    JsonObject empty = new JsonObject();
    JsonObject warning = new JsonObject();
    warning.addProperty("code", "NO_RESULTS_ON_PAGE");
    warning.addProperty("message", "There are no results for scope 'zones/asia-east1-a' on this page.");
    empty.add("warning", warning);
    items.add("zones/asia-east1-a", empty);
    JsonObject answer = new JsonObject();
    answer.addProperty("kind", "compute#instanceAggregatedList");
    answer.addProperty("id", "projects/" + project + "/aggregated/instances");
    answer.add("items", items);
    answer.addProperty("selfLink", BASE + project + "/aggregated/instances");
    if (start + max < all.size()) {
      answer.addProperty("nextPageToken", String.valueOf(start + max));
    }
    return json(200, answer);
  }

  private Reply getInstance(String zone, String name) {
    JsonObject instance = instances.get(zone + "/" + name);
    if (instance == null) {
      return error(404, "notFound", "The resource 'projects/" + project + "/zones/" + zone + "/instances/" + name
          + "' was not found");
    }
    synchronized (instance) {
      return json(200, instance);
    }
  }

  private Reply updateAccessConfig(String zone, String name, Request request) {
    Map<String, String> query = request.query();
    String body = request.body();
    if (!"POST".equals(request.method())) {
      return error(405, "httpMethodNotAllowed", "Method not allowed");
    }
    JsonObject instance = instances.get(zone + "/" + name);
    if (instance == null) {
      return error(404, "notFound", "The resource 'projects/" + project + "/zones/" + zone + "/instances/" + name
          + "' was not found");
    }
    String nicName = query.get("networkInterface");
    JsonObject nic = null;
    for (var n : instance.getAsJsonArray("networkInterfaces")) {
      if (n.getAsJsonObject().get("name").getAsString().equals(nicName)) {
        nic = n.getAsJsonObject();
      }
    }
    if (nic == null) {
      return error(400, "invalid", "Invalid value for field 'networkInterface': '" + nicName + "'.");
    }
    JsonObject update = JsonParser.parseString(body).getAsJsonObject();
    boolean ipv6 = update.has("type") && "DIRECT_IPV6".equals(update.get("type").getAsString());
    JsonArray configs = nic.getAsJsonArray(ipv6 ? "ipv6AccessConfigs" : "accessConfigs");
    JsonObject target = null;
    if (configs != null) {
      for (var c : configs) {
        if (update.has("name") && c.getAsJsonObject().get("name").getAsString().equals(update.get("name").getAsString())) {
          target = c.getAsJsonObject();
        }
      }
    }
    if (target == null) {
      return error(400, "invalid", "Invalid value for field 'resource.name': '" + update.get("name") + "'.");
    }
    boolean setPtr = update.has("setPublicPtr") && update.get("setPublicPtr").getAsBoolean();
    String domain = update.has("publicPtrDomainName") ? update.get("publicPtrDomainName").getAsString() : null;
    if (!setPtr && domain != null && !domain.isEmpty()) {
      return error(400, "invalid", "Invalid value for field 'resource.publicPtrDomainName': '" + domain
          + "'. The field can only be set when setPublicPtr is true.");
    }
    if (setPtr) {
      if (domain == null || domain.isEmpty()) {
        return error(400, "invalid", "Required field 'resource.publicPtrDomainName' not specified");
      }
      String bare = domain.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
      boolean verified = verifiedDomains.stream().anyMatch(d -> bare.equals(d) || bare.endsWith("." + d));
      if (!verified) {
        String registrable = bare.substring(bare.indexOf('.') + 1);
        return error(400, "invalid", "Please verify ownership of the PTR domain at"
            + " https://www.google.com/webmasters/verification/verification?domain=" + registrable);
      }
    }
    JsonObject config = target;
    Runnable apply = () -> {
      synchronized (instance) {
        config.addProperty("setPublicPtr", setPtr);
        if (setPtr) {
          config.addProperty("publicPtrDomainName", domain);
        } else {
          config.remove("publicPtrDomainName");
        }
      }
    };
    String opName = "operation-" + ids.incrementAndGet() + "-fake";
    JsonObject op = new JsonObject();
    op.addProperty("kind", "compute#operation");
    op.addProperty("id", String.valueOf(ids.incrementAndGet()));
    op.addProperty("name", opName);
    op.addProperty("zone", BASE + project + "/zones/" + zone);
    op.addProperty("operationType", "updateAccessConfig");
    op.addProperty("targetLink", instance.get("selfLink").getAsString());
    op.addProperty("targetId", instance.get("id").getAsString());
    op.addProperty("user", "ptr-operator@" + project + ".iam.gserviceaccount.com");
    op.addProperty("progress", 0);
    op.addProperty("insertTime", "2026-11-28T10:00:00.000-08:00");
    op.addProperty("selfLink", BASE + project + "/zones/" + zone + "/operations/" + opName);
    int polls = operationPolls;
    if (polls <= 0) {
      apply.run();
      op.addProperty("status", "DONE");
      op.addProperty("progress", 100);
    } else {
      op.addProperty("status", "RUNNING");
    }
    operations.put(opName, new Op(op, apply, polls));
    return json(200, op);
  }

  private Reply getOperation(String name) {
    Op op = operations.get(name);
    if (op == null) {
      return error(404, "notFound", "The resource 'projects/" + project + "/zones/.../operations/" + name
          + "' was not found");
    }
    synchronized (op) {
      if (!"DONE".equals(op.json.get("status").getAsString())) {
        if (op.pollsLeft > 1) {
          op.pollsLeft--;
        } else {
          op.apply.run();
          op.json.addProperty("status", "DONE");
          op.json.addProperty("progress", 100);
        }
      }
      return json(200, op.json);
    }
  }

  private Reply error(int status, String reason, String message) {
    JsonObject detail = new JsonObject();
    detail.addProperty("message", message);
    detail.addProperty("domain", "global");
    detail.addProperty("reason", reason);
    JsonArray errors = new JsonArray();
    errors.add(detail);
    JsonObject error = new JsonObject();
    error.addProperty("code", status);
    error.addProperty("message", message);
    error.add("errors", errors);
    JsonObject body = new JsonObject();
    body.add("error", error);
    return json(status, body);
  }

  private Reply json(int status, JsonObject json) {
    return Reply.raw(status, "application/json; charset=UTF-8", gson.toJson(json));
  }
}
