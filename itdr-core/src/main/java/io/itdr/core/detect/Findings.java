package io.itdr.core.detect;

import io.itdr.core.model.Finding;
import io.itdr.spi.event.IdentityEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds findings the same way for every detector: deterministic id, event time, confidence kept in [0,1]. */
final class Findings {

    private Findings() {
    }

    /**
     * A finding about the observed identity, dated at the observed event.
     *
     * @param evidence event ids, oldest first; the observed event is normally the last
     */
    static Finding of(Detector<?> detector, Observation observation, double confidence, String summary,
                      List<String> evidence, Map<String, String> attributes) {
        IdentityEvent event = observation.event();
        return new Finding(id(detector.id(), evidence), detector.id(), event.time(), observation.identityKey(),
                event.platform(), event.tenant(), observation.record().identity(), event.credential(),
                clamp(confidence), summary, evidence, detector.frameworkTags(), attributes);
    }

    /** Hex of SHA-256 over the detector id and the evidence ids, truncated to 128 bits. */
    static String id(String detectorId, List<String> evidence) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        sha.update(detectorId.getBytes(StandardCharsets.UTF_8));
        for (String id : evidence) {
            sha.update((byte) '\n'); // ids are separated so ("ab","c") and ("a","bc") differ
            sha.update(id.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /** Puts an attribute only when its value is known: finding attributes never hold nulls. */
    static void putIfKnown(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, value);
        }
    }

    static double clamp(double confidence) {
        return Math.max(0, Math.min(1, confidence));
    }

    /** A number for attributes: integers without a fraction, others with one decimal. */
    static String number(double value) {
        if (Double.isInfinite(value)) {
            return "inf";
        }
        long rounded = Math.round(value);
        return Math.abs(value - rounded) < 0.05 ? Long.toString(rounded) : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
