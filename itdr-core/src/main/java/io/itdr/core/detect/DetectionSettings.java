package io.itdr.core.detect;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Every detector threshold and every state bound, grouped by detector. Immutable. Windows are
 * measured in event time, not wall-clock time.
 *
 * @param maxTrackedIdentities identities whose state is kept; the least recently seen is
 *                             forgotten beyond it (its baseline is learned again); default 200,000
 * @param newSource            {@code new_source}
 * @param impossibleTravel     {@code impossible_travel}
 * @param tokenReplay          {@code token_replay}
 * @param dormancy             {@code dormant_reactivated}
 * @param privilegeUse         {@code privilege_change_then_use}
 * @param platformFindings     {@code platform_finding}
 * @param nhiBehaviour         {@code nhi_behaviour}
 * @param networkData          the operator's network data files (MaxMind-format ASN and location
 *                             databases, cloud providers' published ranges); none by default
 */
public record DetectionSettings(int maxTrackedIdentities, NewSource newSource, ImpossibleTravel impossibleTravel,
                                TokenReplay tokenReplay, Dormancy dormancy, PrivilegeUse privilegeUse,
                                PlatformFindings platformFindings, NhiBehaviour nhiBehaviour,
                                io.itdr.core.enrich.NetworkDirectory.Files networkData) {

    /** The settings without the NHI behaviour detector's and network data (their defaults). */
    public DetectionSettings(int maxTrackedIdentities, NewSource newSource, ImpossibleTravel impossibleTravel,
                             TokenReplay tokenReplay, Dormancy dormancy, PrivilegeUse privilegeUse,
                             PlatformFindings platformFindings) {
        this(maxTrackedIdentities, newSource, impossibleTravel, tokenReplay, dormancy, privilegeUse, platformFindings,
                NhiBehaviour.defaults(), io.itdr.core.enrich.NetworkDirectory.Files.none());
    }

    public DetectionSettings {
        positive(maxTrackedIdentities, "maxTrackedIdentities");
        Objects.requireNonNull(newSource, "newSource");
        Objects.requireNonNull(impossibleTravel, "impossibleTravel");
        Objects.requireNonNull(tokenReplay, "tokenReplay");
        Objects.requireNonNull(dormancy, "dormancy");
        Objects.requireNonNull(privilegeUse, "privilegeUse");
        Objects.requireNonNull(platformFindings, "platformFindings");
        Objects.requireNonNull(nhiBehaviour, "nhiBehaviour");
        Objects.requireNonNull(networkData, "networkData");
    }

    /** The defaults documented on each group. */
    public static DetectionSettings defaults() {
        return new DetectionSettings(200_000, NewSource.defaults(), ImpossibleTravel.defaults(), TokenReplay.defaults(),
                Dormancy.defaults(), PrivilegeUse.defaults(), PlatformFindings.defaults());
    }

    public DetectionSettings withNhiBehaviour(NhiBehaviour value) {
        return new DetectionSettings(maxTrackedIdentities, newSource, impossibleTravel, tokenReplay, dormancy, privilegeUse,
                platformFindings, value, networkData);
    }

    /** These settings with the operator's network data files. */
    public DetectionSettings withNetworkData(io.itdr.core.enrich.NetworkDirectory.Files value) {
        return new DetectionSettings(maxTrackedIdentities, newSource, impossibleTravel, tokenReplay, dormancy, privilegeUse,
                platformFindings, nhiBehaviour, value);
    }

    /**
     * These settings with a policy's {@code detection} thresholds laid over them (detector id →
     * setting → value, as the policy loader validated them: {@code new_source.learning_events},
     * {@code impossible_travel.max_speed_kmh|min_distance_km}, {@code token_replay.window},
     * {@code dormant_reactivated.after}, {@code privilege_change_then_use.window},
     * {@code platform_finding.repeat_window}). Memory caps are not tunable here.
     *
     * @throws IllegalArgumentException for a key or value type the loader would not produce
     */
    public DetectionSettings tunedBy(Map<String, Object> tuning) {
        DetectionSettings s = this;
        for (Map.Entry<String, Object> detector : tuning.entrySet()) {
            if (!(detector.getValue() instanceof Map<?, ?> values)) {
                throw new IllegalArgumentException("detection." + detector.getKey() + " must be a mapping");
            }
            for (Map.Entry<?, ?> e : values.entrySet()) {
                String key = detector.getKey() + "." + e.getKey();
                Object v = e.getValue();
                s = switch (key) {
                    case "new_source.learning_events" -> s.withNewSource(new NewSource(((Number) v).intValue(), s.newSource.baselineSize(),
                            s.newSource.learningPeriod(), s.newSource.roamingNetworks()));
                    case "impossible_travel.max_speed_kmh" -> s.withImpossibleTravel(new ImpossibleTravel(((Number) v).doubleValue(),
                            s.impossibleTravel.minDistanceKm(), s.impossibleTravel.repeatSuppression()));
                    case "impossible_travel.min_distance_km" -> s.withImpossibleTravel(new ImpossibleTravel(s.impossibleTravel.maxSpeedKmh(),
                            ((Number) v).doubleValue(), s.impossibleTravel.repeatSuppression()));
                    case "token_replay.window" -> s.withTokenReplay(new TokenReplay((Duration) v, s.tokenReplay.tokensPerIdentity(),
                            s.tokenReplay.networksPerToken(), s.tokenReplay.outsideSourcesRemembered()));
                    case "dormant_reactivated.after" -> s.withDormancy(new Dormancy((Duration) v, s.dormancy.credentialsPerIdentity()));
                    case "privilege_change_then_use.window" -> s.withPrivilegeUse(new PrivilegeUse((Duration) v,
                            s.privilegeUse.pendingGrantsPerIdentity()));
                    case "platform_finding.repeat_window" -> s.withPlatformFindings(new PlatformFindings((Duration) v,
                            s.platformFindings.typesPerIdentity()));
                    default -> throw new IllegalArgumentException("unknown detection setting '" + key + "'");
                };
            }
        }
        return s;
    }

    public DetectionSettings withMaxTrackedIdentities(int value) {
        return new DetectionSettings(value, newSource, impossibleTravel, tokenReplay, dormancy, privilegeUse, platformFindings, nhiBehaviour, networkData);
    }

    public DetectionSettings withNewSource(NewSource value) {
        return new DetectionSettings(maxTrackedIdentities, value, impossibleTravel, tokenReplay, dormancy, privilegeUse, platformFindings, nhiBehaviour, networkData);
    }

    public DetectionSettings withImpossibleTravel(ImpossibleTravel value) {
        return new DetectionSettings(maxTrackedIdentities, newSource, value, tokenReplay, dormancy, privilegeUse, platformFindings, nhiBehaviour, networkData);
    }

    public DetectionSettings withTokenReplay(TokenReplay value) {
        return new DetectionSettings(maxTrackedIdentities, newSource, impossibleTravel, value, dormancy, privilegeUse, platformFindings, nhiBehaviour, networkData);
    }

    public DetectionSettings withDormancy(Dormancy value) {
        return new DetectionSettings(maxTrackedIdentities, newSource, impossibleTravel, tokenReplay, value, privilegeUse, platformFindings, nhiBehaviour, networkData);
    }

    public DetectionSettings withPrivilegeUse(PrivilegeUse value) {
        return new DetectionSettings(maxTrackedIdentities, newSource, impossibleTravel, tokenReplay, dormancy, value, platformFindings, nhiBehaviour, networkData);
    }

    public DetectionSettings withPlatformFindings(PlatformFindings value) {
        return new DetectionSettings(maxTrackedIdentities, newSource, impossibleTravel, tokenReplay, dormancy, privilegeUse, value, nhiBehaviour, networkData);
    }

    /**
     * @param learningEvents  successful located events an identity needs before new sources are
     *                        reported (default 20)
     * @param baselineSize    fingerprints, networks and countries remembered per identity, each
     *                        least-recently-seen evicted (default 32)
     * @param learningPeriod  event time after an identity is first seen during which its sources
     *                        only teach the baseline, whatever the number of events (default 1 day:
     *                        a day shows a workload's NAT gateways, runners and deploys)
     * @param roamingNetworks address-only networks (a /24 or /48 whose owner is unknown) an identity
     *                        must already be known from before a further one is no news: its sources
     *                        churn (CI runners, serverless egress), so only a new owner (ASN, cloud),
     *                        a new country or a new client judged by its user agent counts (default 4)
     */
    public record NewSource(int learningEvents, int baselineSize, Duration learningPeriod, int roamingNetworks) {
        public NewSource {
            nonNegative(learningEvents, "newSource.learningEvents");
            positive(baselineSize, "newSource.baselineSize");
            nonNegative(learningPeriod, "newSource.learningPeriod");
            positive(roamingNetworks, "newSource.roamingNetworks");
        }

        /** Learning by events only, and every new network counts: no learning period, no roaming. */
        public NewSource(int learningEvents, int baselineSize) {
            this(learningEvents, baselineSize, Duration.ZERO, Integer.MAX_VALUE);
        }

        public static NewSource defaults() {
            return new NewSource(20, 32, Duration.ofDays(1), 4);
        }
    }

    /**
     * @param maxSpeedKmh       speed above which travel is impossible (default 900 km/h, an airliner)
     * @param minDistanceKm     shorter hops never count: GeoIP is imprecise (default 500 km)
     * @param repeatSuppression the same pair of places is reported once within this (default 24h)
     */
    public record ImpossibleTravel(double maxSpeedKmh, double minDistanceKm, Duration repeatSuppression) {
        public ImpossibleTravel {
            if (!(maxSpeedKmh > 0) || !(minDistanceKm >= 0) || Double.isInfinite(maxSpeedKmh) || Double.isInfinite(minDistanceKm)) {
                throw new IllegalArgumentException("impossibleTravel needs maxSpeedKmh > 0 and minDistanceKm >= 0, finite: "
                        + maxSpeedKmh + ", " + minDistanceKm);
            }
            nonNegative(repeatSuppression, "impossibleTravel.repeatSuppression");
        }

        public static ImpossibleTravel defaults() {
            return new ImpossibleTravel(900, 500, Duration.ofHours(24));
        }
    }

    /**
     * @param window                   a token seen again on another network within this of its last
     *                                 use is replayed; tokens idle longer are forgotten (default 1h)
     * @param tokensPerIdentity        open tokens remembered per identity; oldest evicted (default 16)
     * @param networksPerToken         networks remembered per token (default 4)
     * @param outsideSourcesRemembered sources/workloads already reported as outside the expected
     *                                 workload, per identity (default 8)
     */
    public record TokenReplay(Duration window, int tokensPerIdentity, int networksPerToken, int outsideSourcesRemembered) {
        public TokenReplay {
            positive(window, "tokenReplay.window");
            positive(tokensPerIdentity, "tokenReplay.tokensPerIdentity");
            if (networksPerToken < 2) {
                throw new IllegalArgumentException("tokenReplay.networksPerToken must be at least 2: " + networksPerToken);
            }
            positive(outsideSourcesRemembered, "tokenReplay.outsideSourcesRemembered");
        }

        public static TokenReplay defaults() {
            return new TokenReplay(Duration.ofHours(1), 16, 4, 8);
        }
    }

    /**
     * @param threshold              unused at least this long counts as dormant (default 90 days)
     * @param credentialsPerIdentity credentials whose last use is remembered per identity (default 16)
     */
    public record Dormancy(Duration threshold, int credentialsPerIdentity) {
        public Dormancy {
            positive(threshold, "dormancy.threshold");
            positive(credentialsPerIdentity, "dormancy.credentialsPerIdentity");
        }

        public static Dormancy defaults() {
            return new Dormancy(Duration.ofDays(90), 16);
        }
    }

    /**
     * @param window                   a use within this of a grant is reported (default 1h)
     * @param pendingGrantsPerIdentity grants awaiting use per identity; oldest evicted (default 4)
     */
    public record PrivilegeUse(Duration window, int pendingGrantsPerIdentity) {
        public PrivilegeUse {
            positive(window, "privilegeUse.window");
            positive(pendingGrantsPerIdentity, "privilegeUse.pendingGrantsPerIdentity");
        }

        public static PrivilegeUse defaults() {
            return new PrivilegeUse(Duration.ofHours(1), 4);
        }
    }

    /**
     * @param repeatWindow     a platform finding of a type already reported for the identity is
     *                         passed through again only after this much quiet (default 1h)
     * @param typesPerIdentity finding types remembered per identity (default 8)
     */
    public record PlatformFindings(Duration repeatWindow, int typesPerIdentity) {
        public PlatformFindings {
            nonNegative(repeatWindow, "platformFindings.repeatWindow");
            positive(typesPerIdentity, "platformFindings.typesPerIdentity");
        }

        public static PlatformFindings defaults() {
            return new PlatformFindings(Duration.ofHours(1), 8);
        }
    }

    /**
     * @param learningPeriod     event time after an identity is first seen before a first use of a
     *                           sensitive action is reported (default 7 days)
     * @param window             fan-out and refusal bursts are counted within this (default 10 min)
     * @param fanOutResources    distinct resources of one sensitive family within the window (default 10)
     * @param fanOutRegions      distinct regions within the window (default 4)
     * @param deniedBurst        refusals for lack of permission within the window (default 10)
     * @param discoveryBurst     read-only discovery calls (Describe, List, Get of configuration) within
     *                           the window (default 10)
     * @param incidentWindow     a variant that fired stays quiet for the identity this long (default 1h)
     * @param actionsRemembered  distinct actions remembered per identity, least recently used evicted (default 128)
     */
    public record NhiBehaviour(Duration learningPeriod, Duration window, int fanOutResources, int fanOutRegions,
                               int deniedBurst, int discoveryBurst, Duration incidentWindow, int actionsRemembered) {
        public NhiBehaviour {
            nonNegative(learningPeriod, "nhiBehaviour.learningPeriod");
            positive(window, "nhiBehaviour.window");
            positive(fanOutResources, "nhiBehaviour.fanOutResources");
            positive(fanOutRegions, "nhiBehaviour.fanOutRegions");
            positive(deniedBurst, "nhiBehaviour.deniedBurst");
            positive(discoveryBurst, "nhiBehaviour.discoveryBurst");
            if (fanOutResources > NhiBehaviourDetector.RECENT || deniedBurst > NhiBehaviourDetector.RECENT
                    || discoveryBurst > NhiBehaviourDetector.RECENT) {
                throw new IllegalArgumentException("nhiBehaviour: fanOutResources, deniedBurst and discoveryBurst must be at most "
                        + NhiBehaviourDetector.RECENT + " (the sightings kept)");
            }
            nonNegative(incidentWindow, "nhiBehaviour.incidentWindow");
            positive(actionsRemembered, "nhiBehaviour.actionsRemembered");
        }

        public static NhiBehaviour defaults() {
            return new NhiBehaviour(Duration.ofDays(7), Duration.ofMinutes(10), 10, 4, 10, 10, Duration.ofHours(1), 128);
        }
    }

    private static void positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void nonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void nonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }
}
