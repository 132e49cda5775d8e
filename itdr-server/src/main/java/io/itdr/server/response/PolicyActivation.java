package io.itdr.server.response;

import io.itdr.core.decide.policy.ContainmentRule;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyEdits;
import io.itdr.core.decide.policy.PolicyLimits;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Mode;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.query.PolicyVersionQueries;
import io.itdr.server.store.JdbcPolicyVersions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Activating policies at run time (issue #12): an admin puts a validated policy in force with a
 * reason, optionally only if the active one is still the one they reviewed (its hash); or promotes
 * one rule from shadow to enforce, which makes a new version. Each activation is ledgered
 * ({@code admin.policy_activated}) and stored ({@link JdbcPolicyVersions}) with the pipeline paused
 * between two events, then swapped in; a restart starts with the newest stored version.
 *
 * <p>Sections that configure parts assembled once (detection tuning and recovery; the incident
 * window applies at once) take effect at the next start; an activation that changes them says so
 * ({@link Active#pendingRestart()}) and ledgers it.
 *
 * <p>Thread-safe: activations are serialised.
 */
public final class PolicyActivation {
    /** How long an activation waits for the event in flight to be decided before it gives up (503). */
    public static final Duration PIPELINE_WAIT = Duration.ofSeconds(30);

    /**
     * The policy the server starts with.
     *
     * @param policy  never null
     * @param text    its text; never null
     * @param stored  the activated version it comes from; null when it comes from {@code itdr.policy} or the default
     * @param startedAt when the server loaded it
     */
    public record Startup(Policy policy, String text, PolicyVersionQueries.PolicyVersion stored, Instant startedAt) {
        public Startup {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(startedAt, "startedAt");
        }
    }

    /**
     * The policy in force.
     *
     * @param policy         never null
     * @param text           its YAML; never null
     * @param version        its number among activated versions; null for the configured policy (never activated at run time)
     * @param activatedBy    the ledger actor; {@code configuration} for the configured policy
     * @param activatedAt    when it was activated (for the configured policy: when the server loaded it)
     * @param reason         why; for the configured policy, where it was loaded from
     * @param pendingRestart sections that take effect at the next start; never null
     */
    public record Active(Policy policy, String text, Long version, String activatedBy, Instant activatedAt, String reason,
                         List<String> pendingRestart) {
        public Active {
            Objects.requireNonNull(policy, "policy");
            pendingRestart = List.copyOf(pendingRestart);
        }
    }

    /** An activation was refused; {@link #kind()} says how the API answers. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** What went wrong, for the API's status code. */
        public enum Kind { BAD_INPUT, NOT_FOUND, CONFLICT, BUSY }

        private final Kind kind;
        private final String slug;

        RefusedException(Kind kind, String slug, String message) {
            super(message);
            this.kind = kind;
            this.slug = slug;
        }

        public Kind kind() {
            return kind;
        }

        /** A short stable name for the problem type ({@code active-policy-changed}). */
        public String slug() {
            return slug;
        }
    }

    /** Activated by configuration rather than by a person. */
    public static final String CONFIGURATION = "configuration";

    private final ResponseEngine engine;
    private final JdbcPolicyVersions versions;
    private final Clock clock;
    private final PolicyLimits limits;
    private volatile Active active;

    public PolicyActivation(ResponseEngine engine, JdbcPolicyVersions versions, Clock clock, PolicyLimits limits, Startup startup) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        PolicyVersionQueries.PolicyVersion stored = startup.stored();
        this.active = stored == null
                ? new Active(startup.policy(), startup.text(), null, CONFIGURATION, startup.startedAt(),
                "loaded at start-up from " + startup.policy().source(), List.of())
                : new Active(startup.policy(), startup.text(), stored.version(), stored.activatedBy(), stored.activatedAt(),
                stored.reason(), List.of());
    }

    /** The policy in force and how it came to be. */
    public Active active() {
        return active;
    }

    /** The newest {@code limit} activated versions, newest first (without their text). */
    public List<PolicyVersionQueries.PolicyVersion> history(int limit) {
        return versions.history(limit);
    }

    public PolicyLimits limits() {
        return limits;
    }

    /**
     * Validates {@code text} and puts it in force.
     *
     * @param expectedActiveHash when given, the activation happens only if this is the active policy's hash
     * @throws io.itdr.core.decide.policy.PolicyException when the policy is invalid
     * @throws RefusedException when the hash does not match (CONFLICT), it is active already (CONFLICT),
     *                          the text is not Unicode (BAD_INPUT), or the pipeline did not pause (BUSY)
     */
    public synchronized Active activate(String text, String actor, String reason, String expectedActiveHash) {
        return activate(text, actor, reason, expectedActiveHash, Map.of());
    }

    /**
     * Puts the active policy in force again with rule {@code ruleId} in enforce mode: a new version.
     *
     * @throws RefusedException for an unknown rule (NOT_FOUND); a policy in shadow mode, where a rule's
     *                          mode cannot be less strict (CONFLICT); a rule already enforced (CONFLICT);
     *                          a rule the edit cannot rewrite (CONFLICT); and as {@link #activate}
     */
    public synchronized Active promote(String ruleId, String actor, String reason, String expectedActiveHash) {
        Active current = active;
        ContainmentRule rule = current.policy().rule(ruleId).orElseThrow(() -> new RefusedException(RefusedException.Kind.NOT_FOUND,
                "unknown-rule", "the active policy has no rule '" + ruleId + "'"));
        Mode policyMode = current.policy().mode();
        if (policyMode == Mode.SHADOW) {
            throw new RefusedException(RefusedException.Kind.CONFLICT, "policy-in-shadow", "the active policy runs in shadow mode and a "
                    + "rule can only be stricter than its policy, so promoting '" + ruleId + "' would change nothing; activate a policy "
                    + "with mode: enforce whose unproven rules say mode: shadow");
        }
        if (rule.effectiveMode(policyMode) == Mode.ENFORCE) {
            throw new RefusedException(RefusedException.Kind.CONFLICT, "rule-already-enforced", "rule '" + ruleId + "' is enforced already");
        }
        String edited;
        try {
            edited = PolicyEdits.enforceRule(current.text(), ruleId);
        } catch (PolicyEdits.EditException e) {
            throw new RefusedException(RefusedException.Kind.CONFLICT, "rule-not-editable", e.getMessage());
        }
        return activate(edited, actor, reason, expectedActiveHash == null ? current.policy().ref().sha256() : expectedActiveHash,
                Map.of("policy.promoted_rule", ruleId));
    }

    private Active activate(String text, String actor, String reason, String expectedActiveHash, Map<String, String> more) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!new String(bytes, StandardCharsets.UTF_8).equals(text)) {
            throw new RefusedException(RefusedException.Kind.BAD_INPUT, "bad-input", "the policy text is not valid Unicode (a lone surrogate)");
        }
        Active current = active;
        String currentHash = current.policy().ref().sha256();
        if (expectedActiveHash != null && !expectedActiveHash.equalsIgnoreCase(currentHash)) {
            throw new RefusedException(RefusedException.Kind.CONFLICT, "active-policy-changed", "the active policy's hash is " + currentHash
                    + ", not the expected " + expectedActiveHash + ": someone activated another policy since; review it and try again");
        }
        Policy next = PolicyLoader.parse(bytes, "activation", limits);
        if (next.ref().sha256().equals(currentHash)) {
            throw new RefusedException(RefusedException.Kind.CONFLICT, "policy-already-active", "this policy (" + currentHash
                    + ") is the active one already; nothing was changed");
        }
        List<String> pending = engine.sectionsPendingRestart(next);
        Map<String, String> evidence = new LinkedHashMap<>(more);
        evidence.put("policy.pending_restart", String.join(",", pending));
        Instant now = clock.instant();
        PolicyVersionQueries.PolicyVersion[] stored = new PolicyVersionQueries.PolicyVersion[1];
        boolean swapped;
        try {
            swapped = engine.activatePolicy(next, actor, reason, evidence, () -> stored[0] = versions.append(next.ref().sha256(),
                    next.ref().name(), next.ref().version(), text, actor, now, reason, currentHash), PIPELINE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RefusedException(RefusedException.Kind.BUSY, "pipeline-busy", "interrupted while waiting for the pipeline");
        }
        if (!swapped) {
            throw new RefusedException(RefusedException.Kind.BUSY, "pipeline-busy", "the event being decided did not finish within "
                    + PIPELINE_WAIT.toSeconds() + " s; nothing was changed; try again");
        }
        active = new Active(next, text, stored[0].version(), actor, now, reason, pending);
        return active;
    }
}
