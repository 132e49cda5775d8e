package io.itdr.connector.support;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.event.CredentialRef;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reading what an {@link ActionRequest} targets, with the standard refusal when the target is not
 * one the connector acts on: {@code NOT_SUPPORTED}, saying which rung, which target and what is
 * accepted ("Connector 'aws' does not support disable_identity for iam_user alice: it acts on IAM
 * user or role ARNs (…)"). Platform-specific parsing (ARNs, resource names, kinds) is passed in.
 *
 * <p>Stateless and thread-safe. Arguments are never null unless stated.
 */
public final class ActionTargets {
    private ActionTargets() {
    }

    /** The target's identity for messages: "service_app 0oa1", or "identity 0oa1" when it has no kind. */
    public static String describe(ActionTarget target) {
        String kind = target.identity().kind();
        return (kind == null ? "identity" : kind) + " " + target.identity().id();
    }

    /**
     * The standard refusal of a target: {@code NOT_SUPPORTED} "&lt;rung&gt; for &lt;target&gt;: &lt;why&gt;".
     *
     * @param why what the connector accepts instead, or why it cannot act ("it acts on identities of kind service_app")
     * @return the exception, for the caller to throw
     */
    public static ConnectorException refuse(String connectorId, ActionRequest request, String why) {
        return ConnectorException.notSupported(connectorId,
                request.rung().policyName() + " for " + describe(request.target()) + ": " + Objects.requireNonNull(why, "why"));
    }

    /**
     * The target's identity id as {@code parse} reads it (an ARN, a resource name, ...).
     *
     * @param parse    reads an id; empty when it is not one the connector acts on
     * @param accepted what is accepted, for the refusal ("IAM user ARNs (arn:aws:iam::&lt;account&gt;:user/&lt;name&gt;)")
     * @return what {@code parse} read; never null
     * @throws ConnectorException {@code NOT_SUPPORTED} "… for &lt;target&gt;: it acts on &lt;accepted&gt;" when it reads nothing
     */
    public static <T> T identity(String connectorId, ActionRequest request, Function<String, Optional<T>> parse, String accepted) {
        return parse.apply(request.target().identity().id()).orElseThrow(() -> refuse(connectorId, request, "it acts on " + accepted));
    }

    /**
     * The target's credential, which the request's rung needs.
     *
     * @param missing what the target lacks, for the refusal ("an access key id in the target")
     * @return the credential; never null
     * @throws ConnectorException {@code NOT_SUPPORTED} "&lt;rung&gt; without &lt;missing&gt;" when the target names none
     */
    public static CredentialRef credential(String connectorId, ActionRequest request, String missing) {
        CredentialRef credential = request.target().credential();
        if (credential == null) {
            throw ConnectorException.notSupported(connectorId, request.rung().policyName() + " without " + missing);
        }
        return credential;
    }
}
