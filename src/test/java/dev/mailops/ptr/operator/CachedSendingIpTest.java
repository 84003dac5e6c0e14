package dev.mailops.ptr.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailops.ptr.api.OwnerStatus;
import dev.mailops.ptr.api.SendingIp;
import dev.mailops.ptr.api.SendingIpStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the informer cache keeps of a SendingIp as the API server sends it (a kubectl-applied one here). */
class CachedSendingIpTest {
  /** As a watch or list delivers it: created by `kubectl apply`, with managedFields and a status. */
  private static String fromApiServer(String name, String ip) {
    String manifest = "{\\\"apiVersion\\\":\\\"ptr.mailops.dev/v1alpha1\\\",\\\"kind\\\":\\\"SendingIp\\\","
        + "\\\"metadata\\\":{\\\"annotations\\\":{},\\\"name\\\":\\\"" + name + "\\\",\\\"namespace\\\":\\\"mail\\\"},"
        + "\\\"spec\\\":{\\\"ip\\\":\\\"" + ip + "\\\"}}\\n";
    return """
        {"apiVersion": "ptr.mailops.dev/v1alpha1", "kind": "SendingIp",
         "metadata": {"name": "%s", "namespace": "mail", "uid": "u-%s", "resourceVersion": "7", "generation": 1,
           "creationTimestamp": "2026-11-30T06:00:00Z",
           "labels": {"team": "mail"},
           "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "%s", "owner": "mail-team"},
           "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update",
             "apiVersion": "ptr.mailops.dev/v1alpha1", "fieldsType": "FieldsV1",
             "fieldsV1": {"f:spec": {".": {}, "f:ip": {}}}}]},
         "spec": {"ip": "%s", "hostname": "mail.example.com", "domain": "example.com"},
         "status": {"observedGeneration": 1, "iprev": "pass", "lastCheckTime": "2026-11-30T06:00:05Z",
           "ptrNames": ["mail.example.com"], "forwardAddresses": ["%s"],
           "conditions": [{"type": "Ready", "status": "True", "reason": "Compliant",
             "message": "the PTR is set, forward-confirmed and meaningful", "observedGeneration": 1,
             "lastTransitionTime": "2026-11-30T06:00:05Z"},
             {"type": "PtrPresent", "status": "True", "reason": "PtrFound",
             "message": "PTR for %s: mail.example.com", "observedGeneration": 1,
             "lastTransitionTime": "2026-11-30T06:00:05Z"}],
           "provider": {"name": "aws-eu", "ptrValue": "mail.example.com", "updateStatus": "InSync"},
           "owner": {"name": "Example Hosting", "kind": "hoster", "contact": "abuse@hosting.example",
             "rdap": "https://rdap.example/ip/192.0.2.0", "network": "192.0.2.0/24",
             "checkedAt": "2026-11-30T06:00:04Z"}}}
        """.formatted(name, name, manifest, ip, ip, ip);
  }

