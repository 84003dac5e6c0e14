package dev.mailops.ptr.operator;

import dev.mailops.ptr.provider.PtrProviders;
import dev.mailops.ptr.provider.aws.AwsProviderFactory;
import dev.mailops.ptr.provider.azure.AzureProviderFactory;
import dev.mailops.ptr.provider.digitalocean.DigitalOceanProviderFactory;
import dev.mailops.ptr.provider.gcp.GcpProviderFactory;
import dev.mailops.ptr.provider.hetzner.HetznerProviderFactory;
import dev.mailops.ptr.provider.linode.LinodeProviderFactory;
import dev.mailops.ptr.provider.ovh.OvhProviderFactory;
import dev.mailops.ptr.provider.rfc2136.Rfc2136ProviderFactory;
import dev.mailops.ptr.provider.rfc2136.Rfc2136PtrProvider;
import dev.mailops.ptr.provider.scaleway.ScalewayProviderFactory;
import dev.mailops.ptr.provider.vultr.VultrProviderFactory;
import java.time.Duration;

/** The provider types this operator ships: adding one is one line here. */
public final class ShippedProviders {
  private ShippedProviders() {}

  /** @param dnsTimeout how long an rfc2136 provider waits for one DNS answer */
  public static PtrProviders all(Duration dnsTimeout) {
    return PtrProviders.none()
        .with(Rfc2136PtrProvider.TYPE, new Rfc2136ProviderFactory(dnsTimeout))
        .with(AwsProviderFactory.TYPE, new AwsProviderFactory())
        .with(GcpProviderFactory.TYPE, new GcpProviderFactory())
        .with(AzureProviderFactory.TYPE, new AzureProviderFactory())
        .with(DigitalOceanProviderFactory.TYPE, new DigitalOceanProviderFactory())
        .with(HetznerProviderFactory.TYPE, new HetznerProviderFactory())
        .with(LinodeProviderFactory.TYPE, new LinodeProviderFactory())
        .with(VultrProviderFactory.TYPE, new VultrProviderFactory())
        .with(ScalewayProviderFactory.TYPE, new ScalewayProviderFactory())
        .with(OvhProviderFactory.TYPE, new OvhProviderFactory());
  }
}
