package io.itdr.core.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.spi.event.IdentityEvent;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders generated events as the platforms' own records, so that the real connectors' normalizers
 * read the estate back: AWS events as CloudTrail records (and a platform finding as a GuardDuty
 * finding), Okta events as System Log LogEvents. What a platform's record cannot say (ASN and
 * location in CloudTrail, a service app's client secret in the System Log, workloads in both) is
 * left out, as the platform would; an event whose essence its platform's record cannot carry (an
 * identity kind, a category or an outcome the rendering does not know) is not rendered, and stays in
 * the normalized format. See {@link RawEstateWriter} for what differs on replay, and why.
 *
 * <p>Deterministic: the same event always gives the same bytes. Stateless and thread-safe.
 */
public final class PlatformRecords {
    static final ObjectMapper JSON = new ObjectMapper();

    private PlatformRecords() {
    }

    /**
     * The platform's record of {@code event}.
     *
     * @param event never null
     * @return empty when the event's platform has no rendering here or its record cannot carry the event
     */
    public static Optional<RawRecord> render(IdentityEvent event) {
        Objects.requireNonNull(event, "event");
        return switch (event.platform()) {
            case "aws" -> CloudTrailRecords.render(event);
            case "okta" -> OktaLogEvents.render(event);
            default -> Optional.empty();
        };
    }

    /** {@code digits} upper-case hex digits derived from {@code text}: stable ids for things a record names (principal ids, request ids). */
    static String hex(String text, int digits) {
        StringBuilder b = new StringBuilder(digits);
        long h = 0xcbf29ce484222325L; // FNV-1a, then one mixing round per 16 digits
        for (int i = 0; i < text.length(); i++) {
            h = (h ^ text.charAt(i)) * 0x100000001b3L;
        }
        for (long round = 0; b.length() < digits; round++) {
            b.append(String.format(Locale.ROOT, "%016X", EstateGenerator.mix(h, round)));
        }
        return b.substring(0, digits);
    }

    /** A UUID-shaped id derived from {@code text}, lower-case, as AWS and Okta write request ids. */
    static String uuid(String text) {
        String h = hex(text, 32).toLowerCase(Locale.ROOT);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a" + h.substring(17, 20) + "-"
                + h.substring(20, 32);
    }

    static String text(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
