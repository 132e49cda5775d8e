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
import io.itdr.spi.event.IdentityEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
    private final Enricher enricher;
    private final DetectionEngine detection;
    private final PolicyEngine policy;
    private final ActionCoordinator coordinator;
    private final Ledger ledger;
    private final boolean forceShadow;

    /** Built by {@link ResponseEngine}, the one assembly of the engine. */
    Pipeline(Enricher enricher, DetectionEngine detection, PolicyEngine policy, ActionCoordinator coordinator,
                    Ledger ledger, boolean forceShadow) {
        this.enricher = Objects.requireNonNull(enricher, "enricher");
        this.detection = Objects.requireNonNull(detection, "detection");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.forceShadow = forceShadow;
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
        // One policy version decides the whole event: an activation waits until it is done.
        return policy.underOneVersion(() -> processUnderOneVersion(event, raw));
    }

    private List<Outcome> processUnderOneVersion(IdentityEvent event, String raw) {
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
        for (Finding finding : findings) {
            String incidentId = policy.incidents().assign(finding);
            ledger.append(new LedgerDraft(incidentId, Stage.DETECTION, LedgerKinds.FINDING, "detector:" + finding.detector(),
                    finding.identityKey(), findingEvidence(finding, identity), finding.summary()));
            Decision decision = policy.decide(finding, identity, event);
            if (forceShadow && decision.mode() == Mode.ENFORCE) {
                decision = shadowed(decision);
            }
            ledger.append(new LedgerDraft(decision.incidentId(), Stage.CONTAINMENT, LedgerKinds.DECISION,
                    Actors.policy(decision.policy(), decision.ruleId()), decision.identityKey(), decisionEvidence(decision),
                    decision.outcomeLabel() + " (" + decision.mode().policyName() + ")"));
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