  @Test
  void cacheCopyDropsKubectlsLastAppliedConfigurationAndManagedFieldsButKeepsTheRest() {
    SendingIp cached = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class));

    assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("owner");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getLabels()).containsEntry("team", "mail");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(cached.getSpec().getIp()).isEqualTo("192.0.2.1");
    assertThat(cached.getStatus().condition("Ready").map(Condition::getReason)).contains("Compliant");
  }

  @Test
  void stringsRepeatedAcrossSendingIpsAreKeptOnceInTheCache() {
    SendingIp a = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class));
    SendingIp b = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("b", "192.0.2.2"), SendingIp.class));

    Condition readyA = a.getStatus().condition("Ready").orElseThrow();
    Condition readyB = b.getStatus().condition("Ready").orElseThrow();
    assertThat(readyA.getMessage()).isSameAs(readyB.getMessage());
    assertThat(readyA.getReason()).isSameAs(readyB.getReason());
    assertThat(readyA.getLastTransitionTime()).isSameAs(readyB.getLastTransitionTime());
    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getOwnerReferences()).isSameAs(b.getMetadata().getOwnerReferences());
    // fabric8 works these out anew for every object
    assertThat(a.getApiVersion()).isSameAs(b.getApiVersion());
    assertThat(a.getSingular()).isSameAs(b.getSingular());
    assertThat(a.getCRDName()).isSameAs(b.getCRDName());
    // the IPs of one network share their owner: one copy of its name, contact, network and check time
    OwnerStatus ownerA = a.getStatus().getOwner();
    OwnerStatus ownerB = b.getStatus().getOwner();
    assertThat(ownerA.getName()).isSameAs(ownerB.getName());
    assertThat(ownerA.getContact()).isSameAs(ownerB.getContact());
    assertThat(ownerA.getRdap()).isSameAs(ownerB.getRdap());
    assertThat(ownerA.getNetwork()).isSameAs(ownerB.getNetwork());
    assertThat(ownerA.getCheckedAt()).isSameAs(ownerB.getCheckedAt());
  }

  @Test
  void messagesNamingTheObjectsOwnIpAndHostnameAreKeptOnceAndReadBackAsTheApiServerHasThem() {
    SendingIp sent = Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class);
    SendingIp a = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class));
    SendingIp b = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("b", "192.0.2.2"), SendingIp.class));

    assertThat(a.getStatus().condition("PtrPresent").orElseThrow().getMessage())
        .isSameAs(b.getStatus().condition("PtrPresent").orElseThrow().getMessage());
    SendingIpStatus read = CachedSendingIp.statusOf(a);
    assertThat(read.condition("PtrPresent").map(Condition::getMessage)).contains("PTR for 192.0.2.1: mail.example.com");
    assertThat(CachedSendingIp.statusOf(b).condition("PtrPresent").map(Condition::getMessage))
        .contains("PTR for 192.0.2.2: mail.example.com");
    assertThat(read.sameObservationAs(sent.getStatus())).isTrue();
    assertThat(Serialization.asJson(read)).isEqualTo(Serialization.asJson(sent.getStatus()));
  }

  @Test
  void aMessageThatAlreadyHoldsAPlaceholderCharacterIsKeptAsItIs() {
    SendingIp sent = Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class);
    String odd = "edited by hand \u0001 192.0.2.1";
    sent.getStatus().getConditions().get(1).setMessage(odd);

    SendingIp cached = CachedSendingIp.trim(sent);

    assertThat(cached.getStatus().getConditions().get(1).getMessage()).isEqualTo(odd);
  }

  @Test
  void theCachedObjectsListsAndMapsCannotBeChangedSoAReconcileCannotCorruptTheCache() {
    SendingIp cached = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class));

    assertThatThrownBy(() -> cached.addFinalizer("example.com/finalizer"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> cached.getMetadata().getLabels().put("team", "other"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> cached.getStatus().getConditions().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(cached.getStatus().getConditions()).hasSize(2);
  }

  @Test
  void theInformersStoreKeepsWhatTrimmingShared() {
    ItemStore<SendingIp> store = TrimmedInformerCaches.newStore(Sharding.NONE);
    for (String name : List.of("a", "b")) {
      SendingIp parsed = Serialization.unmarshal(fromApiServer(name, "192.0.2.1"), SendingIp.class);
      store.put(store.getKey(parsed), parsed);
    }

    SendingIp a = store.get("mail/a");
    SendingIp b = store.get("mail/b");
    assertThat(a.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(a.getMetadata().getNamespace()).isEqualTo("mail").isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(store.keySet()).containsExactlyInAnyOrder("mail/a", "mail/b");
  }

  @Test
  void eachWatchEventOfAnObjectSharesTheNameIpAndHostnameOfTheCopiesBefore() {
    SendingIp before = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class));
    SendingIp after = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class));

    assertThat(after.getMetadata().getName()).isSameAs(before.getMetadata().getName());
    assertThat(after.getSpec().getIp()).isSameAs(before.getSpec().getIp());
    assertThat(after.getSpec().getHostname()).isSameAs(before.getSpec().getHostname());
  }

  @Test
  void aPtrNameOrForwardAddressEqualToTheSpecsIsKeptOnce() {
    SendingIp cached = CachedSendingIp.trim(Serialization.unmarshal(fromApiServer("a", "192.0.2.1"), SendingIp.class));

    assertThat(cached.getStatus().getPtrNames().get(0)).isSameAs(cached.getSpec().getHostname());
    assertThat(cached.getStatus().getForwardAddresses().get(0)).isSameAs(cached.getSpec().getIp());
  }
}
