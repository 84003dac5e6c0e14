package dev.mailops.ptr.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An email sending IP and the hostname its reverse DNS should name. */
@Group(SendingIp.GROUP)
@Version(SendingIp.VERSION)
@Plural("sendingips")
@ShortNames("sip")
@Categories("mail")
@AdditionalPrinterColumn(name = "IP", jsonPath = ".spec.ip", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Hostname", jsonPath = ".spec.hostname", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PTR", jsonPath = ".status.ptrNames[0]", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "FCrDNS", jsonPath = ".status.conditions[?(@.type==\"ForwardConfirmed\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Iprev", jsonPath = ".status.iprev", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Owner", jsonPath = ".status.owner.name", type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@io.fabric8.generator.annotation.ValidationRule(value = "has(self.spec)", message = "spec is required (at least spec.ip)")
public class SendingIp extends CustomResource<SendingIpSpec, SendingIpStatus> implements Namespaced {
  public static final String GROUP = "ptr.mailops.dev";
  public static final String VERSION = "v1alpha1";
}
