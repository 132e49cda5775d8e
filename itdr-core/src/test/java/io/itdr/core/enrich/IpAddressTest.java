package io.itdr.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "::, ::",
            "::1, ::1",
            "1::, 1::",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "2001:0:0:0:1:0:0:1, 2001::1:0:0:1",
            "2001:db8:1:2:3:4:5:0, 2001:db8:1:2:3:4:5:0",
            "::ffff:192.0.2.1, ::ffff:c000:201",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221"})
    void parsesAndPrintsCanonically(String text, String canonical) {
        assertThat(IpAddress.tryParse(text)).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1..2.3", "1.2.3.4 ", "-1.2.3.4", ":1::",
            "1:", ":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8:9", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5",
            "1:2:3:4:5:6:7:1.2.3.4", "ec2.amazonaws.com", "gggg::"})
    void nonLiteralsAreNotAddresses(String text) {
        assertThat(IpAddress.tryParse(text)).isNull();
    }

    @Test
    void networkClearsTheHostBits() {
        assertThat(IpAddress.tryParse("10.1.2.3").network(24)).hasToString("10.1.2.0");
        assertThat(IpAddress.tryParse("2001:db8:aa:bb::1").network(48)).hasToString("2001:db8:aa::");
        assertThat(IpAddress.tryParse("10.1.2.3").network(0)).hasToString("0.0.0.0");
    }

    @Test
    void mappedAddressUnmapsToIpv4() {
        IpAddress mapped = IpAddress.tryParse("::ffff:10.1.2.3");
        assertThat(mapped.v4()).isFalse();
        assertThat(mapped.unmapped()).isEqualTo(IpAddress.tryParse("10.1.2.3"));
        assertThat(IpAddress.tryParse("::1").unmapped().v4()).isFalse();
    }
}
