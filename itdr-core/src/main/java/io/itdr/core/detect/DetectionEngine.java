package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.enrich.NetworkFacts;
import io.itdr.core.enrich.NetworkResolver;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.state.StateJson;
import io.itdr.core.state.StateStore;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Source;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the built-in detectors over identity events and returns their findings.
 *
 * <p>Events of one identity must arrive in event-time order (the caller guarantees it); events of
 * different identities may interleave. All windows are measured in event time, so replaying old
 * telemetry gives the same findings as live processing.
 *
 * <p>State: one {@link IdentityState} per identity key, holding each detector's bounded state
 * (the built-in detectors' as its fields, the others' as objects of their own);
 * at most {@link DetectionSettings#maxTrackedIdentities()} identities, the least recently seen
 * forgotten first. Memory is therefore bounded by identities × the per-detector caps documented
 * on each detector: about 1 KB for a quiet identity, up to roughly 20 KB for one that fills every
 * cap with default settings.
 *
 * <p>Restarts: {@link #restoreFrom} reads the identities' state from a {@link StateStore} and
 * from then on notes which identities changed; {@link #checkpoint} writes them (and deletes the
 * identities forgotten since), at the latest every {@code checkpointEvery} events. Only detectors
 * with a {@link Detector#stateVersion()} are kept; the others start afresh for every identity.
 * The store never holds more identities than memory does.
 *
 * <p>Thread-safe: {@link #process} is serialised on the engine. To use several cores, run one
 * engine per partition of identity keys (DESIGN §7: partitioned by identity), never one identity
 * on two engines.
 */
public final class DetectionEngine {
    private final GeoResolver geoResolver;
    private final NetworkResolver network;
    private static final Logger LOG = LoggerFactory.getLogger(DetectionEngine.class);
    /** Store section of the identities' detector state. */
    public static final String SECTION = "detector";
    /** Version of an identity's entry: {@code {"v":1,"d":{detectorId: [version, snapshot]}}}. */
    static final int VERSION = 1;

    private final List<Detector<?>> detectors;
    /**
     * For each detector, where its state is: -1 for a built-in one (the {@link IdentityState}
     * itself), else its index in {@link IdentityState#others}.
     */
    private final int[] otherSlot;
    /** Detectors with a state object of their own. */
    private final int others;
    private final LruMap<String, IdentityState> states;
    /** Identities changed or dropped since the last checkpoint; noted only once a store is attached. */
    private final Set<String> changed = new LinkedHashSet<>();
    private StateStore store = StateStore.NONE;
    private int checkpointEvery;
    private long sinceCheckpoint;

    /**
     * What {@link #restoreFrom} found.
     *
     * @param identities identities whose state was restored
     * @param unreadable identity or detector entries skipped (another format version, damage): those start afresh
     */
    public record Restored(int identities, int unreadable) {
    }

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
        this.otherSlot = new int[this.detectors.size()];
        int n = 0;
        for (int i = 0; i < otherSlot.length; i++) {
            otherSlot[i] = this.detectors.get(i) instanceof BuiltInDetector ? -1 : n++;
        }
        this.others = n;
        this.states = new LruMap<>(settings.maxTrackedIdentities(), true, this::noteChanged);
    }

    /** The state of detector {@code i} in an identity's state. */
    private Object slot(IdentityState state, int i) {
        int other = otherSlot[i];
        return other < 0 ? state : state.others[other];
    }

    private IdentityState newIdentityState() {
        return new IdentityState(others == 0 ? null : new Object[others]);
    }

    /**
     * Restores the identities' state kept in {@code store} (least recently written first, so the
     * most recently active identities are the last to be dropped) and keeps it there from now on:
     * {@link #checkpoint} writes what changed, and {@link #process} does so after every
     * {@code checkpointEvery} events. Call once, before any event.
     *
     * @param checkpointEvery events between automatic checkpoints; 0 for none (the caller checkpoints)
     * @throws io.itdr.core.state.StateStoreException when the store cannot be read
     */
    public synchronized Restored restoreFrom(StateStore store, int checkpointEvery) {
        Objects.requireNonNull(store, "store");
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be 0 or more: " + checkpointEvery);
        }
        int[] counts = new int[2];
        store.read(SECTION, (key, body) -> {
            try {
                IdentityState restored = restore(StateJson.parse(body, VERSION), counts);
                states.put(key, restored);
                counts[0]++;
            } catch (IllegalArgumentException e) {
                counts[1]++;
                LOG.debug("detector state of {}: {}", key, e.getMessage());
            }
        });
        changed.clear(); // dropping beyond the cap while restoring changed nothing that is not in the store
        this.store = store;
        this.checkpointEvery = checkpointEvery;
        if (counts[1] > 0) {
            LOG.warn("detector state: {} stored entries could not be read; those identities' detectors start afresh", counts[1]);
        }
        return new Restored(states.size(), counts[1]);
    }

    /**
     * Writes the state of every identity changed since the last checkpoint and deletes the ones
     * forgotten since, in one write. When the write fails, the same identities are written next time.
     *
     * @return the identities written or deleted
     * @throws io.itdr.core.state.StateStoreException when the store cannot be written
     */
    public synchronized int checkpoint() {
        sinceCheckpoint = 0;
        if (store == StateStore.NONE || changed.isEmpty()) {
            return 0;
        }
        List<StateStore.Change> changes = new ArrayList<>(changed.size());
        Set<String> gone = new LinkedHashSet<>(changed);
        // in the map's order (least recently used first), so the store's order restores it; iterating does not touch it
        for (var entry : states.entrySet()) {
            if (gone.remove(entry.getKey())) {
                changes.add(new StateStore.Change(SECTION, entry.getKey(), snapshot(entry.getValue())));
            }
        }
        for (String key : gone) {
            changes.add(new StateStore.Change(SECTION, key, null));
        }
        store.write(changes);
        changed.clear();
        return changes.size();
    }

    private void noteChanged(String identityKey) {
        if (store != StateStore.NONE) {
            changed.add(identityKey);
        }
    }

    private String snapshot(IdentityState state) {
        ObjectNode node = StateJson.object(VERSION);
        ObjectNode d = node.putObject("d");
        for (int i = 0; i < detectors.size(); i++) {
            Detector<?> detector = detectors.get(i);
            if (detector.stateVersion() > 0) {
                JsonNode s = snapshotOf(detector, slot(state, i));
                if (s != null) {
                    d.putArray(detector.id()).add(detector.stateVersion()).add(s);
                }
            }
        }
        return d.isEmpty() ? null : node.toString();
    }

    @SuppressWarnings("unchecked") // slot i always holds the state made by detector i
    private static <S> JsonNode snapshotOf(Detector<S> detector, Object slot) {
        return detector.snapshot((S) slot);
    }

    private IdentityState restore(JsonNode node, int[] counts) {
        JsonNode d = StateJson.object(node, "d");
        IdentityState state = newIdentityState();
        for (int i = 0; i < detectors.size(); i++) {
            Detector<?> detector = detectors.get(i);
            JsonNode kept = d.get(detector.id());
            Object slot = null;
            boolean read = false;
            if (kept != null && detector.stateVersion() > 0) {
                if (kept.isArray() && kept.size() == 2 && detector.reads(kept.get(0).asInt())) {
                    try {
                        if (detector instanceof BuiltInDetector builtIn) {
                            builtIn.restoreInto(state, kept.get(1), kept.get(0).asInt());
                            read = true;
                        } else {
                            slot = detector.restore(kept.get(1), kept.get(0).asInt());
                            read = slot != null;
                        }
                    } catch (IllegalArgumentException | NullPointerException e) {
                        LOG.debug("detector {} state: {}", detector.id(), e.getMessage());
                    }
                }
                if (!read) {
                    counts[1]++;
                }
            }
            if (otherSlot[i] >= 0) {
                state.others[otherSlot[i]] = slot != null ? slot : Objects.requireNonNull(detector.newState(), "state of " + detector.id());
            }
        }
        return state;
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
        /** Nothing found: what most events give, one instance. */
        static final Detection NONE = new Detection(List.of(), List.of());

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
        // the record's key (built once per identity by the enricher) checked against the event's parts without
        // building the key's text for every event
        String key = record.key();
        if (!isKeyOf(key, event)) {
            throw new IllegalArgumentException("record " + record.key() + " does not belong to event " + event.id()
                    + " of " + event.identityKey());
        }
        IdentityState state = state(key);
        Observation observation = new Observation(this, event, record, state, raw);
        List<Finding> findings = new ArrayList<>(); // allocates no array until a detector fires
        for (int i = 0; i < detectors.size(); i++) {
            run(detectors.get(i), observation, slot(state, i), findings);
        }
        if (checkpointEvery > 0 && ++sinceCheckpoint >= checkpointEvery) {
            try {
                checkpoint();
            } catch (RuntimeException e) {
                // detection goes on; the changed identities stay noted and are written next time
                LOG.warn("detector state checkpoint failed: {}", e.getMessage());
            }
        }
        List<Repeat> repeats = observation.repeats();
        return findings.isEmpty() && repeats.isEmpty() ? Detection.NONE : new Detection(findings, repeats);
    }

    /** Whether {@code key} is {@link IdentityEvent#identityKey()} of {@code event}, compared part by part. */
    private static boolean isKeyOf(String key, IdentityEvent event) {
        String platform = event.platform();
        String tenant = event.tenant() == null ? "-" : event.tenant();
        String id = event.identity().id();
        return key.length() == platform.length() + tenant.length() + id.length() + 2
                && key.startsWith(platform) && key.charAt(platform.length()) == '/'
                && key.startsWith(tenant, platform.length() + 1) && key.charAt(platform.length() + 1 + tenant.length()) == '/'
                && key.endsWith(id);
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
        S s = (S) slot(state(identityKey), slot);
        return s;
    }

    /** The state detector {@code i} keeps for an identity, or null when none is held; for tests. */
    synchronized Object peekSlot(String identityKey, int i) {
        IdentityState state = states.get(identityKey);
        return state == null ? null : slot(state, i);
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
        noteChanged(key);
        if (state == null) {
            state = newIdentityState();
            for (int i = 0; i < otherSlot.length; i++) {
                if (otherSlot[i] >= 0) {
                    state.others[otherSlot[i]] = Objects.requireNonNull(detectors.get(i).newState(), "state of " + detectors.get(i).id());
                }
            }
            states.put(key, state);
        }
        return state;
    }

    @SuppressWarnings("unchecked") // slot i always holds the state made by detector i
    private static <S> void run(Detector<S> detector, Observation observation, Object slot, List<Finding> sink) {
        detector.detect(observation, (S) slot, sink);
    }
}
