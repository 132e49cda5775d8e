package io.itdr.core.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.core.enrich.IpAddress;
import io.itdr.core.enrich.NetworkFacts;
import io.itdr.core.enrich.SourceExpectation;
import io.itdr.core.model.IdentityRecord;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.Source;

/**
 * One event as the detectors see it: the event, its identity's record, and facts derived from
 * them once and shared by all detectors (fingerprint, network, location, expected-source
 * verdict), each computed on first use. Created by the engine per event; not thread-safe.
 *
 * <p>The platform's raw record, when the connector gave one, is here for this event only (rules
 * match its fields); detectors never keep it in per-identity state.
 */
public final class Observation {
    private final DetectionEngine engine;
    private final IdentityEvent event;
    private final IdentityRecord record;
    private final IdentityState state;
    private final String rawText;

    private boolean rawDone;
    private JsonNode raw;
    private boolean fingerprintDone;
    private String fingerprint;
    private boolean networkDone;
    private String network;
    private NetworkFacts facts;
    private boolean geoDone;
    private Geo geo;
    private SourceExpectation.Verdict expectation;
    private java.util.List<Repeat> repeats;
    private Object keptEventId;

    Observation(DetectionEngine engine, IdentityEvent event, IdentityRecord record, IdentityState state, String rawText) {
        this.engine = engine;
        this.event = event;
        this.record = record;
        this.state = state;
        this.rawText = rawText;
    }

    /** The platform's raw record as the connector gave it (one JSON object as text), or null. */
    public String rawText() {
        return rawText;
    }

    /**
     * The raw record parsed, on first use; null when there is none or it is not a JSON object (a
     * connector's bug, not the event's: the event itself was normalized).
     */
    public JsonNode raw() {
        if (!rawDone) {
            rawDone = true;
            if (rawText != null) {
                try {
                    JsonNode parsed = RAW_READER.readTree(rawText);
                    raw = parsed != null && parsed.isObject() ? parsed : null;
                } catch (JsonProcessingException e) {
                    raw = null;
                }
            }
        }
        return raw;
    }

    private static final ObjectMapper RAW_READER = new ObjectMapper();

    public IdentityEvent event() {
        return event;
    }

    public IdentityRecord record() {
        return record;
    }

    /** The event's id as detector state keeps it ({@link EventIds}), one instance per event. */
    Object keptEventId() {
        if (keptEventId == null) {
            keptEventId = EventIds.kept(event.id());
        }
        return keptEventId;
    }

    public String identityKey() {
        return record.key();
    }

    /**
     * Whether this is the identity successfully doing something: outcome SUCCESS and not a
     * platform's finding about it.
     */
    public boolean successfulUse() {
        return event.outcome() == Outcome.SUCCESS && event.category() != EventCategory.PLATFORM_FINDING;
    }

    /** {@link Source#fingerprint()}; null when the source is unknown. */
    public String fingerprint() {
        if (!fingerprintDone) {
            fingerprint = fingerprintOf(event.source());
            fingerprintDone = true;
        }
        return fingerprint;
    }

    /**
     * The source network, by its owner where that is known: {@code cloud:<provider>} for a cloud
     * provider's published range or ASN, {@code as:<asn>} for another known AS (the platform's or
     * the ASN database's), {@value NetworkFacts#TENANT} for the tenant's private addresses and VPC
     * endpoints; else {@code v4:<ip>/24} or {@code v6:<ip>/48} for an IP literal; null otherwise
     * (a cloud service calling for the identity, "kms.amazonaws.com", is not a network). See
     * {@link #comparableNetworks} for which differences mean something.
     */
    public String network() {
        if (!networkDone) {
            network = Interner.intern(networkOf(event.source(), networkFacts()));
            networkDone = true;
        }
        return network;
    }

    /**
     * {@link #network()} with the tenant's own network (private addresses, VPC endpoints) counted
     * as the platform's cloud ({@code cloud:aws} on AWS): a workload reaches the platform through
     * VPC endpoints and NAT gateways in the provider's ranges, and moving between them is no new
     * source. For baselines of where an identity acts from.
     */
    public String baselineNetwork() {
        String n = network();
        return NetworkFacts.TENANT.equals(n) ? platformCloud(event.platform()) : n;
    }

    /** What the network enrichment knows of the source; never null. */
    public NetworkFacts networkFacts() {
        if (facts == null) {
            facts = engine.network(event);
        }
        return facts;
    }

    /**
     * Whether two {@link #network()} values may be told apart, so that their difference means a
     * different party: owners ({@code as:}, {@code cloud:}) with each other; the tenant's network
     * with another AS but not with a cloud provider (a workload leaves its VPC through NAT
     * gateways in the provider's ranges); a /24 with a /24, a /48 with a /48.
     */
    public static boolean comparableNetworks(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        boolean ownerA = a.startsWith("as:") || a.startsWith("cloud:");
        boolean ownerB = b.startsWith("as:") || b.startsWith("cloud:");
        if (ownerA && ownerB) {
            return true;
        }
        if (a.equals(NetworkFacts.TENANT) || b.equals(NetworkFacts.TENANT)) {
            String other = a.equals(NetworkFacts.TENANT) ? b : a;
            return other.startsWith("as:");
        }
        return !ownerA && !ownerB && a.regionMatches(0, b, 0, 3);
    }

    /**
     * Where the source is: the platform's geo when it has coordinates; otherwise the resolver's
     * answer (with the platform's country or region where the resolver has none); otherwise the
     * platform's geo without coordinates. Null when nothing is known.
     */
    public Geo geo() {
        if (!geoDone) {
            geo = engine.locate(event.source(), networkFacts());
            geoDone = true;
        }
        return geo;
    }

