package io.itdr.core.detect;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Source;
import io.itdr.spi.inventory.Credential;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Events, records and a one-detector engine for detector tests. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
    static final String PLATFORM = "aws";
    static final String TENANT = "111122223333";
    static final String ROLE = "arn:aws:iam::111122223333:role/app";

    private static int sequence;

    private Fixtures() {
    }

    static IdentityEvent.Builder event(Instant time) {
        return event(ROLE, time);
    }

    static IdentityEvent.Builder event(String identity, Instant time) {
        return IdentityEvent.builder("e" + (++sequence), time, PLATFORM, IdentityRef.of(identity)).tenant(TENANT);
    }

    static Source source(String ip, Long asn, String userAgent) {
        return new Source(ip, asn, null, null, userAgent, null);
    }

    static Source located(String ip, String country, String city, double lat, double lon) {
        return new Source(ip, null, null, new Geo(country, null, city, lat, lon), "aws-sdk-java/2", null);
    }

    static IdentityRecord record(String identity) {
        return IdentityRecord.unknown(IdentityEvent.identityKey(PLATFORM, TENANT, identity), PLATFORM, TENANT,
                IdentityRef.of(identity));
    }

    static IdentityRecord record() {
        return record(ROLE);
    }

    static IdentityRecord record(ExpectedSources expected, List<String> consumers, Lifecycle lifecycle,
                                 List<Credential> credentials) {
        return new IdentityRecord(IdentityEvent.identityKey(PLATFORM, TENANT, ROLE), PLATFORM, TENANT, IdentityRef.of(ROLE),
                "team-a", Criticality.TIER2, lifecycle, null, consumers, expected, List.of(), false, credentials, Map.of(),
                null, null, Map.of());
    }

    /** An engine running one detector, fed with one record per identity. */
    static final class Harness {
        final DetectionEngine engine;
        private final List<Finding> all = new ArrayList<>();

        Harness(Detector<?> detector) {
            this(detector, GeoResolver.none());
        }

        Harness(Detector<?> detector, GeoResolver geo) {
            this(DetectionSettings.defaults(), detector, geo);
        }

        Harness(DetectionSettings settings, Detector<?> detector, GeoResolver geo) {
            engine = new DetectionEngine(settings, geo, List.of(detector));
        }

        /** With network enrichment (MaxMind-format databases, published ranges). */
        Harness(Detector<?> detector, io.itdr.core.enrich.NetworkResolver network) {
            engine = new DetectionEngine(DetectionSettings.defaults(), GeoResolver.none(), network, List.of(detector));
        }

        List<Finding> feed(IdentityEvent event) {
            return feed(event, record(event.identity().id()));
        }

        List<Finding> feed(IdentityEvent event, IdentityRecord record) {
            DetectionEngine.Detection detection = engine.detect(event, record, null);
            lastRepeats = detection.repeats();
            all.addAll(detection.findings());
            return detection.findings();
        }

        /** The repeats the detector reported on the last event fed. */
        List<Repeat> lastRepeats() {
            return lastRepeats;
        }

        private List<Repeat> lastRepeats = List.of();

        List<Finding> findings() {
            return all;
        }

        <S> S state(String identity) {
            @SuppressWarnings("unchecked")
            S s = (S) engine.peekSlot(IdentityEvent.identityKey(PLATFORM, TENANT, identity), 0);
            return s;
        }
    }
}
