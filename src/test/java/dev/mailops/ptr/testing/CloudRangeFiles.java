package dev.mailops.ptr.testing;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Cloud range files as the clouds publish them, for owner discovery's tests. */
public final class CloudRangeFiles {
  private CloudRangeFiles() {}

  /** AWS {@code ip-ranges.json} with each IPv4 prefix as an EC2 range in us-east-1. */
  public static String aws(String... prefixes) {
    return """
        {"syncToken": "1700000000", "createDate": "2026-11-30-00-00-00", "prefixes": [%s], "ipv6_prefixes": []}
        """.formatted(Arrays.stream(prefixes).map(prefix -> """
        {"ip_prefix": "%s", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1"}"""
        .formatted(prefix)).collect(Collectors.joining(", ")));
  }
}
