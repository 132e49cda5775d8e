package io.itdr.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrBlockTest {

    @Test
    void ipv4BlockContainsItsFirstAndLastAddressAndNothingAround() {
        CidrBlock block = CidrBlock.parse("10.20.0.0/16");
        assertThat(block.contains("10.20.0.0")).isTrue();
        assertThat(block.contains("10.20.255.255")).isTrue();
        assertThat(block.contains("10.19.255.255")).isFalse();
        assertThat(block.contains("10.21.0.0")).isFalse();
    }

    @Test
    void prefixZeroContainsEveryAddressOfItsFamilyOnly() {
        assertThat(CidrBlock.parse("0.0.0.0/0").contains("255.255.255.255")).isTrue();
        assertThat(CidrBlock.parse("0.0.0.0/0").contains("2001:db8::1")).isFalse();
        assertThat(CidrBlock.parse("::/0").contains("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(CidrBlock.parse("::/0").contains("10.0.0.1")).isFalse();
    }

    @Test
    void bareAddressIsASingleHost() {
        CidrBlock v4 = CidrBlock.parse("192.0.2.7");
        assertThat(v4.prefixLength()).isEqualTo(32);
        assertThat(v4.contains("192.0.2.7")).isTrue();
        assertThat(v4.contains("192.0.2.8")).isFalse();
        CidrBlock v6 = CidrBlock.parse("2001:db8::7");
        assertThat(v6.prefixLength()).isEqualTo(128);
        assertThat(v6.contains("2001:DB8:0:0:0:0:0:7")).isTrue();
        assertThat(v6.contains("2001:db8::8")).isFalse();
    }

    @Test
    void ipv6BlockAcrossThe64BitBoundary() {
        CidrBlock block = CidrBlock.parse("2001:db8:0:0:8000::/65");
        assertThat(block.contains("2001:db8::8000:0:0:1")).isTrue();
        assertThat(block.contains("2001:db8::ffff:ffff:ffff:ffff")).isTrue();
        assertThat(block.contains("2001:db8::7fff:ffff:ffff:ffff")).isFalse();
        CidrBlock wide = CidrBlock.parse("2001:db8::/32");
        assertThat(wide.contains("2001:db8:ffff::1")).isTrue();
        assertThat(wide.contains("2001:db9::1")).isFalse();
    }

    @Test
    void ipv4BlockContainsIpv4MappedIpv6Addresses() {
        CidrBlock block = CidrBlock.parse("10.20.0.0/16");
        assertThat(block.contains("::ffff:10.20.1.1")).isTrue();
        assertThat(block.contains("::ffff:10.21.1.1")).isFalse();
        assertThat(block.contains("::10.20.1.1")).isFalse(); // IPv4-compatible, not mapped
    }

    @Test
    void zoneSuffixOfAnEventAddressIsIgnored() {
        assertThat(CidrBlock.parse("fe80::/10").contains("fe80::1%eth0")).isTrue();
    }

    @Test
    void serviceNamesAndGarbageAreNotContained() {
        CidrBlock block = CidrBlock.parse("0.0.0.0/0");
        assertThat(block.contains("ec2.amazonaws.com")).isFalse();
        assertThat(block.contains((String) null)).isFalse();
        assertThat(block.contains("")).isFalse();
    }

    @Test
    void hostBitsAfterThePrefixAreRefusedWithTheIntendedNetwork() {
        assertThatThrownBy(() -> CidrBlock.parse("10.20.1.0/16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host bits set")
                .hasMessageContaining("10.20.0.0/16");
        assertThatThrownBy(() -> CidrBlock.parse("2001:db8::1/64"))
                .hasMessageContaining("2001:db8::/64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/a",
            "/8", "10.0.0/8", "256.0.0.0/8", "010.0.0.0/8", "10.0.0.0.0/8", "1:2:3:4:5:6:7:8:9/64", "1:::2/64",
            "::1::/64", "fe80::1%eth0/64", "2001:db8::g/32", "12345::/16", "example.com/24", "", " 10.0.0.0/8"})
    void invalidBlocksAreRefusedNamingTheText(String text) {
        assertThatThrownBy(() -> CidrBlock.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
