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
 *   <li>{@code discovery_burst}: at least {@code discoveryBurst} read-only discovery calls
 *       ({@link #discovery}: Describe, List, Get of configuration, GetCallerIdentity; not data reads
 *       such as S3 objects, nor the sensitive actions) within the window: enumeration, or polling
 *       for the effect of an attack step; calls refused for lack of permission count toward
 *       {@code access_denied_burst} instead. Confidence 0.3: context for an investigation, which the
 *       default policy records only.</li>
 *   <li>{@code read_after_discovery}: a secret read ({@link SensitiveActions} family
 *       {@code secret_read}) by an identity that listed or described resources of the same
 *       service within the window (ListSecrets then GetSecretValue, DescribeParameters then
 *       GetParameters, DescribeInstances then GetPasswordData): harvesting what was found, where
 *       a workload reads the secrets it already knows by name. Confidence 0.6; cites the
 *       discovery calls and the read.</li>
 * </ul>
 *
 * <p>Once per incident: a variant that fired stays quiet for the identity for
 * {@link DetectionSettings.NhiBehaviour#incidentWindow()} of event time, except that a first
 * sensitive action more sensitive than every one already reported in it is reported. A fan-out
 * or burst finding cites every event of it still held (at most {@value #RECENT}). An event that
 * is more of a variant already reported in the incident (another sensitive read of a fan-out,
 * another refusal, discovery call, or read of the harvested service, a less sensitive first
 * use) is reported as a repeat ({@link Observation#repeated}), so the pipeline attaches it to that
 * finding as evidence.
 *
 * <p>Bounds per identity: at most {@code actionsRemembered} distinct actions (least recently used
 * evicted: an evicted action counts as new again), {@value #RECENT} recent sensitive-resource and
 * region sightings, {@value #RECENT} recent refusals and {@value #RECENT} recent discovery calls,
 * five report times and one service name. About 12 KB with the defaults.
 */
public final class NhiBehaviourDetector implements BuiltInDetector {
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

    // what one identity has done: IdentityState's nhi_behaviour fields; the deques null while empty (most identities
    // never have any): no deque and array per identity

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
    public int stateVersion() {
        return 2;
    }

    /**
     * {@code {"f":firstSeen,"a":[actions],"s":[[time,key,eventId]…],"d":[refusals],"x":[discoveries],"fu","fm","fo","dr",
     * "xr","hr","hs"}}, lists oldest (least recently used) first; null before the first event.
     */
    @Override
    public JsonNode snapshot(IdentityState r) {
        if (r.actionsFirstSeen == null) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        node.put("f", r.actionsFirstSeen.toString());
        node.set("a", DetectorStateJson.keys(SmallSet.elements(r.actions)));
        node.set("s", sightings(r.sightings));
        node.set("d", sightings(r.refusals));
        DetectorStateJson.putIfKnown(node, "fu", r.rareOrEmpty().firstUseReported);
        node.put("fm", r.rareOrEmpty().firstUseMax);
        DetectorStateJson.putIfKnown(node, "fo", r.rareOrEmpty().fanOutReported);
        DetectorStateJson.putIfKnown(node, "dr", r.rareOrEmpty().deniedReported);
        node.set("x", sightings(r.discoveries));
        DetectorStateJson.putIfKnown(node, "xr", r.rareOrEmpty().discoveryReported);
        DetectorStateJson.putIfKnown(node, "hr", r.rareOrEmpty().harvestReported);
        DetectorStateJson.putIfKnown(node, "hs", r.rareOrEmpty().harvestService);
        return node;
    }

    @Override
    public void restoreInto(IdentityState into, JsonNode node, int version) {
        IdentityState r = newState();
        r.actionsFirstSeen = DetectorStateJson.instant(node.get("f"));
        r.actions = DetectorStateJson.addKeys(node.get("a"), null, settings.actionsRemembered());
        r.sightings = restoreSightings(node.path("s"));
        r.refusals = restoreSightings(node.path("d"));
        Instant firstUseReported = DetectorStateJson.instantOrNull(node, "fu");
        double firstUseMax = node.path("fm").asDouble(0);
        Instant fanOutReported = DetectorStateJson.instantOrNull(node, "fo");
        Instant deniedReported = DetectorStateJson.instantOrNull(node, "dr");
        r.discoveries = restoreSightings(node.path("x"));
        Instant discoveryReported = DetectorStateJson.instantOrNull(node, "xr");
        Instant harvestReported = DetectorStateJson.instantOrNull(node, "hr");
        String harvestService = DetectorStateJson.textOrNull(node, "hs");
        into.actionsFirstSeen = r.actionsFirstSeen;
        into.actions = r.actions;
        into.sightings = r.sightings;
        into.refusals = r.refusals;
        into.discoveries = r.discoveries;
        if (firstUseReported != null || firstUseMax != 0 || fanOutReported != null || deniedReported != null
                || discoveryReported != null || harvestReported != null || harvestService != null) {
            IdentityState.Rare rare = into.rare();
            rare.firstUseReported = firstUseReported;
            rare.firstUseMax = firstUseMax;
            rare.fanOutReported = fanOutReported;
            rare.deniedReported = deniedReported;
            rare.discoveryReported = discoveryReported;
            rare.harvestReported = harvestReported;
            rare.harvestService = harvestService;
        }
    }

    private static ArrayNode sightings(ArrayDeque<Sighting> deque) {
        ArrayNode out = DetectorStateJson.object().arrayNode(size(deque));
        if (deque != null) {
            deque.forEach(s -> out.addArray().add(s.time().toString()).add(s.key()).add(s.eventId()));
        }
        return out;
    }

    private static ArrayDeque<Sighting> restoreSightings(JsonNode list) {
        ArrayDeque<Sighting> into = null;
        for (JsonNode s : list) {
            into = add(into, new Sighting(DetectorStateJson.instant(s.get(0)), DetectorStateJson.text(s.get(1)), DetectorStateJson.text(s.get(2))));
        }
        return into;
    }

    @Override
    public void detect(Observation observation, IdentityState r, List<Finding> findings) {
        IdentityEvent event = observation.event();
        if (event.category() == EventCategory.PLATFORM_FINDING) {
            return;
        }
        Instant now = event.time();
        if (r.actionsFirstSeen == null || now.isBefore(r.actionsFirstSeen)) {
            r.actionsFirstSeen = now;
        }
        SensitiveActions.Sensitivity sensitivity = SensitiveActions.of(event.action());
        firstUse(observation, r, sensitivity, findings);
        fanOut(observation, r, sensitivity, findings);
        denied(observation, r, findings);
        discovered(observation, r, sensitivity, findings);
        harvest(observation, r, sensitivity, findings);
    }

    private boolean inIncident(Instant reported, Instant now) {
        return reported != null && !now.isAfter(reported.plus(settings.incidentWindow()))
                && !now.isBefore(reported.minus(settings.incidentWindow()));
    }

    private void discovered(Observation observation, IdentityState r, SensitiveActions.Sensitivity sensitivity, List<Finding> findings) {
        IdentityEvent event = observation.event();
        if (sensitivity != null || !discovery(event.action())
                || (event.outcome() == Outcome.FAILURE && accessDenied(event.attributes().get("error_code")))) {
            return; // a refused call counts toward access_denied_burst instead
        }
        Instant now = event.time();
        r.discoveries = expire(add(r.discoveries, new Sighting(now, service(event.action()), event.id())), now);
        if (inIncident(r.rareOrEmpty().harvestReported, now) && service(event.action()).equals(r.rareOrEmpty().harvestService)) {
            observation.repeated(ID, "read_after_discovery");
        }
        if (inIncident(r.rareOrEmpty().discoveryReported, now)) {
            observation.repeated(ID, "discovery_burst");
            return;
        }
        if (size(r.discoveries) < settings.discoveryBurst()) {
            return;
        }
        r.rare().discoveryReported = now;
        Set<String> actions = new HashSet<>();
        r.discoveries.forEach(s -> actions.add(s.key()));
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "discovery_burst");
        attributes.put("calls", Integer.toString(r.discoveries.size()));
        attributes.put("services", String.join(",", new java.util.TreeSet<>(actions)));
        attributes.put("window_minutes", Long.toString(settings.window().toMinutes()));
        findings.add(Findings.of(this, observation, 0.3,
                event.identity().id() + " made " + r.discoveries.size() + " discovery calls within "
                        + settings.window().toMinutes() + " min",
                evidence(r.discoveries, s -> true), attributes));
    }

    private void harvest(Observation observation, IdentityState r, SensitiveActions.Sensitivity sensitivity, List<Finding> findings) {
        IdentityEvent event = observation.event();
        if (sensitivity == null || !"secret_read".equals(sensitivity.family())) {
            return;
        }
        Instant now = event.time();
        String service = service(event.action());
        r.discoveries = expire(r.discoveries, now);
        if (inIncident(r.rareOrEmpty().harvestReported, now) && service.equals(r.rareOrEmpty().harvestService)) {
            observation.repeated(ID, "read_after_discovery");
            return;
        }
        List<String> evidence = evidence(r.discoveries, s -> s.key().equals(service));
        if (evidence.isEmpty()) {
            return;
        }
        int listed = evidence.size();
        evidence = new ArrayList<>(evidence);
        evidence.add(event.id());
        r.rare().harvestReported = now;
        r.rare().harvestService = service;
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "read_after_discovery");
        attributes.put("action", event.action());
        attributes.put("discovery_calls", Integer.toString(listed));
        attributes.put("window_minutes", Long.toString(settings.window().toMinutes()));
        Findings.putIfKnown(attributes, "resource", event.attributes().get("resource"));
        findings.add(Findings.of(this, observation, 0.6,
                event.identity().id() + " read secrets (" + event.action() + ") after " + listed + " discovery call"
                        + (listed == 1 ? "" : "s") + " of " + service + " within " + settings.window().toMinutes() + " min",
                evidence, attributes));
    }

    /** The service of an action named {@code service:Name}; the whole name otherwise. */
    static String service(String action) {
        int colon = action.indexOf(':');
        return colon < 0 ? action : action.substring(0, colon);
    }

    /**
     * Whether an action only reads configuration: its name (after {@code service:}) starts with
     * Describe, List or Get followed by a capital, or it is {@code sts:GetCallerIdentity}; data
     * reads are not discovery (S3 object reads and listings, DynamoDB items, Kinesis records,
     * container image layers and registry tokens: what workloads do all day), nor credential
     * issuance ({@code sts:Get*Token}). The sensitive actions are judged by their own table first.
     */
    static boolean discovery(String action) {
        if (action == null) {
            return false;
        }
        String service = service(action);
        String name = action.substring(action.indexOf(':') + 1);
        boolean read = prefixed(name, "Describe") || prefixed(name, "List") || prefixed(name, "Get");
        if (!read) {
            return false;
        }
        return switch (service) {
            case "s3" -> !(name.startsWith("GetObject") || name.startsWith("ListObject") || name.equals("ListParts")
                    || name.equals("ListMultipartUploadParts"));
            case "dynamodb", "kinesis", "sqs", "firehose" -> false;
            case "ecr" -> !(name.equals("GetAuthorizationToken") || name.equals("GetDownloadUrlForLayer"));
            case "sts" -> name.equals("GetCallerIdentity");
            default -> true;
        };
    }

    private static boolean prefixed(String name, String verb) {
        return name.startsWith(verb) && name.length() > verb.length() && Character.isUpperCase(name.charAt(verb.length()));
    }

    private void firstUse(Observation observation, IdentityState r, SensitiveActions.Sensitivity sensitivity, List<Finding> findings) {
        IdentityEvent event = observation.event();
        boolean known = SmallSet.touch(r.actions, event.action());
        if (!known) {
            r.actions = SmallSet.add(r.actions, Interner.intern(event.action()), settings.actionsRemembered());
        }
        Instant now = event.time();
        if (known || sensitivity == null || now.isBefore(r.actionsFirstSeen.plus(settings.learningPeriod()))) {
            return;
        }
        boolean inIncident = r.rareOrEmpty().firstUseReported != null && !now.isAfter(r.rareOrEmpty().firstUseReported.plus(settings.incidentWindow()));
        if (inIncident && sensitivity.confidence() <= r.rareOrEmpty().firstUseMax) {
            observation.repeated(ID, "first_sensitive_action");
            return;
        }
        r.rare().firstUseMax = inIncident ? Math.max(r.rareOrEmpty().firstUseMax, sensitivity.confidence()) : sensitivity.confidence();
        r.rare().firstUseReported = now;
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "first_sensitive_action");
        attributes.put("family", sensitivity.family());
        attributes.put("action", event.action());
        attributes.put("outcome", event.outcome().name().toLowerCase(Locale.ROOT));
        attributes.put("days_known", Long.toString(Duration.between(r.actionsFirstSeen, now).toDays()));
        Findings.putIfKnown(attributes, "resource", event.attributes().get("resource"));
        findings.add(Findings.of(this, observation, sensitivity.confidence(),
                event.identity().id() + " used " + event.action() + " (" + sensitivity.family().replace('_', ' ')
                        + ") for the first time in " + Duration.between(r.actionsFirstSeen, now).toDays() + " days",
                List.of(event.id()), attributes));
    }

    private void fanOut(Observation observation, IdentityState r, SensitiveActions.Sensitivity sensitivity, List<Finding> findings) {
        IdentityEvent event = observation.event();
        Instant now = event.time();
        String resource = event.attributes().get("resource");
        String region = event.attributes().get("aws_region");
        if (sensitivity != null && resource != null) {
            // a bulk call names several resources ("a,b,c"): each counts
            for (String one : resource.split(",")) {
                if (!one.isBlank()) {
                    r.sightings = add(r.sightings, new Sighting(now, "r:" + sensitivity.family() + ":" + one.trim(), event.id()));
                }
            }
        }
        if (region != null) {
            r.sightings = add(r.sightings, new Sighting(now, "g:" + region, event.id()));
        }
        r.sightings = expire(r.sightings, now);
        if (r.rareOrEmpty().fanOutReported != null && !now.isAfter(r.rareOrEmpty().fanOutReported.plus(settings.incidentWindow()))) {
            if (sensitivity != null && resource != null) {
                observation.repeated(ID, "fan_out");
            }
            return;
        }
        if (r.sightings == null) {
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
        r.rare().fanOutReported = now;
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

    private void denied(Observation observation, IdentityState r, List<Finding> findings) {
        IdentityEvent event = observation.event();
        Instant now = event.time();
        if (event.outcome() != Outcome.FAILURE || !accessDenied(event.attributes().get("error_code"))) {
            return;
        }
        r.refusals = expire(add(r.refusals, new Sighting(now, event.action(), event.id())), now);
        if (r.rareOrEmpty().deniedReported != null && !now.isAfter(r.rareOrEmpty().deniedReported.plus(settings.incidentWindow()))) {
            observation.repeated(ID, "access_denied_burst");
            return;
        }
        if (size(r.refusals) < settings.deniedBurst()) {
            return;
        }
        r.rare().deniedReported = now;
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

    /** {@code deque} with {@code s} added (a new deque when it was null). */
    private static ArrayDeque<Sighting> add(ArrayDeque<Sighting> deque, Sighting s) {
        if (deque == null) {
            deque = new ArrayDeque<>(1);
        }
        if (deque.size() >= RECENT) {
            deque.removeFirst();
        }
        deque.addLast(s);
        return deque;
    }

    /** {@code deque} without the sightings older than the window; null when none is left. */
    private ArrayDeque<Sighting> expire(ArrayDeque<Sighting> deque, Instant now) {
        if (deque == null) {
            return null;
        }
        for (Iterator<Sighting> it = deque.iterator(); it.hasNext(); ) {
            if (it.next().time().plus(settings.window()).isBefore(now)) {
                it.remove();
            }
        }
        return deque.isEmpty() ? null : deque;
    }

    private static int size(ArrayDeque<Sighting> deque) {
        return deque == null ? 0 : deque.size();
    }

    /** Up to {@value #MAX_EVIDENCE} event ids, the latest last. */
    private static List<String> evidence(ArrayDeque<Sighting> deque, java.util.function.Predicate<Sighting> which) {
        List<String> ids = new ArrayList<>();
        if (deque == null) {
            return ids;
        }
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
