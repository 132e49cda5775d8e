package io.itdr.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.action.Rung;
import io.itdr.spi.config.Secret;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Source;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.Cursor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContractTest {

    private final Connector bare = new Connector() {
        @Override
        public String id() {
            return "bare";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }
    };

    @Test
    void undeclaredCapabilitiesRefuseWithTheStandardError() {
        for (Runnable call : List.<Runnable>of(bare::telemetry, bare::normalizer, bare::inventory, bare::actions)) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                assertThat(e.retriable()).isFalse();
                assertThat(e.getMessage()).startsWith("Connector 'bare' does not support ");
            });
        }
    }

    @Test
    void retriableErrorsCarryTheWaitThePlatformAskedFor() {
        ConnectorException throttled = ConnectorException.retriable(ErrorCode.THROTTLED, "429 from /logs", Duration.ofSeconds(7), null);
        assertThat(throttled.retriable()).isTrue();
        assertThat(throttled.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(throttled.retryAfter()).contains(Duration.ofSeconds(7));
        assertThatThrownBy(() -> ConnectorException.retriable(ErrorCode.DRIFT, "x", null, null))
                .hasMessageContaining("not a retriable code");
        assertThat(new ConnectorException(ErrorCode.DRIFT, "changed").retryAfter()).isEmpty();
    }

    @Test
    void secretsNeverShowInToString() {
        Secret s = Secret.of("hunter2-canary");
        assertThat(s.toString()).isEqualTo("****");
        assertThat(String.valueOf(List.of(s))).doesNotContain("hunter2");
        assertThat(s).isEqualTo(Secret.of("hunter2-canary")).isNotEqualTo(Secret.of("hunter3-canary"));
        assertThat(s.reveal()).isEqualTo("hunter2-canary");
    }

    @Test
    void spiVersionCompatibility() {
        assertThat(SpiVersion.isCompatible(SpiVersion.CURRENT)).isTrue();
        assertThat(SpiVersion.isCompatible("1.99")).isFalse();
        assertThat(SpiVersion.isCompatible("2.0")).isFalse();
        assertThat(SpiVersion.isCompatible("1")).isFalse();
        assertThat(SpiVersion.isCompatible(null)).isFalse();
    }

    @Test
    void valuesAreNullCheckedAndDefensivelyCopied() {
        List<String> scopes = new ArrayList<>(List.of("iam:*"));
        var change = new io.itdr.spi.event.PrivilegeChange(scopes, true);
        scopes.add("s3:*");
        assertThat(change.scopes()).containsExactly("iam:*");
        assertThatThrownBy(() -> IdentityEvent.builder("e1", null, "aws", IdentityRef.of("u")).build())
                .isInstanceOf(NullPointerException.class).hasMessage("time");
        assertThatThrownBy(() -> new Geo("US", null, null, 10.0, null)).hasMessageContaining("come together");
        assertThatThrownBy(() -> new TelemetryBatch(null, List.of(), Cursor.START, false)).isInstanceOf(NullPointerException.class);
        IdentityEvent e = IdentityEvent.builder("e1", Instant.EPOCH, "aws", IdentityRef.of("arn:aws:iam::1:user/ci"))
                .tenant("1").attributes(Map.of("k", "v")).source(null).build();
        assertThat(e.source()).isEqualTo(Source.UNKNOWN);
        assertThat(e.identityKey()).isEqualTo("aws/1/arn:aws:iam::1:user/ci");
    }

    @Test
    void sourceFingerprintIsCoarse() {
        assertThat(new Source("203.0.113.7", null, null, null, "aws-cli/2.15 Python/3.11", null).fingerprint())
                .isEqualTo("203.0.113.0/24|aws-cli");
        assertThat(new Source("203.0.113.99", 64500L, null, null, "Terraform/1.6", null).fingerprint())
                .isEqualTo("as64500|terraform");
        assertThat(new Source("2001:db8:1:2::5", null, null, null, null, null).fingerprint()).isEqualTo("2001:db8:1::/48|?");
        assertThat(Source.UNKNOWN.fingerprint()).isNull();
    }

    @Test
    void ladderOrderAndNames() {
        assertThat(Rung.fromPolicyName("quarantine_session")).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThatThrownBy(() -> Rung.fromPolicyName("nuke")).hasMessageContaining("unknown rung 'nuke'").hasMessageContaining("disable_identity");
        assertThat(Rung.MONITOR.isObserving()).isTrue();
        assertThat(Rung.STEP_UP.changesPlatform()).isTrue();
        assertThat(Rung.STEP_UP.isDisruptive()).isFalse();
        assertThat(Rung.QUARANTINE_SESSION.isDisruptive()).isTrue();
        assertThat(Rung.lower(Rung.DISABLE_IDENTITY, Rung.NOTIFY)).isEqualTo(Rung.NOTIFY);
    }
}
