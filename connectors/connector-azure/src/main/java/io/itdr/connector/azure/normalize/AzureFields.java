package io.itdr.connector.azure.normalize;

import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.decimal;
import static io.itdr.connector.support.JsonFields.text;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.event.Geo;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Field reads shared by the Azure mappers, on top of connector-support's lenient {@code JsonFields}:
 * a field that is missing, JSON null, blank or of another kind reads as null. Stateless.
 */
final class AzureFields {
    /** Placeholder values Microsoft writes where it knows nothing. */
    private static final java.util.Set<String> UNKNOWN = java.util.Set.of("", "none", "unknown", "n/a", "null");

    /** {@code 2023-07-26 22:58:30.983201900}: a date-time without a zone, as some SIEM exports write sign-in times (read as UTC). */
    private static final DateTimeFormatter SPACED = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    private AzureFields() {
    }

    /** Like {@link #text}, but Microsoft's placeholders ("none", "unknown") read as null too. */
    static String known(JsonNode parent, String field) {
        String text = text(parent, field);
        return text == null || UNKNOWN.contains(text.toLowerCase(Locale.ROOT)) ? null : text;
    }

    /** The first non-null of the values. */
    @SafeVarargs
    static <T> T firstOf(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * An instant written as ISO 8601 with a zone (up to 9 fraction digits, as Azure writes 7), or
     * as {@code yyyy-MM-dd HH:mm:ss[.f]} without one (UTC); null when it is neither.
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text, SPACED).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notSpaced) {
                try {
                    return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException neither) {
                    return null;
                }
            }
        }
    }

    /** A whole number written as a JSON number or as digits; null otherwise. */
    static Long whole(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The Graph {@code signInLocation} ({@code city}, {@code state}, {@code countryOrRegion},
     * {@code geoCoordinates.latitude/longitude}); null when it says nothing. Coordinates out of
     * range, or only one of them, are dropped rather than failing the record.
     * https://learn.microsoft.com/en-us/graph/api/resources/signinlocation
     */
    static Geo geo(JsonNode location) {
        if (location == null) {
            return null;
        }
        String country = known(location, "countryOrRegion");
        String region = known(location, "state");
        String city = known(location, "city");
        JsonNode coordinates = object(location, "geoCoordinates");
        Double lat = decimal(coordinates, "latitude");
        Double lon = decimal(coordinates, "longitude");
        if (lat == null || lon == null || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat == 0 && lon == 0)) {
            lat = null;
            lon = null;
        }
        if (country == null && region == null && city == null && lat == null) {
            return null;
        }
        return new Geo(country == null || country.length() != 2 ? null : country.toUpperCase(Locale.ROOT), region, city, lat, lon);
    }

    /** An IP address without the {@code :port} Azure Storage logs append to IPv4 addresses. */
    static String ip(String address) {
        if (address == null) {
            return null;
        }
        int colon = address.indexOf(':');
        if (colon > 0 && address.indexOf(':', colon + 1) < 0 && address.indexOf('.') > 0) {
            return address.substring(0, colon);
        }
        return address;
    }

    /** Text inside JSON quotes as the audit log writes modified property values ({@code "\"Global Administrator\""}), unquoted. */
    static String unquote(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        while (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1).trim();
        }
        return v.isEmpty() ? null : v;
    }
}
