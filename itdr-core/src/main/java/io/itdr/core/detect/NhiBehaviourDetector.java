package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.model.Finding;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code nhi_behaviour}: a machine identity's repertoire is narrow, so what it has never done,
 * and doing much at once, is evidence. Three variants (attribute {@code variant}):
 * <ul>
 *   <li>{@code first_sensitive_action}: after the learning period (event time since the
 *       identity was first seen, {@link DetectionSettings.NhiBehaviour#learningPeriod()}), the
 *       first use of an action in {@link SensitiveActions}' table. Confidence = the action's
 *       sensitivity. Any outcome counts: an attempt denied is still the attempt.</li>
 *   <li>{@code fan_out}: within {@link DetectionSettings.NhiBehaviour#window()}, sensitive
 *       actions on at least {@code fanOutResources} distinct resources (event attribute
 *       {@code resource}, comma-separated for a bulk call: secrets, parameters, instances,
 *       snapshots), or any actions in at least
 *       {@code fanOutRegions} regions (attribute {@code aws_region}). Confidence 0.6
 *       (resources), 0.5 (regions). No learning period: the burst itself is the anomaly.</li>
 *   <li>{@code access_denied_burst}: at least {@code deniedBurst} calls refused for lack of
 *       permission (error code naming access denied, unauthorized or forbidden) within the
 *       window: enumeration of what a stolen credential may do. Confidence 0.5, 0.6 when the
 *       refusals span three or more actions.</li>
 * </ul>
 *
 * <p>Once per incident: a variant that fired stays quiet for the identity for
 * {@link DetectionSettings.NhiBehaviour#incidentWindow()} of event time, except that a first
 * sensitive action more sensitive than every one already reported in it is reported. A fan-out
 * or burst finding cites every event of it still held (at most {@value #RECENT}).
 *
 * <p>Bounds per identity: at most {@code actionsRemembered} distinct actions (least recently used
 * evicted: an evicted action counts as new again), {@value #RECENT} recent sensitive-resource and
 * region sightings and {@value #RECENT} recent refusals, three report times. About 8 KB with the
 * defaults.
 */
public final class NhiBehaviourDetector implements Detector<NhiBehaviourDetector.Repertoire> {
    public static final String ID = "nhi_behaviour";
    /** Sightings and refusals kept per identity. */
    static final int RECENT = 64;
    /** Event ids a fan-out or burst finding cites: every event of the burst still held. */
    private static final int MAX_EVIDENCE = RECENT;
    private static final List<String> TAGS = List.of("OWASP-NHI2", "OWASP-NHI5", "T1078.004", "DE.AE-02", "DE.CM-09");

    private final DetectionSettings.NhiBehaviour settings;

    public NhiBehaviourDetector(DetectionSettings.NhiBehaviour settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** What one identity has done. Not thread-safe. */
    public static final class Repertoire {
        Instant firstSeen;
        final LruMap<String, Boolean> actions;
        // small first arrays (ArrayDeque's default is 16 slots, for every identity)
        final ArrayDeque<Sighting> sightings = new ArrayDeque<>(1);
        final ArrayDeque<Sighting> refusals = new ArrayDeque<>(1);
        Instant firstUseReported;
        double firstUseMax;
        Instant fanOutReported;
        Instant deniedReported;

        Repertoire(int actionsRemembered) {
            actions = new LruMap<>(actionsRemembered, true);
        }
    }

    /** One sensitive resource or region touched, or one refusal. */
    record Sighting(Instant time, String key, String eventId) {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> frameworkTags() {
        return TAGS;
    }

    @Override
    public Repertoire newState() {
        return new Repertoire(settings.actionsRemembered());
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    /**
     * {@code {"f":firstSeen,"a":[actions],"s":[[time,key,eventId]…],"d":[refusals],"fu","fm","fo","dr"}},
     * lists oldest (least recently used) first; null before the first event.
     */
    @Override
    public JsonNode snapshot(Repertoire r) {
        if (r.firstSeen == null) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        node.put("f", r.firstSeen.toString());
        node.set("a", DetectorStateJson.keys(r.actions));
        node.set("s", sightings(r.sightings));
        node.set("d", sightings(r.refusals));
        DetectorStateJson.putIfKnown(node, "fu", r.firstUseReported);
        node.put("fm", r.firstUseMax);
        DetectorStateJson.putIfKnown(node, "fo", r.fanOutReported);
        DetectorStateJson.putIfKnown(node, "dr", r.deniedReported);
        return node;
    }

    @Override
    public Repertoire restore(JsonNode node) {
        Repertoire r = newState();
        r.firstSeen = DetectorStateJson.instant(node.get("f"));
        DetectorStateJson.putKeys(node.get("a"), r.actions);
        restoreSightings(node.path("s"), r.sightings);
        restoreSightings(node.path("d"), r.refusals);
        r.firstUseReported = DetectorStateJson.instantOrNull(node, "fu");
        r.firstUseMax = node.path("fm").asDouble(0);
        r.fanOutReported = DetectorStateJson.instantOrNull(node, "fo");
        r.deniedReported = DetectorStateJson.instantOrNull(node, "dr");
        return r;
    }

    private static ArrayNode sightings(ArrayDeque<Sighting> deque) {
        ArrayNode out = DetectorStateJson.object().arrayNode(deque.size());
        deque.forEach(s -> out.addArray().add(s.time().toString()).add(s.key()).add(s.eventId()));
        return out;
    }

    private static void restoreSightings(JsonNode list, ArrayDeque<Sighting> into) {
        for (JsonNode s : list) {
            add(into, new Sighting(DetectorStateJson.instant(s.get(0)), DetectorStateJson.text(s.get(1)), DetectorStateJson.text(s.get(2))));
        }
    }

    @Override
    public void detect(Observation observation, Repertoire r, List<Finding> findings) {
        IdentityEvent event = observation.event();
        if (event.category() == EventCategory.PLATFORM_FINDING) {
            return;
        }
        Instant now = event.time();
        if (r.firstSeen == null || now.isBefore(r.firstSeen)) {
            r.firstSeen = now;
        }
        SensitiveActions.Sensitivity sensitivity = SensitiveActions.of(event.action());
        firstUse(observation, r, sensitivity, findings);
        fanOut(observation, r, sensitivity, findings);
        denied(observation, r, findings);
    }

    private void firstUse(Observation observation, Repertoire r, SensitiveActions.Sensitivity sensitivity, List<Finding> findings) {
        IdentityEvent event = observation.event();
        boolean known = r.actions.get(event.action()) != null;
        if (!known) {
            r.actions.put(Interner.intern(event.action()), Boolean.TRUE);
        }
        Instant now = event.time();
        if (known || sensitivity == null || now.isBefore(r.firstSeen.plus(settings.learningPeriod()))) {
            return;
        }
        boolean inIncident = r.firstUseReported != null && !now.isAfter(r.firstUseReported.plus(settings.incidentWindow()));
        if (inIncident && sensitivity.confidence() <= r.firstUseMax) {
            return;
        }
        r.firstUseMax = inIncident ? Math.max(r.firstUseMax, sensitivity.confidence()) : sensitivity.confidence();
        r.firstUseReported = now;
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "first_sensitive_action");
        attributes.put("family", sensitivity.family());
        attributes.put("action", event.action());
        attributes.put("outcome", event.outcome().name().toLowerCase(Locale.ROOT));
        attributes.put("days_known", Long.toString(Duration.between(r.firstSeen, now).toDays()));
        Findings.putIfKnown(attributes, "resource", event.attributes().get("resource"));
        findings.add(Findings.of(this, observation, sensitivity.confidence(),
                event.identity().id() + " used " + event.action() + " (" + sensitivity.family().replace('_', ' ')
                        + ") for the first time in " + Duration.between(r.firstSeen, now).toDays() + " days",
                List.of(event.id()), attributes));
    }

    private void fanOut(Observation observation, Repertoire r, SensitiveActions.Sensitivity sensitivity, List<Finding> findings) {
        IdentityEvent event = observation.event();
        Instant now = event.time();
        String resource = event.attributes().get("resource");
        String region = event.attributes().get("aws_region");
        if (sensitivity != null && resource != null) {
            // a bulk call names several resources ("a,b,c"): each counts
            for (String one : resource.split(",")) {
                if (!one.isBlank()) {
                    add(r.sightings, new Sighting(now, "r:" + sensitivity.family() + ":" + one.trim(), event.id()));
                }
            }
        }
        if (region != null) {
            add(r.sightings, new Sighting(now, "g:" + region, event.id()));
        }
        expire(r.sightings, now);
        if (r.fanOutReported != null && !now.isAfter(r.fanOutReported.plus(settings.incidentWindow()))) {
            return;
        }
        Map<String, Set<String>> resourcesByFamily = new HashMap<>();
        Set<String> regions = new HashSet<>();
        for (Sighting s : r.sightings) {
            if (s.key().startsWith("g:")) {
                regions.add(s.key());
            } else {
                String rest = s.key().substring(2);
                int colon = rest.indexOf(':');
                resourcesByFamily.computeIfAbsent(rest.substring(0, colon), k -> new HashSet<>()).add(rest.substring(colon + 1));
            }
        }
        String family = null;
        int most = 0;
        for (Map.Entry<String, Set<String>> e : resourcesByFamily.entrySet()) {
            if (e.getValue().size() > most) {
                most = e.getValue().size();
                family = e.getKey();
            }
        }
        boolean resources = most >= settings.fanOutResources();
        boolean manyRegions = regions.size() >= settings.fanOutRegions();
        if (!resources && !manyRegions) {
            return;
        }
        r.fanOutReported = now;
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "fan_out");
        attributes.put("resources", Integer.toString(most));
        attributes.put("regions", Integer.toString(regions.size()));
        Findings.putIfKnown(attributes, "family", family);
        attributes.put("window_minutes", Long.toString(settings.window().toMinutes()));
        String family1 = family;
        List<String> evidence = evidence(r.sightings, s -> resources ? s.key().startsWith("r:" + family1 + ":") : s.key().startsWith("g:"));
        findings.add(Findings.of(this, observation, resources ? 0.6 : 0.5,
                event.identity().id() + " fanned out over " + (resources ? most + " " + family.replace('_', ' ') + " resources"
                        : regions.size() + " regions") + " within " + settings.window().toMinutes() + " min",
                evidence, attributes));
    }

    private void denied(Observation observation, Repertoire r, List<Finding> findings) {
        IdentityEvent event = observation.event();
        Instant now = event.time();
        if (event.outcome() != Outcome.FAILURE || !accessDenied(event.attributes().get("error_code"))) {
            return;
        }
        add(r.refusals, new Sighting(now, event.action(), event.id()));
        expire(r.refusals, now);
        if (r.refusals.size() < settings.deniedBurst()
                || (r.deniedReported != null && !now.isAfter(r.deniedReported.plus(settings.incidentWindow())))) {
            return;
        }
        r.deniedReported = now;
        Set<String> actions = new HashSet<>();
        r.refusals.forEach(s -> actions.add(s.key()));
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "access_denied_burst");
        attributes.put("refusals", Integer.toString(r.refusals.size()));
        attributes.put("actions", Integer.toString(actions.size()));
        attributes.put("window_minutes", Long.toString(settings.window().toMinutes()));
        findings.add(Findings.of(this, observation, actions.size() >= 3 ? 0.6 : 0.5,
                event.identity().id() + " was refused " + r.refusals.size() + " calls (" + actions.size() + " actions) within "
                        + settings.window().toMinutes() + " min",
                evidence(r.refusals, s -> true), attributes));
    }

    /** Whether an error code says the caller lacked permission (AWS, GCP, Azure, Okta spellings). */
    static boolean accessDenied(String errorCode) {
        if (errorCode == null) {
            return false;
        }
        String c = errorCode.toLowerCase(Locale.ROOT);
        return c.contains("accessdenied") || c.contains("unauthorized") || c.contains("forbidden")
                || c.contains("permission_denied") || c.contains("authorizationfailed") || c.contains("access_denied");
    }

    private static void add(ArrayDeque<Sighting> deque, Sighting s) {
        if (deque.size() >= RECENT) {
            deque.removeFirst();
        }
        deque.addLast(s);
    }

    private void expire(ArrayDeque<Sighting> deque, Instant now) {
        for (Iterator<Sighting> it = deque.iterator(); it.hasNext(); ) {
            if (it.next().time().plus(settings.window()).isBefore(now)) {
                it.remove();
            }
        }
    }

    /** Up to {@value #MAX_EVIDENCE} event ids, the latest last. */
    private static List<String> evidence(ArrayDeque<Sighting> deque, java.util.function.Predicate<Sighting> which) {
        List<String> ids = new ArrayList<>();
        Iterator<Sighting> it = deque.descendingIterator();
        while (it.hasNext() && ids.size() < MAX_EVIDENCE) {
            Sighting s = it.next();
            if (which.test(s) && !ids.contains(s.eventId())) {
                ids.add(0, s.eventId());
            }
        }
        return ids;
    }
}
