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

    /** The open token whose key has this hash, made the most recently used; null when none. */
    private static Token use(IdentityState s, long key) {
        Token[] tokens = s.tokens;
        if (tokens == null) {
            return null;
        }
        for (int i = 0; i < tokens.length; i++) {
            Token token = tokens[i];
            if (token.key == key) {
                System.arraycopy(tokens, i + 1, tokens, i, tokens.length - 1 - i);
                tokens[tokens.length - 1] = token;
                return token;
            }
        }
        return null;
    }

    /** Adds a token as the most recently used, dropping the least recently used one beyond the cap. */
    private void open(IdentityState s, Token token) {
        Token[] tokens = s.tokens;
        if (tokens == null) {
            s.tokens = new Token[] {token};
            return;
        }
        int keep = Math.min(tokens.length, settings.tokensPerIdentity() - 1);
        Token[] grown = new Token[keep + 1];
        System.arraycopy(tokens, tokens.length - keep, grown, 0, keep);
        grown[keep] = token;
        s.tokens = grown;
    }

    /** Drops the tokens for which {@code drop} holds; the field is null when none is left. */
    private static void drop(IdentityState s, java.util.function.Predicate<Token> drop) {
        Token[] tokens = s.tokens;
        if (tokens == null) {
            return;
        }
        int kept = 0;
        for (Token token : tokens) {
            if (!drop.test(token)) {
                tokens[kept++] = token;
            }
        }
        s.tokens = kept == 0 ? null : kept == tokens.length ? tokens : java.util.Arrays.copyOf(tokens, kept);
    }

    private LruSet<String> reportedOutside(IdentityState s) {
        IdentityState.Rare rare = s.rare();
        if (rare.reportedOutside == null) {
            rare.reportedOutside = LruSet.of(settings.outsideSourcesRemembered());
        }
        return rare.reportedOutside;
    }

    /**
     * One open token: a 64-bit hash of its replay key ({@link IdHash}: the key is only ever
     * compared; a finding names the key of the event that fires it), its last use, and the networks
     * it was used from, each with the last event and time from there, as triples in one array grown
     * as networks come.
     */
    static final class Token {
        final long key;
        Instant lastUse;
        /** network, last event id, last seen, network, …: in the order the networks came; null before the first. */
        private Object[] uses;

        Token(long key) {
            this.key = key;
        }

        int count() {
            return uses == null ? 0 : uses.length / 3;
        }

        String network(int i) {
            return (String) uses[3 * i];
        }

        String lastEventId(int i) {
            return EventIds.text(uses[3 * i + 1]);
        }

        Instant lastSeen(int i) {
            return (Instant) uses[3 * i + 2];
        }

        int indexOf(String network) {
            for (int i = 0, n = count(); i < n; i++) {
                if (network(i).equals(network)) {
                    return i;
                }
            }
            return -1;
        }

        /** A use from network {@code i} (a known one, or {@link #count()} for the next). */
        /** @param eventId as {@link EventIds} keeps it */
        void seen(int i, String network, Object eventId, Instant time) {
            if (i == count()) {
                uses = uses == null ? new Object[3] : java.util.Arrays.copyOf(uses, uses.length + 3);
            }
            uses[3 * i] = network;
            uses[3 * i + 1] = eventId;
            uses[3 * i + 2] = time;
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
        return 2;
    }

    /** Version 2, and version 1 (tokens keyed by their replay keys, read by hashing them). */
    @Override
    public boolean reads(int version) {
        return version == 1 || version == 2;
    }

    /**
     * Version 2: {@code {"t":[[tokenHash, lastUse, [[network, lastEventId, lastSeen], …]], …],"o":[outside sources]}},
     * tokens and outside sources least recently used first; null when both are empty. (Version 1 had
     * {@code "t":{token:{"u":lastUse,"n":[[network, lastEventId, lastSeen], …]}}}.)
     */
    @Override
    public JsonNode snapshot(IdentityState s) {
        LruSet<String> reportedOutside = s.rare == null ? null : s.rare.reportedOutside;
        if (s.tokens == null && (reportedOutside == null || reportedOutside.isEmpty())) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        ArrayNode tokens = node.putArray("t");
        for (Token token : s.tokens == null ? new Token[0] : s.tokens) {
            ArrayNode n = tokens.addArray().add(token.key).add(token.lastUse.toString()).addArray();
            for (int i = 0; i < token.count(); i++) {
                n.addArray().add(token.network(i)).add(token.lastEventId(i)).add(token.lastSeen(i).toString());
            }
        }
        node.set("o", DetectorStateJson.keys(reportedOutside == null ? List.of() : reportedOutside));
        return node;
    }

    @Override
    public void restoreInto(IdentityState into, JsonNode node, int version) {
        IdentityState s = newState();
        if (version == 1) {
            DetectorStateJson.fields(node.get("t"), (key, t) ->
                    open(s, restoreToken(IdHash.of(key), t.path("n"), t.get("u"), key)));
        } else {
            JsonNode t = node.get("t");
            if (t != null && !t.isArray()) {
                throw new IllegalArgumentException("field t: expected an array of tokens");
            }
            for (JsonNode token : t == null ? DetectorStateJson.object().arrayNode() : t) {
                if (!token.isArray() || token.size() != 3 || !token.get(0).canConvertToLong()) {
                    throw new IllegalArgumentException("field t: expected [hash, last use, networks]: " + token);
                }
                open(s, restoreToken(token.get(0).asLong(), token.get(2), token.get(1), token.get(0).asText()));
            }
        }
        if (node.path("o").size() > 0) {
            DetectorStateJson.putKeys(node.get("o"), reportedOutside(s));
        }
        into.tokens = s.tokens;
        if (s.rare != null) {
            into.rare().reportedOutside = s.rare.reportedOutside;
        }
    }

    private Token restoreToken(long key, JsonNode networks, JsonNode lastUse, String name) {
        Token token = new Token(key);
        for (JsonNode n : networks) {
            if (token.count() == settings.networksPerToken()) {
                break; // fewer networks per token now: keep the first ones, as the detector would have
            }
            token.seen(token.count(), DetectorStateJson.text(n.get(0)), EventIds.kept(DetectorStateJson.text(n.get(1))),
                    DetectorStateJson.instant(n.get(2)));
        }
        if (token.count() == 0) {
            throw new IllegalArgumentException("token " + name + ": no network");
        }
        token.lastUse = DetectorStateJson.instant(lastUse);
        return token;
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
        long keyHash = IdHash.of(key);
        Token token = use(sightings, keyHash);
        if (token != null && idle(token, now)) {
            Token idle = token;
            drop(sightings, t -> t == idle);
            token = null;
        }
        if (token == null) {
            dropIdle(sightings, now);
            token = new Token(keyHash);
            token.seen(0, network, observation.keptEventId(), now);
            open(sightings, token);
            return;
        }
        int known = token.indexOf(network);
        if (known >= 0) {
            token.seen(known, network, observation.keptEventId(), now);
            return;
        }
        if (token.count() == settings.networksPerToken()) {
            token.lastUse = now; // already reported from as many networks as remembered: stay quiet
            return;
        }
        int previous = recentComparable(token, network, now);
        token.seen(token.count(), network, observation.keptEventId(), now);
        if (previous < 0) {
            return;
        }
        boolean proxy = Boolean.TRUE.equals(event.source().proxy());
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "multi_source");
        attributes.put("token", key);
        attributes.put("first_network", token.network(previous));
        attributes.put("second_network", network);
        attributes.put("seconds_apart", Long.toString(Duration.between(token.lastSeen(previous), now).toSeconds()));
        attributes.put("proxy", Boolean.toString(proxy));
        Findings.putIfKnown(attributes, "ip", event.source().ip());
        findings.add(Findings.of(this, observation, 0.8 + (proxy ? 0.1 : 0),
                "token " + key + " of " + event.identity().id() + " used from " + token.network(previous) + " and "
                        + network + " within " + Duration.between(token.lastSeen(previous), now).toMinutes() + " min",
                List.of(token.lastEventId(previous), event.id()), attributes));
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
        for (int i = 0; i < token.count(); i++) {
            if (comparable(token.network(i), network)
                    && !token.lastSeen(i).plus(settings.window()).isBefore(now)
                    && (best < 0 || token.lastSeen(i).isAfter(token.lastSeen(best)))) {
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
        drop(sightings, t -> idle(t, now));
    }
}
