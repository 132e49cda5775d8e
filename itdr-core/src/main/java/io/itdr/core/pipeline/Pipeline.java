package io.itdr.core.pipeline;

import io.itdr.core.act.ActionCoordinator;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.audit.Actors;
import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.decide.PolicyEngine;
import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.detect.Repeat;
import io.itdr.core.enrich.Enricher;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Mode;
import io.itdr.core.model.Stage;
import io.itdr.core.detect.PlatformFindingDetector;
import io.itdr.core.normalize.Printable;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Confirmation;
import io.itdr.spi.telemetry.FindingConfirmer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One event through the whole engine (DESIGN §3): enrich → detect → group into an incident →
 * decide → gate and act, with a ledger entry at every arrow, each carrying its incident id. Detection and containment are separate stages: the finding is
 * ledgered (stage detection) before the policy sees it, and the decision (stage containment)
 * before any action is planned.
 *
 * <p>Assembled by {@link ResponseEngine} only. With {@code forceShadow} every decision is recorded in shadow mode whatever the policy
 * says, with a reason saying so: what {@code itdr replay} uses, so a replay never acts.
 *
 * <p>Not thread-safe: events of one identity must be processed in time order, one at a time;
 * the detection engine serialises, and a scale-out runs one pipeline per partition of identities.
 */
public final class Pipeline {
    /** Finding attribute: {@code pushed} for an event pushed to the server (absent for polled events). */
    public static final String ORIGIN = "origin";
    /** Finding attribute: who pushed the event (an API token's actor, {@code hook:<connector>}). */
    public static final String PUSHED_BY = "pushed_by";
    /** Finding attribute of a platform's own finding: {@code true} when polled or confirmed with the platform. */
    public static final String PLATFORM_CONFIRMED = "platform_confirmed";
    /** Finding attribute of a platform's own finding: what the platform said when asked. */
    public static final String PLATFORM_CONFIRMATION = "platform_confirmation";

    private final Enricher enricher;
    private final DetectionEngine detection;
    private final PolicyEngine policy;
    private final ActionCoordinator coordinator;
    private final Ledger ledger;
    private final boolean forceShadow;
    private final Confirmers confirmers;

    /** Built by {@link ResponseEngine}, the one assembly of the engine. */
    Pipeline(Enricher enricher, DetectionEngine detection, PolicyEngine policy, ActionCoordinator coordinator,
                    Ledger ledger, boolean forceShadow, Confirmers confirmers) {
        this.enricher = Objects.requireNonNull(enricher, "enricher");
        this.detection = Objects.requireNonNull(detection, "detection");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.forceShadow = forceShadow;
        this.confirmers = Objects.requireNonNull(confirmers, "confirmers");
    }

    /**
     * Files a finding and its decision, and the event behind them, durably: called after both are
     * ledgered and before any action is planned, so the evidence is committed before the action's
     * intent (a crash between intent and platform call leaves the evidence, never an action without it).
     */
    @FunctionalInterface
    public interface Filing {
        Filing NONE = (event, finding, decision) -> { };

        void file(IdentityEvent event, Finding finding, Decision decision);
    }

    /** What one finding led to. */
    public record Outcome(Finding finding, IdentityRecord identity, Decision decision, List<ActionRecord> actions) {
        public Outcome {
            actions = List.copyOf(actions);
        }
    }

    /**
     * Processes one event.
     *
     * @return one outcome per finding the event raised; usually none
     * @throws io.itdr.core.audit.LedgerException when the ledger cannot be written: the stage
     *         that needed the entry did not happen
     */
    public List<Outcome> process(IdentityEvent event) {
        return process(event, null);
    }

    /**
     * Processes one event with the platform's raw record, which detection sees (rules match its
     * fields) and nothing keeps.
     *
     * @param raw the record as one JSON object; null when the connector gave none
     * @return one outcome per finding the event raised; usually none
     * @throws io.itdr.core.audit.LedgerException when the ledger cannot be written
     */
    public List<Outcome> process(IdentityEvent event, String raw) {
        return process(event, raw, Origin.POLLED, Filing.NONE);
    }