    /** {@link #geo()} when it has coordinates, else null. */
    public Geo location() {
        Geo g = geo();
        return g != null && g.hasCoordinates() ? g : null;
    }

    /** The country (ISO code, upper-case) when known, else null. */
    public String country() {
        Geo g = geo();
        return g == null ? null : Interner.intern(g.country());
    }

    /** How the source compares with the record's expected sources (catalog). */
    public SourceExpectation.Verdict expectation() {
        if (expectation == null) {
            expectation = state.expectation(record.expectedSources()).check(event.source(), geo());
        }
        return expectation;
    }

    /**
     * What a detector reports instead of a finding when this event is more of what it already
     * reported for the identity (the same rule matching again, another read of a burst already
     * reported): the event is evidence of that earlier finding, not a new one. The pipeline
     * attaches it to the finding of the identity's open incident with the same detector and
     * variant, without a new decision ({@code finding.evidence_added} in the ledger).
     *
     * @param detectorId the detector id its findings carry ({@code sigma:<rule id>} for a rule)
     * @param variant    the {@code variant} attribute of that finding; null when it has none
     */
    public void repeated(String detectorId, String variant) {
        if (repeats == null) {
            repeats = new java.util.ArrayList<>(2);
        }
        repeats.add(new Repeat(detectorId, variant));
    }

    /** The repeats detectors reported on this event, in order; empty when none. */
    java.util.List<Repeat> repeats() {
        return repeats == null ? java.util.List.of() : repeats;
    }

    /**
     * The state {@code detector} keeps for another identity, created when new: for detectors
     * whose evidence arrives on one identity's event but concerns another (a grant by an admin).
     */
    public <S> S stateOf(Detector<S> detector, String identityKey) {
        return engine.stateOf(detector, identityKey);
    }

    private static String networkOf(Source source, NetworkFacts facts) {
        if (source.asn() != null) {
            return asNetwork(source.asn()); // the platform's own word on the network comes first
        }
        String owner = facts.owner();
        if (owner != null) {
            return owner;
        }
        return prefixNetwork(source.ip());
    }

    /*
     * The texts network() and baselineNetwork() give, kept by what they are made of: most events
     * come from a few networks, and each made its text afresh (and parsed its address again) only
     * for the interner to find the same text. Direct-mapped tables of fixed size, racy like the
     * interner (slots hold immutable pairs; a lost write only costs making the text again).
     */
    private record Named(Object of, String text) {
    }

    static final int NAMED_SLOTS = 1 << 11;
    private static final Named[] AS_NETWORKS = new Named[NAMED_SLOTS];
    private static final Named[] PREFIX_NETWORKS = new Named[NAMED_SLOTS];
    private static final Named[] PLATFORM_CLOUDS = new Named[64];

    private record Fingerprint(Long asn, String ip, String userAgent, String text) {
    }

    private static final Fingerprint[] FINGERPRINTS = new Fingerprint[NAMED_SLOTS];

    /** {@link Source#fingerprint()}, interned, kept by the ASN, address and user agent it is made of. */
    private static String fingerprintOf(Source source) {
        Long asn = source.asn();
        String ip = source.ip();
        String userAgent = source.userAgent();
        int h = (java.util.Objects.hashCode(asn) * 31 + java.util.Objects.hashCode(ip)) * 31 + java.util.Objects.hashCode(userAgent);
        int slot = (h ^ (h >>> 11)) & (NAMED_SLOTS - 1);
        Fingerprint held = FINGERPRINTS[slot];
        if (held != null && java.util.Objects.equals(held.asn, asn) && java.util.Objects.equals(held.ip, ip)
                && java.util.Objects.equals(held.userAgent, userAgent)) {
            return held.text;
        }
        String text = Interner.intern(source.fingerprint());
        FINGERPRINTS[slot] = new Fingerprint(asn, ip, userAgent, text);
        return text;
    }

    /** {@code as:<asn>}, interned. */
    private static String asNetwork(Long asn) {
        int h = asn.hashCode();
        int slot = (h ^ (h >>> 11)) & (NAMED_SLOTS - 1);
        Named held = AS_NETWORKS[slot];
        if (held != null && held.of.equals(asn)) {
            return held.text;
        }
        String text = Interner.intern("as:" + asn);
        AS_NETWORKS[slot] = new Named(asn, text);
        return text;
    }

    /** {@code cloud:<platform>}, interned. */
    private static String platformCloud(String platform) {
        int slot = platform.hashCode() & (PLATFORM_CLOUDS.length - 1);
        Named held = PLATFORM_CLOUDS[slot];
        if (held != null && held.of.equals(platform)) {
            return held.text;
        }
        String text = Interner.intern("cloud:" + platform);
        PLATFORM_CLOUDS[slot] = new Named(platform, text);
        return text;
    }

    /** {@code v4:<ip>/24} or {@code v6:<ip>/48} of an address literal, interned; null for other texts. */
    private static String prefixNetwork(String address) {
        if (address == null) {
            return null;
        }
        int h = address.hashCode();
        int slot = (h ^ (h >>> 11)) & (NAMED_SLOTS - 1);
        Named held = PREFIX_NETWORKS[slot];
        if (held != null && held.of.equals(address)) {
            return held.text;
        }
        IpAddress ip = IpAddress.tryParse(address);
        if (ip == null) {
            return null;
        }
        ip = ip.unmapped();
        String text = Interner.intern(ip.v4() ? "v4:" + ip.network(24) + "/24" : "v6:" + ip.network(48) + "/48");
        PREFIX_NETWORKS[slot] = new Named(address, text);
        return text;
    }
}
