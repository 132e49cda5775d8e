package io.itdr.connector.azure.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.azure.AzureConnectorFactory;
import io.itdr.connector.azure.TckAccess;
import io.itdr.fixture.azure.DirectorySandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * disable_credential of a certificate of billing-exporter's app registration: the key credentials rewritten without it
 * (the other certificate sent back with its key), and with it again on revert, from the public certificate in the plan.
 */
class KeyCredentialRemovalTest {
    private static final String BILLING_SP = "4b6986ec-c49c-40c0-89ce-b2ac51213e39";
    private static final String BILLING_APP_OBJECT = "1f0e2d3c-5b4a-4978-8675-a4b3c2d1e0f9";
    private static final String CERT = "c3d4e5f6-0000-4000-8000-0000000000c1";
    private static final String OTHER = "c3d4e5f6-0000-4000-8000-0000000000c2";
    /** Public certificates (DER, base64) as Graph returns them in {@code key}; their content does not matter to Graph's update. */
    private static final String CERT_DER = "MIIBszCCAVmgAwIBAgIUQmlsbGluZ0V4cG9ydGVyQ2VydA==";
    private static final String OTHER_DER = "MIIBszCCAVmgAwIBAgIUT3RoZXJDZXJ0aWZpY2F0ZTEyMw==";
    private TckAccess.Tenant tenant;
    private Connector connector;

    @BeforeEach
    void start() {
        tenant = TckAccess.tenant();
        connector = tenant.connect(new AzureConnectorFactory(TckAccess.credentials()), Map.of());
    }

    @AfterEach
    void stop() {
        tenant.close();
    }

    private DirectorySandbox.Application app() {
        return tenant.directory().applications.get(BILLING_APP_OBJECT);
    }

    private void withPublicKeys() {
        synchronized (tenant.directory()) {
            app().certificates.put(CERT, CERT_DER);
            app().keyCredentials.add(new DirectorySandbox.Credential(OTHER, "CN=billing-next", "2025-12-01T00:00:00Z",
                    "2026-12-01T00:00:00Z", "AsymmetricX509Cert"));
            app().certificates.put(OTHER, OTHER_DER);
        }
    }

    private static ActionRequest removal(String keyId) {
        return new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, IdentityRef.of(BILLING_SP),
                new CredentialRef(keyId, "certificate")), Map.of());
    }

    @Test
    void removalIsCompensableAndRevertAddsTheSameCertificateBack() {
        withPublicKeys();
        ActionPlan plan = connector.actions().plan(removal(CERT));
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        assertThat(plan.summary()).contains("CN=billing", "same public certificate");

        connector.actions().execute(plan, "cert-k1");
        synchronized (tenant.directory()) {
            assertThat(app().keyCredentials).extracting(DirectorySandbox.Credential::keyId).containsExactly(OTHER);
            assertThat(app().certificates).containsExactly(Map.entry(OTHER, OTHER_DER));
        }
        assertThat(connector.actions().execute(plan, "cert-k1").alreadyApplied()).isTrue();
        assertThat(connector.actions().verify(plan).inPostState()).isTrue();

        connector.actions().revert(plan, false);
        synchronized (tenant.directory()) {
            assertThat(app().keyCredentials).extracting(DirectorySandbox.Credential::keyId).containsExactlyInAnyOrder(OTHER, CERT);
            assertThat(app().certificates).containsEntry(CERT, CERT_DER).containsEntry(OTHER, OTHER_DER);
            DirectorySandbox.Credential back = app().keyCredentials.stream().filter(c -> c.keyId().equals(CERT)).findFirst().orElseThrow();
            assertThat(back.displayName()).isEqualTo("CN=billing");
            assertThat(java.time.OffsetDateTime.parse(back.end()).toInstant()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        }
    }

    @Test
    void withoutThePublicKeyTheRemovalIsDeclaredIrreversible() {
        ActionPlan plan = connector.actions().plan(removal(CERT));
        assertThat(plan.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
        assertThat(plan.summary()).contains("did not return the certificate's public key");
    }

    @Test
    void aCertificateNotOnTheApplicationIsANoOp() {
        withPublicKeys();
        ActionPlan plan = connector.actions().plan(removal("c3d4e5f6-0000-4000-8000-0000000000ff"));
        assertThat(plan.calls()).isEmpty();
        assertThat(plan.summary()).contains("nothing to remove");
    }
}
