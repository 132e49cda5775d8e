package io.itdr.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkDirectoryTest {
    @TempDir
    Path dir;

    /** A slice of AWS ip-ranges.json in its published shape (https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html). */
    static final String AWS_RANGES = """
            {"syncToken": "1700000000", "createDate": "2026-12-01-00-00-00",
             "prefixes": [
               {"ip_prefix": "3.0.0.0/9", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1"},
               {"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1"},
               {"ip_prefix": "52.94.0.0/22", "region": "eu-west-1", "service": "AMAZON", "network_border_group": "eu-west-1"}],
             "ipv6_prefixes": [
               {"ipv6_prefix": "2600:1f00::/24", "region": "GLOBAL", "service": "AMAZON", "network_border_group": "GLOBAL"}]}
            """;

    static Path awsRanges(Path dir) throws IOException {
        return Files.writeString(dir.resolve("ip-ranges.json"), AWS_RANGES);
    }

    static Path asnDatabase(Path dir) throws IOException {
        return new MaxMindTestDatabase("GeoLite2-ASN")
                .network("198.51.100.0/24", Map.of("autonomous_system_number", 64500L, "autonomous_system_organization", "Example ISP"))
                .network("203.0.113.0/24", Map.of("autonomous_system_number", 64511L, "autonomous_system_organization", "Other Net"))
                .network("3.5.0.0/19", Map.of("autonomous_system_number", 16509L, "autonomous_system_organization", "AMAZON-02"))
                .write(dir.resolve("asn.mmdb"));
    }

    static Path cityDatabase(Path dir) throws IOException {
        return new MaxMindTestDatabase("GeoLite2-City")
                .network("198.51.100.0/24", Map.of("country", Map.of("iso_code", "US"),
                        "location", Map.of("latitude", 38.9, "longitude", -77.0), "city", Map.of("names", Map.of("en", "Washington"))))
                .network("203.0.113.0/24", Map.of("country", Map.of("iso_code", "SG"),
                        "location", Map.of("latitude", 1.35, "longitude", 103.8)))
                .write(dir.resolve("city.mmdb"));
    }

    @Test
    void privateAddressesVpcEndpointsAndServiceNamesNeedNoData() {
        NetworkDirectory basic = NetworkDirectory.basic();
        assertThat(basic.resolve("10.1.2.3", null).owner()).isEqualTo(NetworkFacts.TENANT);
        assertThat(basic.resolve("172.31.5.9", null).kind()).isEqualTo(NetworkFacts.Kind.PRIVATE);
        assertThat(basic.resolve("52.94.1.1", "vpce-0a1b2c3d").kind()).isEqualTo(NetworkFacts.Kind.VPC_ENDPOINT);
        assertThat(basic.resolve("52.94.1.1", "vpce-0a1b2c3d").owner()).isEqualTo(NetworkFacts.TENANT);
        NetworkFacts kms = basic.resolve("kms.amazonaws.com", null);
        assertThat(kms.kind()).isEqualTo(NetworkFacts.Kind.CLOUD_SERVICE);
        assertThat(kms.cloud()).isEqualTo("aws");
        assertThat(kms.owner()).isNull();
        assertThat(basic.resolve("AWS Internal", null).kind()).isEqualTo(NetworkFacts.Kind.CLOUD_SERVICE);
        assertThat(basic.resolve("198.51.100.7", null).owner()).as("a bare public address has no known owner").isNull();
        assertThat(basic.resolve(null, null)).isEqualTo(NetworkFacts.UNKNOWN);
        assertThat(basic.resolve("not an address", null)).isEqualTo(NetworkFacts.UNKNOWN);
    }

    @Test
    void publishedRangesNameTheProviderAndMostSpecificRegion() throws IOException {
        try (NetworkDirectory d = NetworkDirectory.open(new NetworkDirectory.Files(null, null, List.of(awsRanges(dir))))) {
            NetworkFacts nat = d.resolve("3.5.1.20", null);
            assertThat(nat.owner()).isEqualTo("cloud:aws");
            assertThat(nat.cloudRegion()).isEqualTo("us-east-1");
            assertThat(d.resolve("52.94.3.3", null).cloudRegion()).isEqualTo("eu-west-1");
            assertThat(d.resolve("2600:1f00::1", null).owner()).isEqualTo("cloud:aws");
            assertThat(d.resolve("2600:1f00::1", null).cloudRegion()).as("GLOBAL is no region").isNull();
            assertThat(d.resolve("198.51.100.7", null).owner()).isNull();
        }
    }

    @Test
    void maxMindDatabasesGiveAsnCountryAndCoordinates() throws IOException {
        try (NetworkDirectory d = NetworkDirectory.open(new NetworkDirectory.Files(asnDatabase(dir), cityDatabase(dir), List.of()))) {
            NetworkFacts home = d.resolve("198.51.100.7", null);
            assertThat(home.asn()).isEqualTo(64500L);
            assertThat(home.asOrg()).isEqualTo("Example ISP");
            assertThat(home.owner()).isEqualTo("as:64500");
            assertThat(home.geo().country()).isEqualTo("US");
            assertThat(home.geo().city()).isEqualTo("Washington");
            assertThat(home.geo().lat()).isEqualTo(38.9);
            assertThat(d.resolve("203.0.113.9", null).geo().country()).isEqualTo("SG");
            assertThat(d.resolve("3.5.1.20", null).owner()).as("Amazon's own ASN is the provider").isEqualTo("cloud:aws");
            assertThat(d.resolve("192.0.2.1", null).asn()).as("not in the database").isNull();
            assertThat(d.resolve("2001:db8::1", null).asn()).as("IPv6 in an IPv4 database answers nothing").isNull();
        }
    }

    @Test
    void wrongOrUnreadableFilesAreRefusedNamingTheFile() throws IOException {
        Path city = cityDatabase(dir);
        assertThatThrownBy(() -> NetworkDirectory.open(new NetworkDirectory.Files(city, null, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("city.mmdb").hasMessageContaining("is not ASN");
        Path junk = Files.writeString(dir.resolve("junk.mmdb"), "not a database");
        assertThatThrownBy(() -> NetworkDirectory.open(new NetworkDirectory.Files(junk, null, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("junk.mmdb");
        Path badRanges = Files.writeString(dir.resolve("ranges.json"), "{\"prefixes\": [{\"ip_prefix\": \"3.0.0.0/99\"}]}");
        assertThatThrownBy(() -> NetworkDirectory.open(new NetworkDirectory.Files(null, null, List.of(badRanges))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ranges.json").hasMessageContaining("entry 0");
    }
}
