package io.itdr.core.detect;

import io.itdr.core.enrich.SourceExpectation;
import io.itdr.core.model.ExpectedSources;
import io.itdr.spi.event.Geo;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Everything the engine remembers about one identity: the built-in detectors' state as fields of
 * this one object, the states of the other detectors (rule sets) in the engine's order, and the
 * identity's compiled expected sources. The single place where per-identity detection state lives;
 * bounded because each detector's part is (each detector documents its caps).
 *
 * <p>One object rather than one per detector: most identities never need most of it (no session,
 * no grant, no platform finding), and seven objects with their headers, settings references and
 * the array holding them cost more than the fields themselves. A collection a detector keeps is
 * made at its first entry and stays null until then. Each group of fields belongs to one detector,
 * which alone reads and writes it (its snapshot and restore included). Not thread-safe: guarded by
 * the engine.
 */
final class IdentityState {
    /** The states of the detectors that keep their own ({@link DetectionEngine}'s order of them); null when there are none. */
    final Object[] others;
    private SourceExpectation expectation = SourceExpectation.NONE;
    /** What few identities need (see {@link Rare}); null until one of its fields is set. */
    Rare rare;

    // new_source (NewSourceDetector): each a SmallSet (null until its first entry)
    Object fingerprints;
    Object networks;
    Object countries;
    int learnedEvents;
    /** Event time of the first successful located event: the learning period runs from it. */
    Instant sourcesFirstSeen;

    // impossible_travel (ImpossibleTravelDetector): the last location
    Geo lastGeo;
    Instant lastGeoTime;
    /** As {@link EventIds} keeps it. */
    Object lastGeoEventId;

    // token_replay (TokenReplayDetector)
    /** Open tokens, least recently used first; null while none is open. */
    TokenReplayDetector.Token[] tokens;

    // dormant_reactivated (DormantReactivatedDetector): the identity's last use and its credentials' last uses
    Instant lastUseTime;
    /** As {@link EventIds} keeps it. */
    Object lastUseEventId;
    boolean lifecycleReported;
    /**
     * The credentials' last uses, least recently used first (null until the first): a 64-bit hash
     * of each credential's id (the id itself is only ever compared) and, in the same order, when
     * and by which event, as pairs.
     */
    long[] credentialIds;
    /** time, event id, time, event id, …: {@link Instant} and the id as {@link EventIds} keeps it. */
    Object[] credentialUses;
    /** Credentials remembered. */
    int credentials;

    // nhi_behaviour (NhiBehaviourDetector)
    Instant actionsFirstSeen;
    /** A SmallSet: null until the first event. */
    Object actions;
    ArrayDeque<NhiBehaviourDetector.Sighting> sightings;
    ArrayDeque<NhiBehaviourDetector.Sighting> refusals;
    /** Recent discovery calls: key = the service ("ssm" of "ssm:DescribeParameters"). */
    ArrayDeque<NhiBehaviourDetector.Sighting> discoveries;

    /** @param others the other detectors' states; null when there are none */
    IdentityState(Object[] others) {
        this.others = others;
    }

    /** {@link #rare} to read, an empty one when there is none: never write into it (write through {@link #rare()}). */
    Rare rareOrEmpty() {
        return rare != null ? rare : Rare.EMPTY;
    }

    /** {@link #rare}, made when first needed. */
    Rare rare() {
        if (rare == null) {
            rare = new Rare();
        }
        return rare;
    }

    /**
     * The part of an identity's state that few identities ever need, kept aside so the others do
     * not carry its fields: what the detectors reported (the times and subjects that suppress a
     * repeat), long-term keys, pending grants, platform finding types. Grouped by detector as in
     * {@link IdentityState}.
     */
    static final class Rare {
        /** What {@link #rareOrEmpty()} reads when there is none; never written. */
        private static final Rare EMPTY = new Rare();

        // new_source: long-term key id → owners and countries ("c:" prefix) it was used from; null until the first
        LruMap<String, LruSet<String>> keys;

        // impossible_travel: the last pair of places reported
        String travelReportedFrom;
        String travelReportedTo;
        Instant travelReportedAt;

        // token_replay: outside sources reported; null until the first
        LruSet<String> reportedOutside;

        // privilege_change_then_use: pending grants (null while none), trusts reported (null until the first)
        ArrayDeque<PrivilegeChangeThenUseDetector.Grant> grants;
        LruSet<String> reportedTrusts;

        // platform_finding: finding type → last seen; null until the first
        LruMap<String, Instant> findingTypes;

        // nhi_behaviour: when each variant last reported
        Instant firstUseReported;
        double firstUseMax;
        Instant fanOutReported;
        Instant deniedReported;
        Instant discoveryReported;
        Instant harvestReported;
        String harvestService;
    }

    /** The compiled form of {@code sources}, recompiled only when the record's sources change. */
    SourceExpectation expectation(ExpectedSources sources) {
        // the enricher hands out the catalog entry's own instance, so this is usually a reference check
        if (expectation.sources() != sources && !expectation.sources().equals(sources)) {
            expectation = Interner.expectation(sources);
        }
        return expectation;
    }
}
