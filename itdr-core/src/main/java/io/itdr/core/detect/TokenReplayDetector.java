package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.enrich.SourceExpectation.Verdict;
import io.itdr.core.model.Finding;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code token_replay}, two variants (attribute {@code variant}):
 * <ul>
 *   <li>{@code multi_source}: one token or session ({@link SessionInfo#replayKey()}) used from a
 *       second network (different ASN, else different /24 or /48; see
 *       {@link Observation#network()}) while its use from the first is at most
 *       {@link DetectionSettings.TokenReplay#window()} old. Networks of different kinds (an ASN
 *       on one event, only an IP on the other) are not compared, nor are service names: either
 *       would report a platform's inconsistency, not a replay. All uses from inside the
 *       catalog's expected sources count as one network, {@value #EXPECTED_NETWORK}, comparable
 *       with any other: a workload behind NAT gateways in several zones uses one token from
 *       several /24s without firing, and cannot fill the token's memory so that a replay from
 *       outside goes unseen. Any outcome counts (a denied call still proves the token was
 *       presented). Confidence 0.8, +0.1 from a proxy.</li>
 *   <li>{@code outside_workload}: a successful use whose source is {@link Verdict#OUTSIDE} the
 *       catalog's expected sources, or whose workload (id or name) is not among the identity's
 *       consumers when both are known. Confidence 0.6 (source), 0.55 (workload), 0.75 (both),
 *       +0.1 from a proxy.</li>
 * </ul>
 *
 * <p>One event yields at most one finding: when {@code multi_source} fires, {@code outside_workload}
 * stays quiet for that event (it would describe the same incident).
 *
 * <p>Suppression: {@code multi_source} fires once per token and new network (so at most
 * {@code networksPerToken − 1} times per token), not per call; {@code outside_workload} fires once
 * per outside network (or workload) until it is evicted from the remembered set.
 *
 * <p>Bounds per identity: at most {@code tokensPerIdentity} tokens, each with at most
 * {@code networksPerToken} networks; tokens idle longer than the window are dropped when a new
 * token arrives, and beyond the cap the least recently used token is evicted. At most
 * {@code outsideSourcesRemembered} reported outside sources, least recently seen evicted.
 */
public final class TokenReplayDetector implements BuiltInDetector {
    public static final String ID = "token_replay";
    /** The network name of every use from inside the expected sources. */
    static final String EXPECTED_NETWORK = "expected_sources";
    private static final List<String> TAGS = List.of("OWASP-NHI2", "OWASP-NHI9", "T1550.001", "T1528", "DE.CM-09", "DE.AE-02");

    private final DetectionSettings.TokenReplay settings;

    public TokenReplayDetector(DetectionSettings.TokenReplay settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    // open tokens of one identity and the outside sources already reported: IdentityState's token_replay fields,
    // null while the identity has none (many identities never present a session, most never use one from outside)

    private LruMap<String, Token> tokens(IdentityState s) {
        if (s.tokens == null) {
            s.tokens = new LruMap<>(settings.tokensPerIdentity(), true);
        }
        return s.tokens;
    }

    private LruSet<String> reportedOutside(IdentityState s) {
        if (s.reportedOutside == null) {
            s.reportedOutside = LruSet.of(settings.outsideSourcesRemembered());
        }
        return s.reportedOutside;
    }

    /** The networks one token was used from: parallel arrays, filled in order. */
    static final class Token {
        final String[] networks;
        final String[] lastEventIds;
        final Instant[] lastSeen;
        int count;
        Instant lastUse;

        Token(int capacity) {
            networks = new String[capacity];
            lastEventIds = new String[capacity];
            lastSeen = new Instant[capacity];
        }

        int indexOf(String network) {
            for (int i = 0; i < count; i++) {
                if (networks[i].equals(network)) {
                    return i;
                }
            }
            return -1;
        }

        void seen(int i, String network, String eventId, Instant time) {
            networks[i] = network;
            lastEventIds[i] = eventId;
            lastSeen[i] = time;
            lastUse = time;
        }
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
        return 1;
    }

    /**
     * {@code {"t":{token:{"u":lastUse,"n":[[network, lastEventId, lastSeen], …]}},"o":[outside sources]}},
     * tokens and outside sources least recently used first; null when both are empty.
     */
    @Override
    public JsonNode snapshot(IdentityState s) {
        if ((s.tokens == null || s.tokens.isEmpty()) && (s.reportedOutside == null || s.reportedOutside.isEmpty())) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        ObjectNode tokens = node.putObject("t");
        (s.tokens == null ? Map.<String, Token>of() : s.tokens).forEach((key, token) -> {
            ObjectNode t = tokens.putObject(key);
            t.put("u", token.lastUse.toString());
            ArrayNode n = t.putArray("n");
            for (int i = 0; i < token.count; i++) {
                n.addArray().add(token.networks[i]).add(token.lastEventIds[i]).add(token.lastSeen[i].toString());
            }
        });
        node.set("o", DetectorStateJson.keys(s.reportedOutside == null ? List.of() : s.reportedOutside));
        return node;
    }

    @Override
    public void restoreInto(IdentityState into, JsonNode node, int version) {
        IdentityState s = newState();
        DetectorStateJson.fields(node.get("t"), (key, t) -> {
            Token token = new Token(settings.networksPerToken());
            for (JsonNode n : t.path("n")) {
                if (token.count == token.networks.length) {
                    break; // fewer networks per token now: keep the first ones, as the detector would have
                }
                token.seen(token.count++, DetectorStateJson.text(n.get(0)), DetectorStateJson.text(n.get(1)),
                        DetectorStateJson.instant(n.get(2)));
            }
            if (token.count == 0) {
                throw new IllegalArgumentException("token " + key + ": no network");
            }
            token.lastUse = DetectorStateJson.instant(t.get("u"));
            tokens(s).put(key, token);
        });
        if (node.path("o").size() > 0) {
            DetectorStateJson.putKeys(node.get("o"), reportedOutside(s));
        }
        into.tokens = s.tokens;
        into.reportedOutside = s.reportedOutside;
    }

    @Override
    public void detect(Observation observation, IdentityState sightings, List<Finding> findings) {
        if (observation.event().category() == EventCategory.PLATFORM_FINDING) {
            return;
        }
        int before = findings.size();
        multiSource(observation, sightings, findings);
        if (findings.size() > before) {
            // One event, one replay finding: the multi-source finding already cites this event. The
            // outside source is still remembered (into a scratch list) so it is not reported again.
            outsideWorkload(observation, sightings, new ArrayList<>(1));
            return;
        }
        outsideWorkload(observation, sightings, findings);
    }

    private void multiSource(Observation observation, IdentityState sightings, List<Finding> findings) {
        IdentityEvent event = observation.event();
        SessionInfo session = event.session();
        String key = session == null ? null : session.replayKey();
        String network = observation.network();
        if (key == null || network == null) {
            return;
        }
        if (observation.expectation() == Verdict.INSIDE) {
            network = EXPECTED_NETWORK;
        }
        Instant now = event.time();
        Token token = sightings.tokens == null ? null : sightings.tokens.get(key);
        if (token != null && idle(token, now)) {
            sightings.tokens.remove(key);
            token = null;
        }
        if (token == null) {
            dropIdle(sightings, now);
            token = new Token(settings.networksPerToken());
            token.seen(token.count++, network, event.id(), now);
            tokens(sightings).put(key, token);
            return;
        }
        int known = token.indexOf(network);
        if (known >= 0) {
            token.seen(known, network, event.id(), now);
            return;
        }
        if (token.count == token.networks.length) {
            token.lastUse = now; // already reported from as many networks as remembered: stay quiet
            return;
        }
        int previous = recentComparable(token, network, now);
        token.seen(token.count++, network, event.id(), now);
        if (previous < 0) {
            return;
        }
        boolean proxy = Boolean.TRUE.equals(event.source().proxy());
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "multi_source");
        attributes.put("token", key);
        attributes.put("first_network", token.networks[previous]);
        attributes.put("second_network", network);
        attributes.put("seconds_apart", Long.toString(Duration.between(token.lastSeen[previous], now).toSeconds()));
        attributes.put("proxy", Boolean.toString(proxy));
        Findings.putIfKnown(attributes, "ip", event.source().ip());
        findings.add(Findings.of(this, observation, 0.8 + (proxy ? 0.1 : 0),
                "token " + key + " of " + event.identity().id() + " used from " + token.networks[previous] + " and "
                        + network + " within " + Duration.between(token.lastSeen[previous], now).toMinutes() + " min",
                List.of(token.lastEventIds[previous], event.id()), attributes));
    }

    private void outsideWorkload(Observation observation, IdentityState sightings, List<Finding> findings) {
        if (!observation.successfulUse()) {
            return;
        }
        IdentityEvent event = observation.event();
        if (instanceCredentialsOutside(observation, sightings, findings)) {
            return;
        }
        boolean sourceOutside = observation.expectation() == Verdict.OUTSIDE;
        Workload workload = event.workload();
        List<String> consumers = observation.record().consumers();
        boolean workloadOutside = workload != null && workload.id() != null && !consumers.isEmpty()
                && !isConsumer(consumers, workload) && !attestedByPlatform(event, consumers);
        if (!sourceOutside && !workloadOutside) {
            return;
        }
        boolean fresh = false;
        if (sourceOutside) {
            fresh |= remember(sightings, "source:" + sourceKey(observation));
        }
        if (workloadOutside) {
            fresh |= remember(sightings, "workload:" + workload.id());
        }
        if (!fresh) {
            return;
        }
        boolean proxy = Boolean.TRUE.equals(event.source().proxy());
        double confidence = (sourceOutside && workloadOutside ? 0.75 : sourceOutside ? 0.6 : 0.55) + (proxy ? 0.1 : 0);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "outside_workload");
        attributes.put("reason", sourceOutside && workloadOutside ? "source,workload" : sourceOutside ? "source" : "workload");
        attributes.put("proxy", Boolean.toString(proxy));
        Findings.putIfKnown(attributes, "network", observation.network());
        Findings.putIfKnown(attributes, "ip", event.source().ip());
        if (workloadOutside) {
            attributes.put("workload", workload.id());
            attributes.put("consumers", String.join(",", consumers));
        }
        String credential = event.credential() == null ? event.identity().id() : "credential " + event.credential().id();
        findings.add(Findings.of(this, observation, confidence,
                credential + " used outside its expected workload"
                        + (sourceOutside ? " from " + sourceKey(observation) : "")
                        + (workloadOutside ? " by workload " + workload.id() : ""),
                List.of(event.id()), attributes));
    }

    private boolean instanceCredentialsOutside(Observation observation, IdentityState sightings, List<Finding> findings) {
        IdentityEvent event = observation.event();
        Workload workload = event.workload();
        if (workload == null || !"ec2".equals(workload.kind()) || !event.attributes().containsKey("ec2_role_delivery")) {
            return false;
        }
        String network = observation.network();
        if (network == null || !(network.startsWith("as:") || network.startsWith("cloud:"))
                || network.equals("cloud:" + event.platform())) {
            return false;
        }
        if (!remember(sightings, "instance:" + network)) {
            return true;
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "instance_credentials_outside");
        attributes.put("workload", workload.id());
        attributes.put("network", network);
        Findings.putIfKnown(attributes, "ip", event.source().ip());
        Findings.putIfKnown(attributes, "as_org", observation.networkFacts().asOrg());
        findings.add(Findings.of(this, observation, 0.85,
                "credentials of instance " + workload.id() + " used from " + network + " outside " + event.platform(),
                List.of(event.id()), attributes));
        return true;
    }

    /** Adds a reported outside source; true when it was not remembered already. */
    private boolean remember(IdentityState sightings, String key) {
        return reportedOutside(sightings).add(key);
    }

    private static String sourceKey(Observation observation) {
        if (observation.network() != null) {
            return observation.network();
        }
        if (observation.fingerprint() != null) {
            return observation.fingerprint();
        }
        return observation.country() == null ? "unknown source" : observation.country();
    }

    /**
     * Whether the platform itself issued the credentials to the workload, so the workload is one
     * of the identity's by construction: an EC2 instance holding its instance profile's role (the
     * role session is named after the instance and CloudTrail marks {@code ec2RoleDelivery}), a
     * Lambda function or ECS task named by {@code inScopeOf}. The catalog names applications,
     * not instances; only when it lists platform ids of that kind ({@code i-…}, a function or task
     * ARN) is the workload compared with them.
     */
    static boolean attestedByPlatform(IdentityEvent event, List<String> consumers) {
        Workload workload = event.workload();
        String kind = workload.kind();
        boolean attested = "lambda".equals(kind) || "ecs_task".equals(kind)
                || ("ec2".equals(kind) && event.attributes().containsKey("ec2_role_delivery"));
        if (!attested) {
            return false;
        }
        for (String consumer : consumers) {
            if (platformIdOfKind(consumer, kind)) {
                return false; // the catalog names the workloads of this kind itself: compare with them
            }
        }
        return true;
    }

    private static boolean platformIdOfKind(String consumer, String kind) {
        return switch (kind) {
            case "ec2" -> consumer.startsWith("i-");
            case "lambda" -> consumer.startsWith("arn:") && consumer.contains(":lambda:");
            case "ecs_task" -> consumer.startsWith("arn:") && consumer.contains(":ecs:");
            default -> false;
        };
    }

    private static boolean isConsumer(List<String> consumers, Workload workload) {
        for (int i = 0; i < consumers.size(); i++) {
            String consumer = consumers.get(i);
            if (consumer.equalsIgnoreCase(workload.id()) || consumer.equalsIgnoreCase(workload.name())) {
                return true;
            }
        }
        return false;
    }

    /** The most recently seen network of the token comparable with {@code network} and within the window; -1 when none. */
    private int recentComparable(Token token, String network, Instant now) {
        int best = -1;
        for (int i = 0; i < token.count; i++) {
            if (comparable(token.networks[i], network)
                    && !token.lastSeen[i].plus(settings.window()).isBefore(now)
                    && (best < 0 || token.lastSeen[i].isAfter(token.lastSeen[best]))) {
                best = i;
            }
        }
        return best;
    }

    private static boolean comparable(String a, String b) {
        return a.equals(EXPECTED_NETWORK) || b.equals(EXPECTED_NETWORK) || Observation.comparableNetworks(a, b);
    }

    private boolean idle(Token token, Instant now) {
        return token.lastUse.plus(settings.window()).isBefore(now);
    }

    private void dropIdle(IdentityState sightings, Instant now) {
        if (sightings.tokens == null) {
            return;
        }
        for (Iterator<Token> it = sightings.tokens.values().iterator(); it.hasNext(); ) {
            if (idle(it.next(), now)) {
                it.remove();
            }
        }
    }
}
