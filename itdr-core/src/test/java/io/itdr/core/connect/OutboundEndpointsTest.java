package io.itdr.core.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Outbound endpoints: every spelling of loopback and metadata is found (hardening issue, finding 6). */
class OutboundEndpointsTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://[::ffff:127.0.0.1]:8080/", "http://2130706433/", "http://127.1/", "http://0x7f.1/",
            "http://0177.0.0.1/", "http://0x7f000001/", "http://127.0.0.1/", "https://localhost:8443/", "http://api.localhost/",
            "http://[::1]/", "http://0.0.0.0/", "http://[::]/", "http://0/", "http://[::127.0.0.1]/", "http://LOCALHOST./"})
    void loopbackInAnyFormIsRefusedUnlessAllowed(String endpoint) {
        URI uri = URI.create(endpoint);
        assertThatThrownBy(() -> OutboundEndpoints.check(uri, "itdr.connectors.aws.endpoints.iam", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("itdr.connectors.aws.endpoints.iam: endpoint ")
                .hasMessageContaining("loopback").hasMessageContaining(OutboundEndpoints.ALLOW_LOOPBACK_PROPERTY);
        assertThat(OutboundEndpoints.check(uri, "x", true)).isSameAs(uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/", "http://2852039166/",
            "http://0xa9.0xfe.0xa9.0xfe/", "http://0251.0376.0251.0376/", "http://169.254.43518/", "http://[fe80::1]/",
            "http://[fe80::1%25eth0]/", "http://[fd00:ec2::254]/", "http://metadata.google.internal/computeMetadata/v1/",
            "http://METADATA.GOOG./", "http://[64:ff9b::a9fe:a9fe]/", "http://169.254.170.2/v2/credentials"})
    void linkLocalAndMetadataAreRefusedEvenWithLoopbackAllowed(String endpoint) {
        assertThatThrownBy(() -> OutboundEndpoints.check(URI.create(endpoint), "itdr.connectors.okta.config.org-url", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("itdr.connectors.okta.config.org-url: endpoint ")
                .hasMessageMatching(".*(link-local|metadata).*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/", "file:///etc/passwd", "http://user:pass@example.com/", "gopher://example.com/"})
    void otherSchemesAndCredentialsInTheUrlAreRefused(String endpoint) {
        assertThatThrownBy(() -> OutboundEndpoints.check(URI.create(endpoint), "where", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("where: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://iam.amazonaws.com/", "https://example.okta.com", "https://graph.microsoft.com/v1.0",
            "https://10.0.0.5:8443/", "https://[2001:db8::1]/", "https://gitlab.example.com/api/v4", "https://8.8.8.8/",
            "https://1.2.3.4.nip.io/", "https://169.254.example.com/"})
    void publicAndPrivateNetworkEndpointsPass(String endpoint) {
        URI uri = URI.create(endpoint);
        assertThat(OutboundEndpoints.check(uri, "where", false)).isSameAs(uri);
    }
}
