package dev.mailops.ptr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class CrdFilesTest {

  @Test
  void committedCrdsMatchTheJavaModel() throws Exception {
    for (String name : CrdFiles.NAMES) {
      assertThat(Files.readString(CrdFiles.committed(name)))
          .as("crds/%s.yaml is stale: run `make crds` and commit the result", name)
          .isEqualTo(CrdFiles.expected(name));
    }
  }

  @Test
  void sendingIpColumnsAreInTheDocumentedOrderWithIprevReasonAndOwnerOnlyInWideOutput() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(CrdFiles.committed("sendingips.ptr.mailops.dev")), CustomResourceDefinition.class);
    var columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    assertThat(columns).extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("IP", "Hostname", "PTR", "FCrDNS", "Ready", "Age", "Iprev", "Reason", "Owner");
    assertThat(columns).filteredOn(c -> c.getPriority() == 1).extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Iprev", "Reason", "Owner");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("sip");
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("mail");
    assertThat(crd.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
  }
}
