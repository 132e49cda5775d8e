package io.itdr.core.testing;

import io.itdr.core.act.ActionCoordinator;
import io.itdr.core.act.ActionJournal;
import io.itdr.core.act.ActionSettings;
import io.itdr.core.act.ExecutorRegistry;
import io.itdr.core.act.InMemoryActionStore;
import io.itdr.core.act.KillSwitch;
import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.model.PolicyRef;
import io.itdr.core.recover.Rollback;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gate, act and recover stages wired over an {@link InMemoryPlatform}, for tests: one clock,
 * one ledger, one store and journal, the in-memory executor registered for platform
 * {@value #PLATFORM}, a kill switch, a coordinator (approval ttl 1h) and a rollback. Plus small
 * factories for findings, requests and decisions. Not thread-safe to build; the parts are.
 */
public final class ActionHarness {
    public static final String PLATFORM = InMemoryActionExecutor.CONNECTOR_ID;
    public static final PolicyRef POLICY = new PolicyRef("baseline", "7", "ab".repeat(32));
    public static final Duration APPROVAL_TTL = Duration.ofHours(1);

    public final SettableClock clock = SettableClock.start();
    public final InMemoryPlatform platform = new InMemoryPlatform();
    public final Ledger ledger;
    public final InMemoryActionStore store = new InMemoryActionStore();
    public final ActionJournal journal;
    public final InMemoryActionExecutor executor;
    public final ExecutorRegistry registry;
    public final KillSwitch killSwitch;
    public final ActionCoordinator coordinator;
    public final Rollback rollback;

    public ActionHarness() {
        this(null, InMemoryActionExecutor.DEFAULT_RUNGS);
    }

    /**
     * @param ledger the ledger to use; null for an in-memory one on the harness clock
     * @param rungs  what the executor offers
     */
    public ActionHarness(Ledger ledger, Map<Rung, Reversibility> rungs) {
        this.ledger = ledger != null ? ledger : new InMemoryLedger(clock);
        this.journal = new ActionJournal(this.ledger, store, clock);
        this.executor = new InMemoryActionExecutor(platform, clock, rungs);
        this.registry = platform -> PLATFORM.equals(platform) ? Optional.<ActionExecutor>of(executor) : Optional.empty();
        this.killSwitch = new KillSwitch(this.ledger, clock);
        this.coordinator = new ActionCoordinator(journal, registry, killSwitch, new ActionSettings(APPROVAL_TTL, "system"));
        this.rollback = new Rollback(journal, registry);
    }

    public List<LedgerEntry> entries() {
        return ledger.read(1, Integer.MAX_VALUE);
    }

    public List<String> ledgerKinds() {
        return entries().stream().map(LedgerEntry::kind).toList();
    }

    public static Finding finding(String identityId) {
        return new Finding("finding-" + identityId, "token_replay", SettableClock.start().instant(),
                PLATFORM + ":" + identityId, PLATFORM, null, IdentityRef.of(identityId), null, 0.92,
                "session used from two networks", List.of("evt-1", "evt-2"), List.of("T1550.001"), Map.of());
    }

    public static ActionRequest request(Rung rung, String identityId, String credentialId) {
        return new ActionRequest(rung, new ActionTarget(null, IdentityRef.of(identityId),
                credentialId == null ? null : new CredentialRef(credentialId, "access_key")), Map.of());
    }

    /** A decision that acts now: {@code actions} run without a human. */
    public static Decision acting(String decisionId, Finding finding, Mode mode, List<ActionRequest> actions) {
        Rung rung = highest(actions, Rung.MONITOR);
        return new Decision(decisionId, finding.time(), finding.id(), finding.identityKey(), "rule-1", rung, rung, false,
                mode, actions, List.of(), List.of("rule-1 matched"), List.of(), List.of("RS.MI"), POLICY);
    }

    /** A decision that holds {@code held} for approval and meanwhile runs {@code actions}. */
    public static Decision holding(String decisionId, Finding finding, Mode mode, List<ActionRequest> actions,
                                   List<ActionRequest> held) {
        Rung rung = highest(actions, Rung.MONITOR);
        Rung intended = highest(held, rung);
        return new Decision(decisionId, finding.time(), finding.id(), finding.identityKey(), "rule-1", intended, rung, true,
                mode, actions, held, List.of("rule-1 matched", "guardrail shared_identity: hold"),
                List.of("shared_identity"), List.of("RS.MI"), POLICY);
    }

    private static Rung highest(List<ActionRequest> requests, Rung floor) {
        Rung highest = floor;
        for (ActionRequest r : requests) {
            if (r.rung().isAbove(highest)) {
                highest = r.rung();
            }
        }
        return highest;
    }
}
