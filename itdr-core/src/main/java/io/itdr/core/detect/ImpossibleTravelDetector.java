package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.enrich.SourceExpectation.Verdict;
import io.itdr.core.model.Finding;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code impossible_travel}: two consecutive located, successful events of one identity farther
 * apart than {@link DetectionSettings.ImpossibleTravel#minDistanceKm()} (great-circle, haversine)
 * at a speed above {@link DetectionSettings.ImpossibleTravel#maxSpeedKmh()}. Events at the same
 * instant in two far places count as infinite speed. An event inside the catalog's expected
 * sources moves the last location but never fires itself: multi-region workloads legitimately
 * act from far-apart regions, while a jump from there to an unexpected place still counts.
 *
 * <p>Confidence grows with speed: {@code 0.5 + 0.45 × (1 − maxSpeed / speed)}, so 0.5 at the
 * threshold, 0.725 at twice it, approaching 0.95.
 *
 * <p>Suppression: the identity's last location moves to the new place, so staying there does not
 * fire again; the same pair of places (country/city, else coordinates to 0.1°) is reported once
 * within {@link DetectionSettings.ImpossibleTravel#repeatSuppression()}, so a token alternating
 * between two places is one incident.
 *
 * <p>Bounds per identity: the last location and the last reported pair, nothing else.
 */
public final class ImpossibleTravelDetector implements BuiltInDetector {
    public static final String ID = "impossible_travel";
    private static final List<String> TAGS = List.of("OWASP-NHI2", "T1078.004", "DE.CM-01", "DE.AE-02");
    private static final double EARTH_RADIUS_KM = 6371.0088;

    private final DetectionSettings.ImpossibleTravel settings;

    public ImpossibleTravelDetector(DetectionSettings.ImpossibleTravel settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
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

    /** {@code {"g":{country, region, city, lat, lon},"t","e","rf","rt","ra"}}; null before the first located event. */
    @Override
    public JsonNode snapshot(IdentityState last) {
        if (last.lastGeo == null) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        ObjectNode g = node.putObject("g");
        DetectorStateJson.putIfKnown(g, "country", last.lastGeo.country());
        DetectorStateJson.putIfKnown(g, "region", last.lastGeo.region());
        DetectorStateJson.putIfKnown(g, "city", last.lastGeo.city());
        if (last.lastGeo.lat() != null) {
            g.put("lat", last.lastGeo.lat()).put("lon", last.lastGeo.lon());
        }
        DetectorStateJson.putIfKnown(node, "t", last.lastGeoTime);
        DetectorStateJson.putIfKnown(node, "e", EventIds.text(last.lastGeoEventId));
        if (last.rare != null) {
            DetectorStateJson.putIfKnown(node, "rf", last.rare.travelReportedFrom);
            DetectorStateJson.putIfKnown(node, "rt", last.rare.travelReportedTo);
            DetectorStateJson.putIfKnown(node, "ra", last.rare.travelReportedAt);
        }
        return node;
    }

    @Override
    public void restoreInto(IdentityState last, JsonNode node, int version) {
        JsonNode g = node.get("g");
        if (g == null || !g.isObject()) {
            throw new IllegalArgumentException("field g: expected the last location");
        }
        Geo geo = Interner.intern(new Geo(DetectorStateJson.textOrNull(g, "country"), DetectorStateJson.textOrNull(g, "region"),
                DetectorStateJson.textOrNull(g, "city"), g.has("lat") ? g.get("lat").asDouble() : null,
                g.has("lon") ? g.get("lon").asDouble() : null));
        Instant time = DetectorStateJson.instantOrNull(node, "t");
        String eventId = DetectorStateJson.textOrNull(node, "e");
        String reportedFrom = DetectorStateJson.textOrNull(node, "rf");
        String reportedTo = DetectorStateJson.textOrNull(node, "rt");
        Instant reportedAt = DetectorStateJson.instantOrNull(node, "ra");
        if (time == null || eventId == null) {
            throw new IllegalArgumentException("fields t and e: the last location's time and event are required");
        }
        last.lastGeo = geo;
        last.lastGeoTime = time;
        last.lastGeoEventId = EventIds.kept(eventId);
        if (reportedFrom != null || reportedTo != null || reportedAt != null) {
            last.rare().travelReportedFrom = reportedFrom;
            last.rare().travelReportedTo = reportedTo;
            last.rare().travelReportedAt = reportedAt;
        }
    }

    @Override
    public void detect(Observation observation, IdentityState last, List<Finding> findings) {
        if (!observation.successfulUse()) {
            return;
        }
        Geo here = observation.location();
        if (here == null) {
            return;
        }
        IdentityEvent event = observation.event();
        if (last.lastGeo != null && observation.expectation() != Verdict.INSIDE) {
            compare(observation, last, here, findings);
        }
        last.lastGeo = Interner.intern(here);
        last.lastGeoTime = event.time();
        last.lastGeoEventId = observation.keptEventId();
    }

    private void compare(Observation observation, IdentityState last, Geo here, List<Finding> findings) {
        IdentityEvent event = observation.event();
        double km = distanceKm(last.lastGeo.lat(), last.lastGeo.lon(), here.lat(), here.lon());
        if (km < settings.minDistanceKm() || km == 0) {
            return;
        }
        long millis = Math.max(0, Duration.between(last.lastGeoTime, event.time()).toMillis());
        double speed = millis == 0 ? Double.POSITIVE_INFINITY : km / (millis / 3_600_000.0);
        if (speed <= settings.maxSpeedKmh()) {
            return;
        }
        String from = place(last.lastGeo);
        String to = place(here);
        if (alreadyReported(last, from, to, event.time())) {
            return;
        }
        double confidence = 0.5 + 0.45 * (1 - settings.maxSpeedKmh() / speed);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("distance_km", Findings.number(km));
        attributes.put("speed_kmh", Findings.number(speed));
        attributes.put("elapsed_seconds", Long.toString(millis / 1000));
        attributes.put("from", from);
        attributes.put("to", to);
        String previous = EventIds.text(last.lastGeoEventId);
        attributes.put("previous_event_id", previous);
        findings.add(Findings.of(this, observation, confidence,
                event.identity().id() + " moved " + Findings.number(km) + " km from " + from + " to " + to
                        + " in " + (millis / 1000) + " s (" + Findings.number(speed) + " km/h)",
                List.of(previous, event.id()), attributes));
        IdentityState.Rare rare = last.rare();
        rare.travelReportedFrom = from;
        rare.travelReportedTo = to;
        rare.travelReportedAt = event.time();
    }

    private boolean alreadyReported(IdentityState last, String from, String to, Instant now) {
        IdentityState.Rare rare = last.rare;
        if (rare == null || rare.travelReportedAt == null
                || Duration.between(rare.travelReportedAt, now).compareTo(settings.repeatSuppression()) >= 0) {
            return false;
        }
        return (from.equals(rare.travelReportedFrom) && to.equals(rare.travelReportedTo))
                || (from.equals(rare.travelReportedTo) && to.equals(rare.travelReportedFrom));
    }

    /** A coarse name of a place, for suppression and people. */
    private static String place(Geo geo) {
        if (geo.country() != null && geo.city() != null) {
            return geo.city() + ", " + geo.country();
        }
        String coordinates = String.format(java.util.Locale.ROOT, "%.1f,%.1f", geo.lat(), geo.lon());
        return geo.country() == null ? coordinates : coordinates + " (" + geo.country() + ")";
    }

    /** Great-circle distance by the haversine formula. */
    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