    /**
     * Processes one event that reached the engine by {@code origin}, filing each finding and
     * decision with {@code filing} before acting on it. A pushed event's findings carry
     * {@code origin=pushed} and {@code pushed_by}; a platform's own finding carries
     * {@code platform_confirmed} ({@code true} when polled from the platform or confirmed with it,
     * {@code false} when pushed and not confirmed) and {@code platform_confirmation} (what the
     * platform said), which the {@code unconfirmed_finding} guardrail reads. One policy version
     * decides the whole event: an activation waits until it is done.
     *
     * @throws io.itdr.core.audit.LedgerException when the ledger cannot be written
     */
    public List<Outcome> process(IdentityEvent event, String raw, Origin origin, Filing filing) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(filing, "filing");
        return policy.underOneVersion(() -> processUnderOneVersion(event, raw, origin, filing));
    }

    private List<Outcome> processUnderOneVersion(IdentityEvent event, String raw, Origin origin, Filing filing) {
        IdentityRecord identity = enricher.enrich(event);
        DetectionEngine.Detection detected = detection.detect(event, identity, raw);
        List<Finding> findings = detected.findings();
        for (Repeat repeat : detected.repeats()) {
            attach(event, repeat);
        }
        if (findings.isEmpty()) {
            return List.of();
        }
        List<Outcome> outcomes = new ArrayList<>(findings.size());
        for (Finding found : findings) {
            Finding finding = withOrigin(found, event, origin);
            String incidentId = policy.incidents().assign(finding);
            ledger.append(new LedgerDraft(incidentId, Stage.DETECTION, LedgerKinds.FINDING, "detector:" + finding.detector(),
                    finding.identityKey(), findingEvidence(finding, identity), finding.summary()));
            Decision decision = policy.decide(finding, identity, event);
            if (forceShadow && decision.mode() == Mode.ENFORCE) {
                decision = shadowed(decision);
            }
            ledger.append(new LedgerDraft(decision.incidentId(), Stage.CONTAINMENT, LedgerKinds.DECISION,
                    Actors.policy(decision.policy(), decision.ruleId()), decision.identityKey(), decisionEvidence(decision, finding),
                    decision.outcomeLabel() + " (" + decision.mode().policyName() + ")"));
            filing.file(event, finding, decision);
            outcomes.add(new Outcome(finding, identity, decision, coordinator.handle(decision, finding)));
        }
        return outcomes;
    }

    /**
     * A repeat is ledgered as evidence of the finding it is more of, in that finding's open
     * incident; nothing is decided on it. Dropped when no such finding is open (its incident
     * closed, or its evidence is full).
     */
    private void attach(IdentityEvent event, Repeat repeat) {
        policy.incidents().attach(event.identityKey(), repeat.detector(), repeat.variant(), event.time()).ifPresent(at -> {
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("finding.id", at.findingId());
            evidence.put("finding.detector", repeat.detector());
            if (repeat.variant() != null) {
                evidence.put("finding.attr.variant", repeat.variant());
            }
            evidence.put("finding.events", event.id());
            evidence.put("event.action", event.action());
            evidence.put("event.time", event.time().toString());
            evidence.put("incident.evidence_count", Integer.toString(at.ordinal()));
            ledger.append(new LedgerDraft(at.incidentId(), Stage.DETECTION, LedgerKinds.FINDING_EVIDENCE_ADDED,
                    "detector:" + repeat.detector(), event.identityKey(), evidence,
                    "more of finding " + at.findingId() + ": " + event.action()));
        });
    }

    /** The finding with where its event came from and, for a platform's own finding, whether the platform confirms it. */
    private Finding withOrigin(Finding f, IdentityEvent event, Origin origin) {
        boolean platformFinding = PlatformFindingDetector.ID.equals(f.detector());
        if (!origin.pushed() && !platformFinding) {
            return f;
        }
        Map<String, String> attributes = new LinkedHashMap<>(f.attributes());
        if (origin.pushed()) {
            attributes.put(ORIGIN, origin.label());
            attributes.put(PUSHED_BY, origin.by());
        }
        if (platformFinding) {
            Confirmation confirmation = origin.pushed() ? confirm(f, event)
                    : Confirmation.confirmed("read from " + f.platform() + " by the connector's poller");
            attributes.put(PLATFORM_CONFIRMED, Boolean.toString(confirmation.status() == Confirmation.Status.CONFIRMED));
            attributes.put(PLATFORM_CONFIRMATION, confirmation.status().name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + confirmation.detail());
        }
        return new Finding(f.id(), f.detector(), f.time(), f.identityKey(), f.platform(), f.tenant(), f.identity(), f.credential(),
                f.confidence(), f.summary(), f.evidenceEventIds(), f.frameworkTags(), attributes);
    }

    private Confirmation confirm(Finding f, IdentityEvent event) {
        Optional<FindingConfirmer> confirmer = confirmers.forPlatform(f.platform());
        if (confirmer.isEmpty()) {
            return Confirmation.unavailable("no connector confirms " + f.platform() + " findings");
        }
        try {
            return Objects.requireNonNull(confirmer.get().confirm(event), "the connector's confirmation");
        } catch (RuntimeException e) {
            // no answer is no confirmation: the guardrail holds, a person decides
            return Confirmation.unavailable("asking " + f.platform() + " failed: " + Printable.escape(String.valueOf(e.getMessage())));
        }
    }

    private static Decision shadowed(Decision d) {
        List<String> reasons = new ArrayList<>(d.reasons());
        reasons.add("replay: shadow mode forced; nothing is carried out");
        return new Decision(d.id(), d.time(), d.findingId(), d.identityKey(), d.ruleId(), d.intendedRung(), d.rung(), d.hold(),
                Mode.SHADOW, d.actions(), d.heldActions(), reasons, d.guardrails(), d.frameworkTags(), d.policy(), d.incidentId());
    }

    static Map<String, String> findingEvidence(Finding f, IdentityRecord identity) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("finding.id", f.id());
        evidence.put("finding.detector", f.detector());
        evidence.put("finding.confidence", Double.toString(f.confidence()));
        evidence.put("finding.events", String.join(",", f.evidenceEventIds()));
        evidence.put("finding.tags", String.join(",", f.frameworkTags()));
        f.attributes().forEach((k, v) -> evidence.put("finding.attr." + k, v));
        // Where each fact about the identity came from: catalog, inventory, or both.
        identity.provenance().forEach((k, v) -> evidence.put("identity." + k, v));
        if (identity.catalogEntry() != null) {
            evidence.put("identity.catalog_entry", identity.catalogEntry());
        }
        return evidence;
    }

    static Map<String, String> decisionEvidence(Decision d, Finding f) {
        Map<String, String> evidence = decisionEvidence(d);
        if (f.attributes().containsKey(PUSHED_BY)) {
            evidence.put("event.origin", f.attributes().get(ORIGIN));
            evidence.put("event.pushed_by", f.attributes().get(PUSHED_BY));
        }
        return evidence;
    }

    static Map<String, String> decisionEvidence(Decision d) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("decision.id", d.id());
        evidence.put("finding.id", d.findingId());
        evidence.put("rule", d.ruleId() == null ? "" : d.ruleId());
        evidence.put("rung.intended", d.intendedRung().policyName());
        evidence.put("rung.now", d.rung().policyName());
        evidence.put("hold", Boolean.toString(d.hold()));
        evidence.put("guardrails", String.join(",", d.guardrails()));
        evidence.put("policy.sha256", d.policy().sha256());
        for (int i = 0; i < d.reasons().size(); i++) {
            evidence.put(String.format("reason.%02d", i + 1), d.reasons().get(i));
        }
        return evidence;
    }
}
