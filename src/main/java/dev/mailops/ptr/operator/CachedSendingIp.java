package dev.mailops.ptr.operator;

import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpSpec;
import dev.mailops.ptr.api.SendingIpStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the informer cache keeps of a SendingIp: the operator holds every one it watches, so at 10,000 and more the
 * cache is most of the heap (docs/benchmarks.md, "live heap per SendingIp").
 *
 * <ul>
 *   <li>Dropped: {@code metadata.managedFields} (server-side apply bookkeeping) and the
 *       {@value #LAST_APPLIED} annotation (client-side {@code kubectl apply} keeps a second copy of the manifest
 *       there). Nothing in the operator reads either. Both stay on the API server: the operator writes status by a
 *       server-side apply of a fresh object carrying only name, namespace and status, and its finalizer changes are
 *       JSON patches of the difference, so what the cache lacks is never written back.
 *   <li>Frozen: its lists and maps cannot be changed. The reconciler is handed the cached object itself
 *       ({@link CacheSharingCloner}) and only reads it; a change would throw rather than corrupt the cache.
 *   <li>Shared: a PTR name or forward address equal to the spec's hostname or IP is the spec's string; empty
 *       maps, and strings that repeat across objects (namespace, condition types, statuses, reasons, common
 *       messages, timestamps of a mass creation or check, the owner of a network), which JSON parsing makes anew
 *       for every object; the apiVersion and CRD name fabric8 works out for every instance; and the object's
 *       name, IP and hostname, which every watch event of it makes anew while the ResourceIDs and IP keys kept by
 *       JOSDK and the operator still hold the copy they were made from.
 *   <li>Templated: a condition message that names the object's own IP or hostname ("PTR for 192.0.2.1:
 *       mail.example.com") is kept with placeholders in their place, so the SendingIps whose messages differ only
 *       there share one copy. {@link #statusOf} gives the status back with the messages as the API server has them;
 *       it is what the reconciler reads.
 * </ul>
 */
final class CachedSendingIp {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  /** Placeholders for the spec's IP and hostname in a cached message: control characters no message holds. */
  private static final char IP = '\u0001';
  private static final char HOSTNAME = '\u0002';

  private CachedSendingIp() {}

  /** Trims {@code resource} in place for the cache and returns it. */
  static SendingIp trim(SendingIp resource) {
    ObjectMeta meta = resource.getMetadata();
    meta.setManagedFields(null);
    Map<String, String> annotations = meta.getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      annotations.remove(LAST_APPLIED);
    }
    meta.setAnnotations(frozen(meta.getAnnotations()));
    meta.setLabels(frozen(meta.getLabels()));
    meta.setFinalizers(frozen(meta.getFinalizers()));
    meta.setAdditionalProperties(frozen(meta.getAdditionalProperties()));
    meta.setNamespace(shared(meta.getNamespace()));
    // each watch event parses the name anew, and JOSDK and the operator keep ResourceIDs made from earlier copies
    meta.setName(shared(meta.getName()));
    meta.setCreationTimestamp(shared(meta.getCreationTimestamp()));
    meta.setOwnerReferences(frozen(meta.getOwnerReferences()));
    shareComputedNames(resource);
    SendingIpSpec spec = resource.getSpec();
    if (spec != null) {
      spec.setIp(shared(spec.getIp()));
      spec.setHostname(shared(spec.getHostname()));
      spec.setDomain(shared(spec.getDomain()));
      spec.setRecheckInterval(shared(spec.getRecheckInterval()));
    }
    SendingIpStatus status = resource.getStatus();
    if (status != null) {
      status.setPtrNames(frozen(reusing(status.getPtrNames(), spec == null ? null : spec.getHostname())));
      status.setForwardAddresses(frozen(reusing(status.getForwardAddresses(), spec == null ? null : spec.getIp())));
      status.setIprev(shared(status.getIprev()));
      status.setLastCheckTime(shared(status.getLastCheckTime()));
      if (status.getOwner() != null) {
        shareStrings(status.getOwner());
      }
      if (status.getConditions() != null) {
        for (Condition c : status.getConditions()) {
          c.setType(shared(c.getType()));
          c.setStatus(shared(c.getStatus()));
          c.setReason(shared(c.getReason()));
          c.setMessage(shared(template(c.getMessage(), spec)));
          c.setLastTransitionTime(shared(c.getLastTransitionTime()));
          c.setAdditionalProperties(frozen(c.getAdditionalProperties()));
        }
        status.setConditions(frozen(status.getConditions()));
      }
    }
    return resource;
  }

  /**
   * fabric8's CustomResource works out apiVersion, singular and CRD name anew for every instance, into private final
   * fields without a setter ({@code setApiVersion} ignores its argument): strings equal for every SendingIp, kept
   * per cached object. Reflection is the only way to point them at one copy; the fields are listed by name, and
   * one a later fabric8 lacks is left alone. Its kind, plural and scope are already one copy (a heap dump of
   * 3,000 cached SendingIps held one of each): not touched on every watch event.
   */
  private static final List<Field> COMPUTED_NAMES = Stream.of("apiVersion", "singular", "crdName")
      .flatMap(CachedSendingIp::customResourceField).toList();

  private static Stream<Field> customResourceField(String name) {
    try {
      Field field = CustomResource.class.getDeclaredField(name);
      field.setAccessible(true);
      return field.getType() == String.class ? Stream.of(field) : Stream.empty();
    } catch (NoSuchFieldException | RuntimeException e) {
      return Stream.empty();
    }
  }

  private static void shareComputedNames(SendingIp resource) {
    for (Field field : COMPUTED_NAMES) {
      try {
        field.set(resource, shared((String) field.get(resource)));
      } catch (IllegalAccessException | RuntimeException e) {
        // stays its own copy: more memory, same meaning
      }
    }
  }

  /** Makes {@code owner}'s strings the JVM's one copy: they are the same for every IP of a network. */
  static void shareStrings(OwnerStatus owner) {
    owner.setName(shared(owner.getName()));
    owner.setKind(shared(owner.getKind()));
    owner.setContact(shared(owner.getContact()));
    owner.setRdap(shared(owner.getRdap()));
    owner.setProviderType(shared(owner.getProviderType()));
    owner.setNetwork(shared(owner.getNetwork()));
    owner.setReason(shared(owner.getReason()));
    owner.setCheckedAt(shared(owner.getCheckedAt()));
  }

  /**
   * The status of a cached (or any) SendingIp with its condition messages as written: the templated ones filled
   * in with the spec's IP and hostname. The cached status itself when no message is templated.
   */
  static SendingIpStatus statusOf(SendingIp resource) {
    SendingIpStatus status = resource.getStatus();
    if (status == null || status.getConditions() == null
        || status.getConditions().stream().noneMatch(c -> isTemplate(c.getMessage()))) {
      return status;
    }
    SendingIpSpec spec = resource.getSpec();
    return status.withConditions(status.getConditions().stream()
        .map(c -> isTemplate(c.getMessage()) ? new ConditionBuilder(c).withMessage(filledIn(c.getMessage(), spec))
            .build() : c)
        .toList());
  }

  /** {@code message} with the spec's IP and hostname replaced by placeholders; as it is when it holds neither. */
  static String template(String message, SendingIpSpec spec) {
    if (message == null || spec == null || isTemplate(message)) {
      return message; // a message with a placeholder character already could not be filled in faithfully
    }
    String t = message;
    if (spec.getHostname() != null && !spec.getHostname().isEmpty()) {
      t = t.replace(spec.getHostname(), String.valueOf(HOSTNAME));
    }
    if (spec.getIp() != null && !spec.getIp().isEmpty()) {
      t = t.replace(spec.getIp(), String.valueOf(IP));
    }
    return t;
  }

  private static String filledIn(String template, SendingIpSpec spec) {
    String ip = spec == null || spec.getIp() == null ? "" : spec.getIp();
    String hostname = spec == null || spec.getHostname() == null ? "" : spec.getHostname();
    return template.replace(String.valueOf(IP), ip).replace(String.valueOf(HOSTNAME), hostname);
  }

  private static boolean isTemplate(String message) {
    return message != null && (message.indexOf(IP) >= 0 || message.indexOf(HOSTNAME) >= 0);
  }

  /** {@code names} with each element equal to {@code same} replaced by it: one copy of what the object repeats. */
  private static List<String> reusing(List<String> names, String same) {
    return names == null || same == null || !names.contains(same) ? names
        : names.stream().map(name -> same.equals(name) ? same : name).toList();
  }

  /** An unmodifiable copy (compact: no spare capacity); as it is when it holds a null, which List.copyOf refuses. */
  private static <T> List<T> frozen(List<T> list) {
    return list == null || list.contains(null) ? list : List.copyOf(list);
  }

  /**
   * The same for a map; an empty one becomes the JVM's one empty map, where JSON parsing gives every fabric8 object
   * and condition its own (often never used) map.
   */
  private static <V> Map<String, V> frozen(Map<String, V> map) {
    return map == null || map.containsKey(null) || map.containsValue(null) ? map : Map.copyOf(map);
  }

  /**
   * The JVM's string table: one copy of equal strings, and an entry goes when no object refers to its string any
   * more, so names and messages of deleted objects do not pile up.
   */
  private static String shared(String s) {
    return s == null ? null : s.intern();
  }
}
