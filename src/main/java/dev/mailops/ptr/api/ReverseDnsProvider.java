package dev.mailops.ptr.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** How, with which credentials and for which IPs and namespaces PTRs may be set (cluster-scoped). */
@Group(SendingIp.GROUP)
@Version(SendingIp.VERSION)
@Plural("reversednsproviders")
@ShortNames("rdnsp")
@Categories("mail")
@AdditionalPrinterColumn(name = "Type", jsonPath = ".status.type", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@io.fabric8.generator.annotation.ValidationRule(value = "has(self.spec)",
    message = "spec is required (allowedCidrs and one of aws, gcp, rfc2136, azure or digitalocean)")
public class ReverseDnsProvider extends CustomResource<ReverseDnsProviderSpec, ReverseDnsProviderStatus> {
}
