package io.itdr.core.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.model.Finding;
import io.itdr.core.state.StateJson;
import io.itdr.core.state.StateStore;
import io.itdr.spi.action.ActionRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Incidents, formed before deciding: the findings on one identity whose times lie within the
 * policy's incident window of the incident's latest finding form one incident. Within an incident a
 * target gets one containment per rung: a second finding raises confidence through escalation and
 * is recorded, but the decision does not plan the same containment of the same target again, so a
 * budget counts containments, not findings.
 *
 * <p>The id of an incident is {@code inc-} and the first 16 hex digits of the SHA-256 of its first
 * finding's id: deterministic, so a replay of the same events gives the same incidents.
 *
 * <p>Evidence grows within an incident: an event a detector reports as more of a finding it already
 * made (the same rule matching again, another read of a reported burst: a {@code Repeat}) is
 * attached to the first finding of the incident with the same detector and variant
 * ({@link #attach}), without a new finding or decision. At most {@value #MAX_EVIDENCE_PER_INCIDENT}
 * events are attached per incident; later repeats are counted but not attached.
 *
 * <p>Bounded: the open incidents of at most {@value #MAX_IDENTITIES} identities and the incident of
 * at most {@value #MAX_FINDINGS} findings are kept (least recently used dropped); per open
 * incident at most {@value #MAX_FINDING_KEYS} detector/variant keys. Thread-safe.
 *
 * <p>What changed (an incident opened, extended or contained; a finding assigned; either dropped)
 * is noted, so that {@link #changes} writes only that: the store holds no more than memory does.
 */
public final class Incidents {
    static final int MAX_IDENTITIES = 100_000;
    /** Events attached to the findings of one incident as repeats, at most. */
    public static final int MAX_EVIDENCE_PER_INCIDENT = 256;
    /** Detector/variant keys remembered per open incident (the first finding of each). */
    static final int MAX_FINDING_KEYS = 64;
    static final int MAX_FINDINGS = 200_000;

    /**
     * One identity's current incident.
     *
     * @param contained what was contained in it: {@link #containmentKey} → the decision that planned it
     * @param findings  detector and variant ({@link #findingKey}) → the incident's first finding of it
     * @param attached  events attached as repeats so far (one element, mutable)
     */
    record Open(String id, Instant openedAt, Instant lastFindingAt, Map<String, String> contained,
                Map<String, String> findings, int[] attached) {
    }

    /**
     * An event attached to a finding of an open incident.
     *
     * @param incidentId the incident
     * @param findingId  the finding it is evidence of
     * @param ordinal    how many events the incident has had attached, this one included
     */
    public record Attached(String incidentId, String findingId, int ordinal) {
    }

    /**
     * Version of an open incident's JSON ({@code {"v":2,"id","o","l","c":{containment: decision},
     * "f":{detector|variant: first finding},"a":attached}}); a finding's entry is {@code {"v":2,"i":incident}}.
     */
    static final int VERSION = 2;

    private volatile Duration window;
    /** Whether changes are noted (only when a store keeps them: otherwise the notes would only grow). */
    private boolean tracked;
    private final Set<String> changedIdentities = new LinkedHashSet<>();
    private final Set<String> changedFindings = new LinkedHashSet<>();
    private final Map<String, Open> open = lru(MAX_IDENTITIES, this::identityChanged);
    private final Map<String, String> incidentOfFinding = lru(MAX_FINDINGS, this::findingChanged);

    /** @param window how far apart two findings of one identity may be and still form one incident; positive */
    public Incidents(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("the incident window must be positive: " + window);
        }
        this.window = window;
    }

    public Duration window() {
        return window;
    }

    /** A policy activated at run time may change the window; incidents already open keep their findings. */
    public void window(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("the incident window must be positive: " + window);
        }
        this.window = window;
    }

    /** Identities with an open incident. */
    public synchronized int open() {
        return open.size();
    }

    /**
     * The incident {@code finding} belongs to, opening one when the identity has none within the
     * window. Assigning the same finding again gives the same incident.
     */
    public synchronized String assign(Finding finding) {
        String known = incidentOfFinding.get(finding.id());
        if (known != null) {
            return known;
        }
        Open current = open.get(finding.identityKey());
        Instant at = finding.time();
        if (current == null || at.isAfter(current.lastFindingAt().plus(window)) || at.isBefore(current.openedAt().minus(window))) {
            current = new Open(idFor(finding.id()), at, at, new LinkedHashMap<>(), new LinkedHashMap<>(), new int[1]);
        } else if (at.isAfter(current.lastFindingAt())) {
            current = new Open(current.id(), current.openedAt(), at, current.contained(), current.findings(), current.attached());
        }
        if (current.findings().size() < MAX_FINDING_KEYS) {
            current.findings().putIfAbsent(findingKey(finding.detector(), finding.attributes().get("variant")), finding.id());
        }
        open.put(finding.identityKey(), current);
        incidentOfFinding.put(finding.id(), current.id());
        identityChanged(finding.identityKey());
        findingChanged(finding.id());
        return current.id();
    }

    /**
     * Attaches an event a detector reported as a repeat to the identity's open incident: to its
     * first finding with the same detector and variant, when the event's time lies within the
     * incident (no further than the window from its first and last findings) and fewer than
     * {@value #MAX_EVIDENCE_PER_INCIDENT} events were attached to it. A repeat does not extend the
     * incident: only findings do.
     *
     * @param variant the finding's {@code variant} attribute; null when none
     * @return where it was attached; empty when the identity has no such finding in an open
     *         incident, or the incident's evidence is full
     */
    public synchronized Optional<Attached> attach(String identityKey, String detector, String variant, Instant at) {
        Open current = open.get(identityKey);
        if (current == null || at.isAfter(current.lastFindingAt().plus(window)) || at.isBefore(current.openedAt().minus(window))) {
            return Optional.empty();
        }
        String findingId = current.findings().get(findingKey(detector, variant));
        if (findingId == null || current.attached()[0] >= MAX_EVIDENCE_PER_INCIDENT) {
            return Optional.empty();
        }
        current.attached()[0]++;
        identityChanged(identityKey);
        return Optional.of(new Attached(current.id(), findingId, current.attached()[0]));
    }

    static String findingKey(String detector, String variant) {
        return variant == null ? detector : detector + "|" + variant;
    }

    /** The incident a finding was assigned to; null when unknown (never assigned, or forgotten). */
    public synchronized String incidentOf(String findingId) {
        return findingId == null ? null : incidentOfFinding.get(findingId);
    }

    /** The decision that already planned this containment of this target in the identity's incident, if any. */
    synchronized Optional<String> containedBy(String identityKey, String incidentId, String platform, ActionRequest request) {
        Open current = open.get(identityKey);
        if (current == null || !current.id().equals(incidentId)) {
            return Optional.empty();
        }
        return Optional.ofNullable(current.contained().get(containmentKey(platform, request)));
    }

    /** Records that {@code decisionId} planned this containment in the identity's incident. */
    synchronized void contained(String identityKey, String incidentId, String platform, ActionRequest request, String decisionId) {
        Open current = open.get(identityKey);
        if (current != null && current.id().equals(incidentId)) {
            if (current.contained().putIfAbsent(containmentKey(platform, request), decisionId) == null) {
                identityChanged(identityKey);
            }
        }
    }

    /** Forgets everything (a new policy, a test). */
    public synchronized void clear() {
        open.keySet().forEach(this::identityChanged);
        incidentOfFinding.keySet().forEach(this::findingChanged);
        open.clear();
        incidentOfFinding.clear();
    }

    /**
     * What changed since the last call: open incidents in {@code identitySection} (by identity
     * key), finding assignments in {@code findingSection} (by finding id; the body is the incident
     * id as a JSON string). Dropped ones are deleted.
     */
    synchronized List<StateStore.Change> changes(String identitySection, String findingSection) {
        List<StateStore.Change> out = new ArrayList<>(changedIdentities.size() + changedFindings.size());
        for (String key : changedIdentities) {
            Open current = open.get(key);
            out.add(new StateStore.Change(identitySection, key, current == null ? null : entry(current)));
        }
        for (String findingId : changedFindings) {
            String incident = incidentOfFinding.get(findingId);
            out.add(new StateStore.Change(findingSection, findingId,
                    incident == null ? null : StateJson.object(VERSION).put("i", incident).toString()));
        }
        changedIdentities.clear();
        changedFindings.clear();
        return out;
    }

    /** Everything, as {@link #changes} would write it. */
    synchronized List<StateStore.Change> all(String identitySection, String findingSection) {
        changedIdentities.addAll(open.keySet());
        changedFindings.addAll(incidentOfFinding.keySet());
        return changes(identitySection, findingSection);
    }

    /**
     * Restores one open incident written by {@link #changes}.
     *
     * @throws IllegalArgumentException when it is not such an entry, or of another version
     */
    synchronized void restoreOpen(String identityKey, String json) {
        JsonNode node = StateJson.parse(json, VERSION);
        Map<String, String> contained = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = StateJson.object(node, "c").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("field c." + e.getKey() + ": expected a decision id");
            }
            contained.put(e.getKey(), e.getValue().asText());
        }
        Map<String, String> findings = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = StateJson.object(node, "f").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("field f." + e.getKey() + ": expected a finding id");
            }
            findings.put(e.getKey(), e.getValue().asText());
        }
        JsonNode attached = node.get("a");
        if (attached == null || !attached.canConvertToInt() || attached.asInt() < 0) {
            throw new IllegalArgumentException("field a: expected the count of attached events");
        }
        open.put(identityKey, new Open(StateJson.text(node, "id"), StateJson.instant(node.get("o")),
                StateJson.instant(node.get("l")), contained, findings, new int[]{attached.asInt()}));
    }

    /** Restores one finding's incident written by {@link #changes}. */
    synchronized void restoreFinding(String findingId, String json) {
        incidentOfFinding.put(findingId, StateJson.text(StateJson.parse(json, VERSION), "i"));
    }

    /** Notes changes from now on, for {@link #changes}. */
    synchronized void track() {
        tracked = true;
    }

    private void identityChanged(String identityKey) {
        if (tracked) {
            changedIdentities.add(identityKey);
        }
    }

    private void findingChanged(String findingId) {
        if (tracked) {
            changedFindings.add(findingId);
        }
    }

    private static String entry(Open current) {
        ObjectNode node = StateJson.object(VERSION);
        node.put("id", current.id());
        node.put("o", current.openedAt().toString());
        node.put("l", current.lastFindingAt().toString());
        ObjectNode c = node.putObject("c");
        current.contained().forEach(c::put);
        ObjectNode f = node.putObject("f");
        current.findings().forEach(f::put);
        node.put("a", current.attached()[0]);
        return node.toString();
    }

    static String containmentKey(String platform, ActionRequest request) {
        return platform + "|" + request.rung().policyName() + "|" + request.target();
    }

    /** The id of the incident whose first finding is {@code firstFindingId}. */
    public static String idFor(String firstFindingId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(firstFindingId.getBytes(StandardCharsets.UTF_8));
            return "inc-" + HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static <K, V> Map<K, V> lru(int capacity, Consumer<K> dropped) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                if (size() > capacity) {
                    dropped.accept(eldest.getKey());
                    return true;
                }
                return false;
            }
        };
    }
}
