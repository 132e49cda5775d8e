package io.itdr.core.decide;

import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rungs can be carried out on which platform, and how far each can be undone: what the
 * {@code no_rollback_path} and {@code irreversible_action} guardrails and the choice of interim
 * isolation ask. Implementations are thread-safe and answer quickly (no I/O).
 */
@FunctionalInterface
public interface RollbackPaths {

    /**
     * How reversible the action behind {@code rung} is on {@code platform}; empty when no
     * connector there can carry that rung out. Never asked for observing rungs.
     */
    Optional<Reversibility> reversibility(String platform, Rung rung);

    /**
     * The typical classes of DESIGN §4 on every platform, for replay without connectors:
     * step_up, quarantine_session and rotate_credential compensable; disable_credential and
     * disable_identity reversible.
     */
    static RollbackPaths typical() {
        Map<Rung, Reversibility> typical = new EnumMap<>(Rung.class);
        typical.put(Rung.STEP_UP, Reversibility.COMPENSABLE);
        typical.put(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE);
        typical.put(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE);
        typical.put(Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE);
        typical.put(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE);
        return (platform, rung) -> Optional.ofNullable(typical.get(rung));
    }

    /**
     * What each platform's official API offers, for replay without connectors: the classes
     * recorded in the project's platform notes (checked against each SDK), falling back to
     * {@link #typical()} for a platform not listed. A rung missing for a listed platform has no
     * rollback path there (e.g. Entra can revoke sign-in sessions of users only, so a service
     * principal's sessions cannot be quarantined); token revocation on Okta and GitHub is
     * irreversible.
     */
    static RollbackPaths platformFacts() {
        Map<String, Map<Rung, Reversibility>> facts = Map.of(
                // TokenIssueTime deny policy ↔ delete it; UpdateAccessKey Inactive ↔ Active; AWSDenyAll attach ↔ detach.
                "aws", Map.of(Rung.STEP_UP, Reversibility.COMPENSABLE, Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE,
                        Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE, Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE,
                        Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE),
                // Token revocation (DELETE /apps/{id}/tokens) cannot be undone; secrets and apps deactivate ↔ activate.
                "okta", Map.of(Rung.QUARANTINE_SESSION, Reversibility.IRREVERSIBLE, Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE,
                        Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE, Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE),
                // accountEnabled false ↔ true; removePassword loses the secret; quarantine removes the service principal's
                // app role (or Azure role) assignments and grants them again from the snapshot under new ids.
                "azure", Map.of(Rung.DISABLE_CREDENTIAL, Reversibility.IRREVERSIBLE, Rung.ROTATE_CREDENTIAL, Reversibility.IRREVERSIBLE,
                        Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE),
                // Service account and key disable ↔ enable; no per-session revocation, so quarantine removes the account's
                // roles from the IAM policies and gives them back (etag compare-and-swap); no rotation (connector-gcp's README).
                "gcp", Map.of(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE, Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE,
                        Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE),
                // Workflow disable ↔ enable, installation suspend ↔ unsuspend; a deploy key removed is added again from its
                // public key (a new id); a fine-grained token grant revoked is final.
                "github", Map.of(Rung.QUARANTINE_SESSION, Reversibility.IRREVERSIBLE, Rung.DISABLE_CREDENTIAL, Reversibility.COMPENSABLE,
                        Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE),
                // Service account block ↔ unblock; deploy key removed ↔ enabled again or re-added; a rotated or revoked
                // access token's old value is gone (connector-gitlab's README).
                "gitlab", Map.of(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, Rung.DISABLE_CREDENTIAL, Reversibility.COMPENSABLE,
                        Rung.ROTATE_CREDENTIAL, Reversibility.IRREVERSIBLE, Rung.QUARANTINE_SESSION, Reversibility.IRREVERSIBLE));
        RollbackPaths typical = typical();
        return (platform, rung) -> {
            Map<Rung, Reversibility> known = facts.get(platform);
            return known == null ? typical.reversibility(platform, rung) : Optional.ofNullable(known.get(rung));
        };
    }

    /**
     * Paths from what each platform's executor declares ({@code ActionExecutor.rungs()}), keyed by
     * connector id; a platform not listed has none.
     */
    static RollbackPaths of(Map<String, Map<Rung, Reversibility>> byPlatform) {
        Map<String, Map<Rung, Reversibility>> copy = new HashMap<>();
        Objects.requireNonNull(byPlatform, "byPlatform").forEach((platform, rungs) -> copy.put(platform, Map.copyOf(rungs)));
        return (platform, rung) -> Optional.ofNullable(copy.getOrDefault(platform, Map.of()).get(rung));
    }
}
