package dev.mailops.ptr.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the Argo CD health checks in deploy/argocd/ the way Argo CD does: the object as the global {@code obj}, the
 * script's returned table read for {@code status} and {@code message}. LuaJ is Lua 5.2, Argo CD's gopher-lua 5.1;
 * the scripts use only what both have.
 */
class ArgoCdHealthLuaTest {

  record Health(String status, String message) {}

  static Health run(String kind, String objectYaml) throws Exception {
    Path script = Path.of("deploy/argocd/health-" + kind + ".lua");
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(Serialization.unmarshal(objectYaml, Map.class)));
    LuaValue result = globals.load(Files.readString(script), script.toString()).call();
    assertThat(result.istable()).as("%s returns a table", script).isTrue();
    return new Health(result.get("status").optjstring(null), result.get("message").optjstring(null));
  }

  private static LuaValue toLua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    }
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((k, v) -> table.set(k.toString(), toLua(v)));
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        table.set(i + 1, toLua(list.get(i)));
      }
      return table;
    }
    if (value instanceof Number number) {
      return LuaValue.valueOf(number.doubleValue());
    }
    if (value instanceof Boolean bool) {
      return LuaValue.valueOf(bool);
    }
    return LuaValue.valueOf(value.toString());
  }

  private static String object(String kind, long generation, String status) {
    String apiKind = kind.equals("sendingip") ? "SendingIp" : "ReverseDnsProvider";
    return """
        apiVersion: ptr.mailops.dev/v1alpha1
        kind: %s
        metadata: {name: x, generation: %d}
        spec: {}
        """.formatted(apiKind, generation) + (status == null ? "" : "status:\n" + status.indent(2));
  }

  private static String status(long observed, String readyStatus, String reason, String message) {
    return """
        observedGeneration: %d
        conditions:
        - {type: PtrPresent, status: "True", reason: PtrFound, message: "PTR found", observedGeneration: %d}
        - {type: Ready, status: "%s", reason: %s, message: "%s", observedGeneration: %d}
        """.formatted(observed, observed, readyStatus, reason, message, observed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void readyTrueForTheCurrentGenerationIsHealthy(String kind) throws Exception {
    Health health = run(kind, object(kind, 3, status(3, "True", "Compliant", "mail.example.com confirms 192.0.2.10")));
    assertThat(health.status()).isEqualTo("Healthy");
    assertThat(health.message()).isEqualTo("Compliant: mail.example.com confirms 192.0.2.10");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void readyFalseIsDegradedWithReasonAndMessage(String kind) throws Exception {
    Health health = run(kind, object(kind, 2, status(2, "False", "NoPtrRecord",
        "No PTR record for 192.0.2.10. Ask the owner of this IP to set its PTR to mail.example.com")));
    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message())
        .isEqualTo("NoPtrRecord: No PTR record for 192.0.2.10. Ask the owner of this IP to set its PTR to mail.example.com");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void noStatusYetIsProgressing(String kind) throws Exception {
    Health health = run(kind, object(kind, 1, null));
    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).isEqualTo("Waiting for ptr-operator to report a status");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void statusWithoutReadyConditionIsProgressing(String kind) throws Exception {
    Health health = run(kind, object(kind, 1, "observedGeneration: 1\nconditions: []\n"));
    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).isEqualTo("Waiting for ptr-operator to report the Ready condition");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void aStatusForAnOlderGenerationIsProgressingEvenWhenItSaidReady(String kind) throws Exception {
    Health health = run(kind, object(kind, 4, status(3, "True", "Compliant", "fine before the edit")));
    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).isEqualTo("Waiting for ptr-operator to observe generation 4 (status is for generation 3)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void anOlderGenerationAlsoHidesAFailure(String kind) throws Exception {
    Health health = run(kind, object(kind, 5, status(4, "False", "PtrMismatch", "old news")));
    assertThat(health.status()).isEqualTo("Progressing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void readyUnknownIsProgressingWithItsReason(String kind) throws Exception {
    Health health = run(kind, object(kind, 1, status(1, "Unknown", "DnsTemporaryFailure", "SERVFAIL from 10.0.0.10")));
    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).isEqualTo("DnsTemporaryFailure: SERVFAIL from 10.0.0.10");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void theConditionsObservedGenerationCountsWhenTheStatusHasNone(String kind) throws Exception {
    String status = """
        conditions:
        - {type: Ready, status: "True", reason: Compliant, message: ok, observedGeneration: 1}
        """;
    assertThat(run(kind, object(kind, 2, status)).status()).isEqualTo("Progressing");
    assertThat(run(kind, object(kind, 1, status)).status()).isEqualTo("Healthy");
  }

  private static String kstatusStatus(String ready, String reconciling, String stalled, String reason, String message) {
    return """
        observedGeneration: 2
        conditions:
        - {type: Ready, status: "%s", reason: %s, message: "%s", observedGeneration: 2}
        - {type: Reconciling, status: "%s", reason: %s, message: "%s", observedGeneration: 2}
        - {type: Stalled, status: "%s", reason: %s, message: "%s", observedGeneration: 2}
        """.formatted(ready, reason, message, reconciling, reconciling.equals("True") ? reason : "Stalled", message,
        stalled, stalled.equals("True") ? reason : "Reconciling", message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void notReadyWhileReconcilingIsProgressingNotDegraded(String kind) throws Exception {
    Health health = run(kind, object(kind, 2, kstatusStatus("False", "True", "False", "UpdatePending",
        "Set the PTR at aws-prod; waiting for DNS to show it")));
    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).isEqualTo("UpdatePending: Set the PTR at aws-prod; waiting for DNS to show it");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendingip", "reversednsprovider"})
  void stalledIsDegradedWithStalledsReasonAndMessage(String kind) throws Exception {
    Health health = run(kind, object(kind, 2, kstatusStatus("False", "False", "True", "DuplicateIp",
        "SendingIp mail/mx1 claims 192.0.2.10 first")));
    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message()).isEqualTo("DuplicateIp: SendingIp mail/mx1 claims 192.0.2.10 first");
  }
}
