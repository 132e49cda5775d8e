package io.itdr.core.detect;

import io.itdr.core.enrich.NetworkFacts;
import io.itdr.core.enrich.NetworkResolver;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Source;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the built-in detectors over identity events and returns their findings.
 *
 * <p>Events of one identity must arrive in event-time order (the caller guarantees it); events of
 * different identities may interleave. All windows are measured in event time, so replaying old
 * telemetry gives the same findings as live processing.
 *
 * <p>State: one {@link IdentityState} per identity key, holding each detector's bounded state;
 * at most {@link DetectionSettings#maxTrackedIdentities()} identities, the least recently seen
 * forgotten first. Memory is therefore bounded by identities × the per-detector caps documented
 * on each detector: about 1 KB for a quiet identity, up to roughly 20 KB for one that fills every
 * cap with default settings.
 *
 * <p>Thread-safe: {@link #process} is serialised on the engine. To use several cores, run one
 * engine per partition of identity keys (DESIGN §7: partitioned by identity), never one identity
 * on two engines.
 */
public final class DetectionEngine {
    private final GeoResolver geoResolver;
    private final NetworkResolver network;
    private final List<Detector<?>> detectors;
    private final LruMap<String, IdentityState> states;

    /**
     * The built-in detectors, in this order: {@code new_source}, {@code impossible_travel},
     * {@code token_replay}, {@code dormant_reactivated}, {@code privilege_change_then_use},
     * {@code platform_finding}, {@code nhi_behaviour}.
     *
     * @param settings never null
     * @param geo      never null ({@link GeoResolver#none()} when no GeoIP is configured)
     */
    public DetectionEngine(DetectionSettings settings, GeoResolver geo) {
        this(settings, geo, NetworkResolver.basic());
    }

    /**
     * The built-in detectors with network enrichment: {@code network} gives each source's owner
     * (ASN, cloud provider, the tenant's private network) and, where {@code geo} and the platform
     * know nothing, its location.
     *
     * @param settings never null
     * @param geo      never null ({@link GeoResolver#none()})
     * @param network  never null ({@link NetworkResolver#basic()} without data files)
     */
    public DetectionEngine(DetectionSettings settings, GeoResolver geo, NetworkResolver network) {
        this(settings, geo, network, builtIn(settings));
    }

    /**
     * The built-in detectors followed by {@code more} (rule sets such as Sigma rules), in order.
     *
     * @param more never null; ids must differ from the built-in ones and from each other
     */
    public static DetectionEngine withMore(DetectionSettings settings, GeoResolver geo, List<? extends Detector<?>> more) {
        return withMore(settings, geo, NetworkResolver.basic(), more);
    }

    /** {@link #withMore(DetectionSettings, GeoResolver, List)} with network enrichment. */
    public static DetectionEngine withMore(DetectionSettings settings, GeoResolver geo, NetworkResolver network,
                                           List<? extends Detector<?>> more) {
        List<Detector<?>> all = new ArrayList<>(builtIn(settings));
        all.addAll(more);
        return new DetectionEngine(settings, geo, network, all);
    }

    private static List<Detector<?>> builtIn(DetectionSettings settings) {
        return List.of(
                new NewSourceDetector(settings.newSource()),
                new ImpossibleTravelDetector(settings.impossibleTravel()),
                new TokenReplayDetector(settings.tokenReplay()),
                new DormantReactivatedDetector(settings.dormancy()),
                new PrivilegeChangeThenUseDetector(settings.privilegeUse()),
                new PlatformFindingDetector(settings.platformFindings()),
                new NhiBehaviourDetector(settings.nhiBehaviour()));
    }

    /** An engine running the given detectors in order; ids must be unique. */
    DetectionEngine(DetectionSettings settings, GeoResolver geo, List<Detector<?>> detectors) {
        this(settings, geo, NetworkResolver.basic(), detectors);
    }

    DetectionEngine(DetectionSettings settings, GeoResolver geo, NetworkResolver network, List<Detector<?>> detectors) {
        Objects.requireNonNull(settings, "settings");
        this.geoResolver = Objects.requireNonNull(geo, "geo");
        this.network = Objects.requireNonNull(network, "network");
        this.detectors = List.copyOf(detectors);
        Set<String> ids = new HashSet<>();
        for (Detector<?> d : this.detectors) {
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException("two detectors share the id " + d.id());
            }
        }
        this.states = new LruMap<>(settings.maxTrackedIdentities(), true);
    }

    /**
     * Runs every detector over one event.
     *
     * @param event  never null
     * @param record the enriched record of the event's identity; never null, its key must be the event's identity key
     * @return the findings, in detector order; empty when none; never null
     */
    public List<Finding> process(IdentityEvent event, IdentityRecord record) {
        return process(event, record, null);
    }

    /**
     * Runs every detector over one event and its raw record. The raw record is seen by the
     * detectors of this event only (rules match its fields) and never kept in state.
     *
     * @param event  never null
     * @param record the enriched record of the event's identity; never null, its key must be the event's identity key
     * @param raw    the platform's record as one JSON object, as the connector gave it; null when there is none
     * @return the findings, in detector order; empty when none; never null
     */
    public List<Finding> process(IdentityEvent event, IdentityRecord record, String raw) {
        return detect(event, record, raw).findings();
    }

    /**
     * What detection made of one event: its findings, and the repeats (events that are more of a
     * finding already reported for the identity, see {@link Observation#repeated}).
     *
     * @param findings in detector order; never null
     * @param repeats  in detector order; never null
     */
    public record Detection(List<Finding> findings, List<Repeat> repeats) {
        public Detection {
            findings = List.copyOf(findings);
            repeats = List.copyOf(repeats);
        }
    }

    /**
     * Runs every detector over one event and its raw record, as {@link #process(IdentityEvent,
     * IdentityRecord, String)}, and also returns the repeats the detectors reported.
     */
    public synchronized Detection detect(IdentityEvent event, IdentityRecord record, String raw) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(record, "record");
        String key = event.identityKey();
        if (!key.equals(record.key())) {
            throw new IllegalArgumentException("record " + record.key() + " does not belong to event " + event.id()
                    + " of " + key);
        }
        IdentityState state = state(key);
        Observation observation = new Observation(this, event, record, state, raw);
        List<Finding> findings = new ArrayList<>(); // allocates no array until a detector fires
        for (int i = 0; i < detectors.size(); i++) {
            run(detectors.get(i), observation, state.slots[i], findings);
        }
        return new Detection(findings, observation.repeats());
    }

    /** Identities whose state is held now. */
    public synchronized int trackedIdentities() {
        return states.size();
    }

    /** Ids of the detectors, in the order they run. */
    public List<String> detectorIds() {
        List<String> ids = new ArrayList<>(detectors.size());
        detectors.forEach(d -> ids.add(d.id()));
        return List.copyOf(ids);
    }

    /** The state held for an identity, or null; for tests of the bounds. */
    synchronized IdentityState peekState(String identityKey) {
        return states.get(identityKey);
    }

    <S> S stateOf(Detector<S> detector, String identityKey) {
        int slot = detectors.indexOf(detector);
        if (slot < 0) {
            throw new IllegalArgumentException("detector " + detector.id() + " does not run on this engine");
        }
        @SuppressWarnings("unchecked") // slot i always holds the state made by detector i
        S s = (S) state(identityKey).slots[slot];
        return s;
    }

    NetworkFacts network(IdentityEvent event) {
        return network.resolve(event.source().ip(), event.attributes().get("vpc_endpoint_id"));
    }

    Geo locate(Source source, NetworkFacts facts) {
        Geo platform = source.geo();
        if (platform != null && platform.hasCoordinates()) {
            return platform;
        }
        Optional<Geo> resolved = geoResolver.resolve(source);
        if (resolved.isEmpty() && facts.geo() != null) {
            resolved = Optional.of(facts.geo());
        }
        if (resolved.isEmpty()) {
            return platform;
        }
        Geo r = resolved.get();
        if (platform == null) {
            return r;
        }
        return new Geo(platform.country() != null ? platform.country() : r.country(),
                platform.region() != null ? platform.region() : r.region(),
                platform.city() != null ? platform.city() : r.city(), r.lat(), r.lon());
    }

    private IdentityState state(String key) {
        IdentityState state = states.get(key);
        if (state == null) {
            Object[] slots = new Object[detectors.size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = Objects.requireNonNull(detectors.get(i).newState(), "state of " + detectors.get(i).id());
            }
            state = new IdentityState(slots);
            states.put(key, state);
        }
        return state;
    }

    @SuppressWarnings("unchecked") // slot i always holds the state made by detector i
    private static <S> void run(Detector<S> detector, Observation observation, Object slot, List<Finding> sink) {
        detector.detect(observation, (S) slot, sink);
    }
}
