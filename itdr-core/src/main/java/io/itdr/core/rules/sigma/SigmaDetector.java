package io.itdr.core.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.detect.Detector;
import io.itdr.core.detect.Observation;
import io.itdr.core.model.Finding;
import io.itdr.core.state.StateJson;
import io.itdr.spi.event.IdentityEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loaded Sigma rules as one detector. For each event with a raw record, every active rule of the
 * event's platform whose log format the record has is matched; a match is a finding whose
 * detector is {@code sigma:<rule id>}, with the rule's confidence (from its level) and ATT&amp;CK
 * tags, citing the event.
 *
 * <p>Reported once per identity per rule within {@code repeatWindow} (event time), so a burst of
 * matching records is one finding; each later match within the window is reported as a repeat
 * ({@link Observation#repeated}), which the pipeline attaches to that finding as evidence. State per identity: the time each rule last reported, at most
 * {@value #MAX_RULES_REMEMBERED} rules (the oldest forgotten first), allocated only when a rule
 * first fires; the raw record is never kept. Thread-safe as {@link Detector} requires.
 *
 * <p>Correlation rules ({@link SigmaCorrelation}) are judged after the rules, on each event that
 * matched a rule they refer to (a rule referred to only by correlations without {@code generate:
 * true} reports nothing on its own, as the specification says); a correlation that holds counts as
 * a match for correlations that refer to it. A correlation holding for a group reports once per
 * timespan, citing the events of its window (at most {@value CorrelationState#MAX_EVIDENCE}); later
 * matches while it holds are repeats. Unlike the per-identity state above, correlation state is
 * the detector's own ({@link CorrelationState}: groups are keyed by record fields and may span
 * identities), bounded, and touched under the engine's lock; an engine partitioned by identity
 * correlates within its partition only.
 */
public final class SigmaDetector implements Detector<SigmaDetector.State> {
    /** Detector ids of rule findings start with this. */
    public static final String PREFIX = "sigma:";
    static final int MAX_RULES_REMEMBERED = 64;

    private final String id;
    private final Map<String, List<SigmaRule>> byPlatform;
    private final Duration repeatWindow;
    private final List<SigmaCorrelation> correlations;
    /** Rules and correlations referred to only by correlations that do not generate them: no findings of their own. */
    private final java.util.Set<Object> quiet = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final CorrelationState correlationState = new CorrelationState();

    /** Per identity: when each rule last reported. */
    public static final class State {
        private LinkedHashMap<String, Instant> reported;
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    /** {@code {"r":{ruleId: lastReported}}}, least recently reported first; null before a rule first fires. */
    @Override
    public JsonNode snapshot(State state) {
        if (state.reported == null || state.reported.isEmpty()) {
            return null;
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ObjectNode r = node.putObject("r");
        state.reported.forEach((rule, time) -> r.put(rule, time.toString()));
        return node;
    }

    @Override
    public State restore(JsonNode node) {
        State state = newState();
        JsonNode r = StateJson.object(node, "r");
        state.reported = reportedMap();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            state.reported.put(e.getKey(), StateJson.instant(e.getValue()));
        }
        return state;
    }

    private static LinkedHashMap<String, Instant> reportedMap() {
        return new LinkedHashMap<>(8, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > MAX_RULES_REMEMBERED;
            }
        };
    }

    /**
     * @param id           the detector's id among the engine's detectors ("sigma")
     * @param rules        the loaded rules; inactive ones are skipped
     * @param repeatWindow a rule reports once per identity within it
     */
    public SigmaDetector(String id, List<SigmaRule> rules, Duration repeatWindow) {
        this(id, rules, List.of(), repeatWindow);
    }

    /**
     * @param correlations the loaded correlation rules, each after those it refers to; inactive ones are skipped
     */
    public SigmaDetector(String id, List<SigmaRule> rules, List<SigmaCorrelation> correlations, Duration repeatWindow) {
        this.id = Objects.requireNonNull(id, "id");
        this.correlations = correlations.stream().filter(SigmaCorrelation::active).toList();
        for (SigmaCorrelation c : this.correlations) {
            if (!c.generate()) {
                quiet.addAll(c.rules());
            }
        }
        this.repeatWindow = Objects.requireNonNull(repeatWindow, "repeatWindow");
        Map<String, List<SigmaRule>> map = new HashMap<>();
        for (SigmaRule r : rules) {
            if (r.active()) {
                map.computeIfAbsent(r.platform(), p -> new ArrayList<>()).add(r);
            }
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        this.byPlatform = Map.copyOf(map);
    }

    /** One hour between reports of a rule for an identity. */
    public static SigmaDetector of(List<SigmaRule> rules) {
        return new SigmaDetector("sigma", rules, Duration.ofHours(1));
    }

    /** The rules and correlation rules that loaded; one hour between reports of a rule for an identity. */
    public static SigmaDetector of(SigmaRules loaded) {
        return new SigmaDetector("sigma", loaded.rules(), loaded.correlations(), Duration.ofHours(1));
    }

    /** Correlation groups held for a correlation; for tests of the bounds. */
    synchronized int correlationGroups(String correlationId) {
        return correlationState.groups(correlationId);
    }

    @Override
    public String id() {
        return id;
    }

    /** Each rule's findings carry the rule's own tags. */
    @Override
    public List<String> frameworkTags() {
        return List.of();
    }

    @Override
    public State newState() {
        return new State();
    }

    @Override
    public void detect(Observation observation, State state, List<Finding> findings) {
        IdentityEvent event = observation.event();
        List<SigmaRule> rules = byPlatform.get(event.platform());
        if (rules == null || observation.rawText() == null) {
            return;
        }
        JsonNode raw = observation.raw();
        if (raw == null) {
            return;
        }
        RecordView view = new RecordView(raw, LogSource.aliases(event.platform()));
        Map<Object, List<String>> matched = correlations.isEmpty() ? null : new java.util.IdentityHashMap<>();
        for (SigmaRule rule : rules) {
            if (!rule.logSource().format().test(raw) || !rule.detection().matches(view)) {
                continue;
            }
            if (matched != null) {
                matched.put(rule, List.of(event.id()));
                if (quiet.contains(rule)) {
                    continue;
                }
            }
            if (state.reported == null) {
                state.reported = reportedMap();
            }
            Instant last = state.reported.get(rule.id());
            if (last != null && event.time().isBefore(last.plus(repeatWindow)) && !event.time().isBefore(last)) {
                observation.repeated(PREFIX + rule.id(), null); // more of the finding already reported
                continue;
            }
            state.reported.put(rule.id(), event.time());
            findings.add(finding(rule, observation));
        }
        if (matched != null && !matched.isEmpty()) {
            correlate(observation, view, matched, findings);
        }
    }

    private void correlate(Observation observation, RecordView view, Map<Object, List<String>> matched, List<Finding> findings) {
        IdentityEvent event = observation.event();
        synchronized (correlationState) {
            for (SigmaCorrelation c : correlations) {
                Map<Integer, List<String>> hits = new java.util.TreeMap<>();
                for (int i = 0; i < c.rules().size(); i++) {
                    List<String> ids = matched.get(c.rules().get(i));
                    if (ids != null) {
                        hits.put(i, ids);
                    }
                }
                if (hits.isEmpty()) {
                    continue;
                }
                CorrelationState.Outcome o = correlationState.observe(c, hits, event.time(), view);
                if (o.result() == CorrelationState.Result.NONE) {
                    continue;
                }
                matched.put(c, o.evidence());
                if (quiet.contains(c)) {
                    continue;
                }
                if (o.result() == CorrelationState.Result.HOLDS_AGAIN) {
                    observation.repeated(PREFIX + c.id(), null);
                } else {
                    findings.add(finding(c, o, observation));
                }
            }
        }
    }

    private static Finding finding(SigmaCorrelation c, CorrelationState.Outcome o, Observation observation) {
        IdentityEvent event = observation.event();
        String detector = PREFIX + c.id();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("rule_id", c.id());
        attributes.put("rule_title", c.title());
        attributes.put("rule_level", c.level());
        attributes.put("rule_file", c.file());
        attributes.put("rule_kind", "sigma_correlation");
        attributes.put("correlation_type", c.type().sigmaName());
        attributes.put("group", o.group());
        attributes.put("count", Long.toString(o.count()));
        attributes.put("timespan", c.timespan().toString());
        if (c.status() != null) {
            attributes.put("rule_status", c.status());
        }
        if (!c.otherTags().isEmpty()) {
            attributes.put("rule_tags", String.join(",", c.otherTags()));
        }
        String summary = "Sigma correlation '" + c.title() + "' (" + c.type().sigmaName() + ", " + c.level() + ") held: "
                + o.count() + (o.group().isEmpty() ? "" : " for " + o.group()) + " within " + c.timespan().toMinutes() + " min";
        return new Finding(id(detector, o.evidence()), detector, event.time(), observation.identityKey(), event.platform(),
                event.tenant(), observation.record().identity(), event.credential(), c.confidence(), summary, o.evidence(),
                c.frameworkTags(), attributes);
    }

    private static Finding finding(SigmaRule rule, Observation observation) {
        IdentityEvent event = observation.event();
        String detector = PREFIX + rule.id();
        List<String> evidence = List.of(event.id());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("rule_id", rule.id());
        attributes.put("rule_title", rule.title());
        attributes.put("rule_level", rule.level());
        attributes.put("rule_file", rule.file());
        attributes.put("rule_kind", "sigma");
        if (rule.status() != null) {
            attributes.put("rule_status", rule.status());
        }
        if (!rule.otherTags().isEmpty()) {
            attributes.put("rule_tags", String.join(",", rule.otherTags()));
        }
        String summary = "Sigma rule '" + rule.title() + "' (" + rule.level() + ") matched " + event.action();
        return new Finding(id(detector, evidence), detector, event.time(), observation.identityKey(), event.platform(),
                event.tenant(), observation.record().identity(), event.credential(), rule.confidence(), summary, evidence,
                rule.frameworkTags(), attributes);
    }

    /** Hex of SHA-256 over the detector id and the evidence ids, truncated to 128 bits (as built-in findings). */
    private static String id(String detector, List<String> evidence) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(detector.getBytes(StandardCharsets.UTF_8));
            for (String e : evidence) {
                sha.update((byte) '\n');
                sha.update(e.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
