package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionTargetsTest {

    private static ActionRequest request(Rung rung, IdentityRef identity, CredentialRef credential) {
        return new ActionRequest(rung, new ActionTarget(null, identity, credential), Map.of());
    }

    @Test
    void aTargetIsDescribedByItsKindAndId() {
        assertThat(ActionTargets.describe(new ActionTarget(null, new IdentityRef("0oa1", "service_app", "ci"), null)))
                .isEqualTo("service_app 0oa1");
        assertThat(ActionTargets.describe(new ActionTarget(null, IdentityRef.of("0oa1"), null))).isEqualTo("identity 0oa1");
    }

    @Test
    void aRefusalNamesTheRungTheTargetAndWhy() {
        ConnectorException e = ActionTargets.refuse("okta", request(Rung.DISABLE_IDENTITY, new IdentityRef("00T1", "api_token", null), null),
                "Okta API tokens cannot be disabled, only revoked");
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
        assertThat(e.getMessage()).isEqualTo("Connector 'okta' does not support disable_identity for api_token 00T1: "
                + "Okta API tokens cannot be disabled, only revoked");
    }

    @Test
    void anIdentityIsParsedOrRefusedSayingWhatIsAccepted() {
        ActionRequest user = request(Rung.DISABLE_IDENTITY, new IdentityRef("user/alice", "iam_user", null), null);
        assertThat(ActionTargets.<String>identity("aws", user, id -> Optional.of(id.toUpperCase(java.util.Locale.ROOT)), "anything"))
                .isEqualTo("USER/ALICE");
        assertThatThrownBy(() -> ActionTargets.identity("aws", user, id -> Optional.empty(), "IAM role ARNs (arn:aws:iam::<account>:role/<name>)"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                    assertThat(e.getMessage()).isEqualTo("Connector 'aws' does not support disable_identity for iam_user user/alice: "
                            + "it acts on IAM role ARNs (arn:aws:iam::<account>:role/<name>)");
                });
    }

    @Test
    void aCredentialIsTakenFromTheTargetOrRefusedSayingWhatIsMissing() {
        CredentialRef key = new CredentialRef("key-1", "api_key");
        assertThat(ActionTargets.credential("example", request(Rung.DISABLE_CREDENTIAL, IdentityRef.of("app-1"), key), "a target key"))
                .isEqualTo(key);
        assertThatThrownBy(() -> ActionTargets.credential("example", request(Rung.DISABLE_CREDENTIAL, IdentityRef.of("app-1"), null),
                "a target key")).isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                    assertThat(e.getMessage()).isEqualTo("Connector 'example' does not support disable_credential without a target key");
                });
    }
}
