package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.enrich.SourceExpectation.Verdict;
import io.itdr.core.model.Finding;
import io.itdr.spi.event.IdentityEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code new_source}: a successful event from a source fingerprint, network (ASN, else /24 or
 * /48) or country that the identity's learned baseline does not hold.
 *
 * <p>Learning: the first {@link DetectionSettings.NewSource#learningEvents()} successful events
 * with a known source, and every event within {@link DetectionSettings.NewSource#learningPeriod()}
 * of event time after the identity's first, only fill the baseline.
 *
 * <p>Roaming: an identity already known from {@link DetectionSettings.NewSource#roamingNetworks()}
 * address-only networks (a /24 or /48 whose owner is unknown) changes addresses as a matter of
 * course (CI jobs on fresh runners, serverless egress): for it a further address-only network in
 * a known country is no news, and its client is judged by the user agent alone (the fingerprint
 * without its network). A new owner (ASN, cloud provider) or country still counts. Events whose source is {@link Verdict#INSIDE} the
 * catalog's expected sources never fire (they still teach the baseline). Confidence: 0.5 for a
 * new network or country (0.6 for both), 0.25 when only the fingerprint (in practice the user
 * agent) is new; +0.25 when the source is {@link Verdict#OUTSIDE} the expected sources, +0.1
 * when the platform flags it as a proxy.
 *
 * <p>Suppression: a new source enters the baseline when it fires, so a burst from it fires once;
 * it fires again only after LRU eviction from the baseline.
 *
 * <p>Variant {@code long_term_key} (attribute {@code variant}; the others have
 * {@code identity}): a long-term credential (kind {@code access_key}, AWS {@code AKIA…}) used
 * from a network owner (ASN or cloud provider, {@link Observation#network()}) or a country that
 * this key has not been used from. A key's first located use only teaches it; there is no
 * further learning period, since a key used by one workload keeps its owners (NAT gateways and
 * VPC endpoints of one workload are one owner). Needs an ASN database, the providers' ranges or
 * the platform's ASN: a bare address is no owner. Confidence 0.6, 0.7 for a new owner in a new
 * country, +0.1 from a proxy. A new owner or country enters the key's baseline when it fires.
 *
 * <p>Bounds per identity: at most {@code baselineSize} fingerprints, networks and countries each,
 * least recently seen evicted; one event counter; at most {@value #KEYS_PER_IDENTITY} long-term
 * keys with at most {@value #OWNERS_PER_KEY} owners and countries each.
 */
public final class NewSourceDetector implements BuiltInDetector {
    public static final String ID = "new_source";
    private static final List<String> TAGS = List.of("OWASP-NHI2", "T1078.004", "DE.CM-01", "DE.AE-02");
    /** Long-term keys remembered per identity (AWS allows two per user). */
    static final int KEYS_PER_IDENTITY = 4;
    /** Owners and countries remembered per key. */
    static final int OWNERS_PER_KEY = 8;

    private final DetectionSettings.NewSource settings;

    public NewSourceDetector(DetectionSettings.NewSource settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    // the sources an identity is known to act from: IdentityState's new_source fields, each set made at its first entry


    private static LruMap<String, LruSet<String>> keys(IdentityState b) {
        IdentityState.Rare rare = b.rare();
        if (rare.keys == null) {
            rare.keys = new LruMap<>(KEYS_PER_IDENTITY, true);
        }
        return rare.keys;
    }

    private static java.util.Collection<String> orEmpty(Object set) {
        return SmallSet.elements(set);
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
     * {@code {"f":[…],"n":[…],"c":[…],"l":learned,"s":firstSeen,"k":{keyId:[owners, "c:"countries]}}}, each list least
     * recently seen first.
     */
    @Override
    public JsonNode snapshot(IdentityState b) {
        ObjectNode node = DetectorStateJson.object();
        node.set("f", DetectorStateJson.keys(orEmpty(b.fingerprints)));
        node.set("n", DetectorStateJson.keys(orEmpty(b.networks)));
        node.set("c", DetectorStateJson.keys(orEmpty(b.countries)));
        node.put("l", b.learnedEvents);
        DetectorStateJson.putIfKnown(node, "s", b.sourcesFirstSeen);
        ObjectNode keys = node.putObject("k");
        if (b.rare != null && b.rare.keys != null) {
            b.rare.keys.forEach((id, seen) -> keys.set(id, DetectorStateJson.keys(seen)));
        }
        return node;
    }

    @Override
    public void restoreInto(IdentityState into, JsonNode node, int version) {
        IdentityState b = newState();
        b.fingerprints = DetectorStateJson.addKeys(node.get("f"), null, settings.baselineSize());
        b.networks = DetectorStateJson.addKeys(node.get("n"), null, settings.baselineSize());
        if (node.path("c").size() > 0) {
            b.countries = DetectorStateJson.addKeys(node.get("c"), null, settings.baselineSize());
        }
        b.learnedEvents = node.path("l").asInt(0);
        b.sourcesFirstSeen = DetectorStateJson.instantOrNull(node, "s");
        DetectorStateJson.fields(node.get("k"), (id, owners) -> {
            LruSet<String> seen = LruSet.of(OWNERS_PER_KEY);
            DetectorStateJson.putKeys(owners, seen);
            keys(b).put(id, seen);
        });
        into.fingerprints = b.fingerprints;
        into.networks = b.networks;
        into.countries = b.countries;
        into.learnedEvents = b.learnedEvents;
        into.sourcesFirstSeen = b.sourcesFirstSeen;
        if (b.rare != null) {
            into.rare().keys = b.rare.keys;
        }
    }

    @Override
    public void detect(Observation observation, IdentityState baseline, List<Finding> findings) {
        if (!observation.successfulUse()) {
            return;
        }
        longTermKey(observation, baseline, findings);
        String fingerprint = observation.fingerprint();
        String network = observation.baselineNetwork();
        String country = observation.country();
        if (fingerprint == null && network == null && country == null) {
            return; // nothing to learn from or compare
        }
        // get() refreshes recency for known values; put() below adds new ones
        boolean newFingerprint = fingerprint != null && !SmallSet.touch(baseline.fingerprints, fingerprint);
        boolean newNetwork = network != null && !SmallSet.touch(baseline.networks, network);
        boolean newCountry = country != null && !SmallSet.touch(baseline.countries, country);
        java.time.Instant now = observation.event().time();
        if (baseline.sourcesFirstSeen == null || now.isBefore(baseline.sourcesFirstSeen)) {
            baseline.sourcesFirstSeen = now;
        }
        boolean learning = baseline.learnedEvents < settings.learningEvents()
                || now.isBefore(baseline.sourcesFirstSeen.plus(settings.learningPeriod()));
        if (baseline.learnedEvents < settings.learningEvents()) {
            baseline.learnedEvents++;
        }
        boolean roaming = !learning && newNetwork && !newCountry && addressOnly(network)
                && addressOnlyNetworks(baseline) >= settings.roamingNetworks();
        remember(baseline, fingerprint, network, country, newFingerprint, newNetwork, newCountry);
        if (roaming) {
            newNetwork = false; // one more address of an identity whose addresses churn
            newFingerprint = newFingerprint && !knownAgent(baseline, fingerprint);
        }

        if (learning || !(newFingerprint || newNetwork || newCountry)) {
            return;
        }
        Verdict expected = observation.expectation();
        if (expected == Verdict.INSIDE) {
            return;
        }
        IdentityEvent event = observation.event();
        boolean proxy = Boolean.TRUE.equals(event.source().proxy());
        double confidence = newNetwork || newCountry ? (newNetwork && newCountry ? 0.6 : 0.5) : 0.25;
        if (expected == Verdict.OUTSIDE) {
            confidence += 0.25;
        }
        if (proxy) {
            confidence += 0.1;
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "identity");
        attributes.put("new_fingerprint", Boolean.toString(newFingerprint));
        attributes.put("new_network", Boolean.toString(newNetwork));
        attributes.put("new_country", Boolean.toString(newCountry));
        attributes.put("expected_sources", expected.name().toLowerCase(java.util.Locale.ROOT));
        attributes.put("proxy", Boolean.toString(proxy));
        Findings.putIfKnown(attributes, "fingerprint", fingerprint);
        Findings.putIfKnown(attributes, "network", network);
        Findings.putIfKnown(attributes, "country", country);
        Findings.putIfKnown(attributes, "ip", event.source().ip());
        attributes.put("baseline_size", Integer.toString(orEmpty(baseline.fingerprints).size()));
        String what = newNetwork && newCountry ? "network " + network + " in new country " + country
                : newNetwork ? "network " + network
                : newCountry ? "country " + country
                : "client " + fingerprint;
        findings.add(Findings.of(this, observation, confidence,
                "new source for " + event.identity().id() + ": " + what
                        + (expected == Verdict.OUTSIDE ? ", outside its expected sources" : ""),
                List.of(event.id()), attributes));
    }

    /** A network known only by its address block: its owner is unknown. */
    static boolean addressOnly(String network) {
        return network != null && (network.startsWith("v4:") || network.startsWith("v6:"));
    }

    private static int addressOnlyNetworks(IdentityState baseline) {
        int n = 0;
        for (String known : orEmpty(baseline.networks)) {
            if (addressOnly(known)) {
                n++;
            }
        }
        return n;
    }

    /** Whether another fingerprint of the baseline has this one's client (the part after the network). */
    private static boolean knownAgent(IdentityState baseline, String fingerprint) {
        if (fingerprint == null) {
            return true;
        }
        String agent = fingerprint.substring(fingerprint.indexOf('|') + 1);
        for (String known : orEmpty(baseline.fingerprints)) {
            if (!known.equals(fingerprint) && known.substring(known.indexOf('|') + 1).equals(agent)) {
                return true;
            }
        }
        return false;
    }

    private void longTermKey(Observation observation, IdentityState baseline, List<Finding> findings) {
        IdentityEvent event = observation.event();
        if (event.credential() == null || !"access_key".equals(event.credential().kind())) {
            return;
        }
        String network = observation.baselineNetwork();
        String owner = network != null && (network.startsWith("as:") || network.startsWith("cloud:")) ? network : null;
        String country = observation.country();
        if (owner == null && country == null) {
            return;
        }
        LruSet<String> seen = baseline.rare == null || baseline.rare.keys == null ? null
                : baseline.rare.keys.get(event.credential().id());
        if (seen == null) {
            seen = LruSet.of(OWNERS_PER_KEY);
            keys(baseline).put(event.credential().id(), seen);
            remember(seen, owner, country);
            return;
        }
        boolean newOwner = owner != null && !seen.touch(owner);
        boolean newCountry = country != null && !seen.touch("c:" + country);
        remember(seen, owner, country);
        if (!newOwner && !newCountry) {
            return;
        }
        boolean proxy = Boolean.TRUE.equals(event.source().proxy());
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "long_term_key");
        attributes.put("credential", event.credential().id());
        attributes.put("new_network", Boolean.toString(newOwner));
        attributes.put("new_country", Boolean.toString(newCountry));
        attributes.put("proxy", Boolean.toString(proxy));
        Findings.putIfKnown(attributes, "network", owner);
        Findings.putIfKnown(attributes, "country", country);
        Findings.putIfKnown(attributes, "ip", event.source().ip());
        Findings.putIfKnown(attributes, "as_org", observation.networkFacts().asOrg());
        findings.add(Findings.of(this, observation, (newOwner && newCountry ? 0.7 : 0.6) + (proxy ? 0.1 : 0),
                "long-term key " + event.credential().id() + " of " + event.identity().id() + " used from new "
                        + (newOwner ? "network " + owner : "") + (newOwner && newCountry ? " in " : "")
                        + (newCountry ? "country " + country : ""),
                List.of(event.id()), attributes));
    }

    private static void remember(LruSet<String> seen, String owner, String country) {
        if (owner != null) {
            seen.add(owner);
        }
        if (country != null) {
            seen.add("c:" + country);
        }
    }

    private void remember(IdentityState baseline, String fingerprint, String network, String country,
                                 boolean newFingerprint, boolean newNetwork, boolean newCountry) {
        if (newFingerprint) {
            baseline.fingerprints = SmallSet.add(baseline.fingerprints, fingerprint, settings.baselineSize());
        }
        if (newNetwork) {
            baseline.networks = SmallSet.add(baseline.networks, network, settings.baselineSize());
        }
        if (newCountry) {
            baseline.countries = SmallSet.add(baseline.countries, country, settings.baselineSize());
        }
    }
}
