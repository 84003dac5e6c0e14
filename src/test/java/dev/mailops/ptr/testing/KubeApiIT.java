package dev.mailops.ptr.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.junit.jupiter.api.Test;

class KubeApiIT {

  @Test
  void realApiServerStoresANamespaceAndAConfigMap() {
    KubeApi api = KubeApi.shared();
    String namespace = api.newNamespace("smoke");
    api.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("greeting").endMetadata().addToData("hello", "world").build()).create();

    assertThat(api.client().configMaps().inNamespace(namespace).withName("greeting").get().getData())
        .containsEntry("hello", "world");
    assertThat(api.kubectl("get", "configmap", "greeting", "-n", namespace, "-o", "jsonpath={.data.hello}"))
        .isEqualTo("world");
    assertThat(api.kubectl("version", "-o", "json")).contains("\"gitVersion\": \"v" + KubeApi.VERSION + "\"");
  }
}
