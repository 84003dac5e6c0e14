package dev.mailops.ptr.owner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small files in the formats the clouds publish. */
class CloudRangesTest {
  @TempDir
  Path dir;

  private Owner lookup(CloudRanges ranges, String ip) {
    return ranges.lookup(InetAddresses.forString(ip)).orElse(null);
  }

  @Test
  void awsNamesRegionAndServicePreferringTheServiceOverTheAmazonSuperset() throws Exception {
    Files.writeString(dir.resolve("ip-ranges.json"), """
        {"syncToken": "1700000000", "createDate": "2026-11-30-00-00-00",
         "prefixes": [
           {"ip_prefix": "3.0.0.0/9", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1"},
           {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1"},
           {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1"}],
         "ipv6_prefixes": [
           {"ipv6_prefix": "2600:1f18::/33", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1"}]}
        """);
    CloudRanges ranges = CloudRanges.load(dir);
    Owner ec2 = lookup(ranges, "3.80.1.2");
    assertThat(ec2.name()).isEqualTo("AWS, us-east-1, EC2");
    assertThat(ec2.kind()).isEqualTo(Owner.Kind.CLOUD);
    assertThat(ec2.providerType()).isEqualTo("aws");
    assertThat(ec2.network()).isEqualTo("3.80.0.0/12");
    assertThat(lookup(ranges, "3.1.1.1").name()).isEqualTo("AWS, us-east-1");
    assertThat(lookup(ranges, "2600:1f18::25").name()).isEqualTo("AWS, us-east-1, EC2");
    assertThat(lookup(ranges, "4.1.1.1")).isNull();
  }

  @Test
  void googleCloudAzureOracleAndDigitalOceanFormats() throws Exception {
    Files.writeString(dir.resolve("cloud.json"), """
        {"syncToken": "1", "creationTime": "2026-11-30T00:00:00",
         "prefixes": [{"ipv4Prefix": "34.80.0.0/15", "service": "Google Cloud", "scope": "asia-east1"},
                      {"ipv6Prefix": "2600:1900:4030::/44", "service": "Google Cloud", "scope": "asia-east1"}]}
        """);
    Files.writeString(dir.resolve("ServiceTags_Public_20261130.json"), """
        {"changeNumber": 1, "cloud": "Public", "values": [
          {"name": "AzureCloud", "id": "AzureCloud", "properties": {"changeNumber": 1, "region": "", "regionId": 0,
             "platform": "Azure", "systemService": "", "addressPrefixes": ["20.0.0.0/8"], "networkFeatures": null}},
          {"name": "AzureCloud.eastus", "id": "AzureCloud.eastus", "properties": {"changeNumber": 1, "region": "eastus",
             "regionId": 32, "platform": "Azure", "systemService": "", "addressPrefixes": ["20.42.0.0/17"]}},
          {"name": "Storage.EastUS", "id": "Storage.EastUS", "properties": {"changeNumber": 1, "region": "eastus",
             "regionId": 32, "platform": "Azure", "systemService": "AzureStorage", "addressPrefixes": ["20.42.0.0/17"]}}]}
        """);
    Files.writeString(dir.resolve("public_ip_ranges.json"), """
        {"last_updated_timestamp": "2026-11-30T00:00:00.000000",
         "regions": [{"region": "us-phoenix-1", "cidrs": [{"cidr": "129.146.0.0/21", "tags": ["OCI"]},
                                                          {"cidr": "134.70.8.0/21", "tags": ["OSN", "OBJECT_STORAGE"]}]}]}
        """);
    Files.writeString(dir.resolve("digitalocean.csv"), """
        # prefix,country,region,city,postal
        164.90.0.0/20,NL,NL-NH,Amsterdam,1098
        2a03:b0c0:2::/48,NL,NL-NH,,
        """);
    CloudRanges ranges = CloudRanges.load(dir);
    assertThat(ranges.problems()).isEmpty();
    assertThat(lookup(ranges, "34.81.2.3").name()).isEqualTo("Google Cloud, asia-east1");
    assertThat(lookup(ranges, "34.81.2.3").providerType()).isEqualTo("gcp");
    assertThat(lookup(ranges, "2600:1900:4030::1").name()).isEqualTo("Google Cloud, asia-east1");
    assertThat(lookup(ranges, "20.42.1.1").name()).isEqualTo("Azure, eastus, AzureStorage");
    assertThat(lookup(ranges, "20.1.1.1").name()).isEqualTo("Azure");
    assertThat(lookup(ranges, "20.1.1.1").providerType()).isEqualTo("azure");
    assertThat(lookup(ranges, "129.146.1.1").name()).isEqualTo("Oracle Cloud, us-phoenix-1, OCI");
    assertThat(lookup(ranges, "129.146.1.1").providerType()).isNull();
    assertThat(lookup(ranges, "134.70.9.1").name()).isEqualTo("Oracle Cloud, us-phoenix-1, OSN/OBJECT_STORAGE");
    assertThat(lookup(ranges, "164.90.1.1").name()).isEqualTo("DigitalOcean, Amsterdam");
    assertThat(lookup(ranges, "164.90.1.1").providerType()).isEqualTo("digitalocean");
    assertThat(lookup(ranges, "2a03:b0c0:2::25").name()).isEqualTo("DigitalOcean, NL-NH");
  }

  @Test
  void unreadableFileIsReportedAndSkippedAndBadEntriesDoNotHideGoodOnes() throws Exception {
    Files.writeString(dir.resolve("broken.json"), "{\"prefixes\": [");
    Files.writeString(dir.resolve("other.json"), "{\"hello\": 1}");
    Files.writeString(dir.resolve("cloud.json"), """
        {"prefixes": [{"ipv4Prefix": "not-a-prefix", "scope": "x"},
                      {"ipv4Prefix": "34.80.0.0/15", "service": "Google Cloud", "scope": "asia-east1"}]}
        """);
    CloudRanges ranges = CloudRanges.load(dir);
    assertThat(ranges.problems()).hasSize(2).anyMatch(p -> p.startsWith("broken.json"))
        .anyMatch(p -> p.startsWith("other.json") && p.contains("not a known cloud range format"));
    assertThat(lookup(ranges, "34.80.0.1").name()).isEqualTo("Google Cloud, asia-east1");
    assertThat(ranges.size()).isEqualTo(1);
  }
}
