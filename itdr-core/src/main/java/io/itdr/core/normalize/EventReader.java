package io.itdr.core.normalize;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path of {@link EventJson}'s reading: one pass of Jackson's streaming parser straight into
 * the event's records, without the data binder's per-property buffers and deserializer lookups
 * (which allocated four times what the parse itself does).
 *
 * <p>It reads only what it is sure the binder reads the same way: each field in its plain JSON
 * type (strings as strings, numbers as numbers, booleans as booleans, times as ISO-8601 instants,
 * enum names in any case), every field at most once, unknown fields skipped. Anything else (a
 * number where a string belongs, an epoch time, a field given twice, a value a record's
 * constructor refuses, malformed JSON) makes it give up with {@link #GIVE_UP}, and
 * {@link EventJson} reads the same bytes again with the binder, which either accepts them by its
 * wider coercion rules or names what is wrong. So the fast path changes no result, only the cost
 * of the common case; {@code EventReaderTest} compares the two on generated and mutated events.
 */
final class EventReader {
    /** Thrown when the fast path leaves the input to the data binder; carries no stack. */
    static final RuntimeException GIVE_UP = new RuntimeException("not on the fast path", null, false, false) {
    };

    private static final EventCategory[] CATEGORIES = EventCategory.values();
    private static final Outcome[] OUTCOMES = Outcome.values();

    private EventReader() {
    }

    /** Reads the one object the parser is about to give, and checks nothing follows it. */
    static IdentityEvent read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw GIVE_UP;
        }
        IdentityEvent event = event(p);
        if (p.nextToken() != null) {
            throw GIVE_UP;
        }
        return event;
    }

    private static IdentityEvent event(JsonParser p) throws IOException {
        String id = null;
        Instant time = null;
        String platform = null;
        String tenant = null;
        IdentityRef identity = null;
        CredentialRef credential = null;
        EventCategory category = null;
        String action = null;
        Outcome outcome = null;
        Source source = null;
        SessionInfo session = null;
        PrivilegeChange privilege = null;
        Workload workload = null;
        PlatformFinding finding = null;
        String target = null;
        String rawRef = null;
        Map<String, String> attributes = null;
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> { seen = once(seen, 0); id = string(p, t); }
                case "time" -> { seen = once(seen, 1); time = instant(p, t); }
                case "platform" -> { seen = once(seen, 2); platform = string(p, t); }
                case "tenant" -> { seen = once(seen, 3); tenant = string(p, t); }
                case "identity" -> { seen = once(seen, 4); identity = t == JsonToken.VALUE_NULL ? null : identity(p, t); }
                case "credential" -> { seen = once(seen, 5); credential = t == JsonToken.VALUE_NULL ? null : credential(p, t); }
                case "category" -> { seen = once(seen, 6); category = constant(CATEGORIES, p, t); }
                case "action" -> { seen = once(seen, 7); action = string(p, t); }
                case "outcome" -> { seen = once(seen, 8); outcome = constant(OUTCOMES, p, t); }
                case "source" -> { seen = once(seen, 9); source = t == JsonToken.VALUE_NULL ? null : source(p, t); }
                case "session" -> { seen = once(seen, 10); session = t == JsonToken.VALUE_NULL ? null : session(p, t); }
                case "privilege" -> { seen = once(seen, 11); privilege = t == JsonToken.VALUE_NULL ? null : privilege(p, t); }
                case "workload" -> { seen = once(seen, 12); workload = t == JsonToken.VALUE_NULL ? null : workload(p, t); }
                case "finding" -> { seen = once(seen, 13); finding = t == JsonToken.VALUE_NULL ? null : finding(p, t); }
                case "target" -> { seen = once(seen, 14); target = string(p, t); }
                case "rawRef" -> { seen = once(seen, 15); rawRef = string(p, t); }
                case "attributes" -> { seen = once(seen, 16); attributes = t == JsonToken.VALUE_NULL ? null : attributes(p, t); }
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw GIVE_UP;
        }
        try {
            return new IdentityEvent(id, time, platform, tenant, identity, credential, category, action, outcome,
                    source, session, privilege, workload, finding, target, rawRef, attributes);
        } catch (RuntimeException refused) {
            throw GIVE_UP; // the binder names the field
        }
    }

    private static IdentityRef identity(JsonParser p, JsonToken start) throws IOException {
        object(start);
        String id = null;
        String kind = null;
        String name = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> { seen = once(seen, 0); id = string(p, t); }
                case "kind" -> { seen = once(seen, 1); kind = string(p, t); }
                case "name" -> { seen = once(seen, 2); name = string(p, t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        try {
            return new IdentityRef(id, kind, name);
        } catch (RuntimeException refused) {
            throw GIVE_UP;
        }
    }

    private static CredentialRef credential(JsonParser p, JsonToken start) throws IOException {
        object(start);
        String id = null;
        String kind = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> { seen = once(seen, 0); id = string(p, t); }
                case "kind" -> { seen = once(seen, 1); kind = string(p, t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        try {
            return new CredentialRef(id, kind);
        } catch (RuntimeException refused) {
            throw GIVE_UP;
        }
    }

    private static Workload workload(JsonParser p, JsonToken start) throws IOException {
        object(start);
        String id = null;
        String kind = null;
        String name = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> { seen = once(seen, 0); id = string(p, t); }
                case "kind" -> { seen = once(seen, 1); kind = string(p, t); }
                case "name" -> { seen = once(seen, 2); name = string(p, t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        return new Workload(id, kind, name);
    }

    private static Source source(JsonParser p, JsonToken start) throws IOException {
        object(start);
        String ip = null;
        Long asn = null;
        String asOrg = null;
        Geo geo = null;
        String userAgent = null;
        Boolean proxy = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "ip" -> { seen = once(seen, 0); ip = string(p, t); }
                case "asn" -> { seen = once(seen, 1); asn = integer(p, t); }
                case "asOrg" -> { seen = once(seen, 2); asOrg = string(p, t); }
                case "geo" -> { seen = once(seen, 3); geo = t == JsonToken.VALUE_NULL ? null : geo(p, t); }
                case "userAgent" -> { seen = once(seen, 4); userAgent = string(p, t); }
                case "proxy" -> { seen = once(seen, 5); proxy = bool(t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        return new Source(ip, asn, asOrg, geo, userAgent, proxy);
    }

    private static Geo geo(JsonParser p, JsonToken start) throws IOException {
        object(start);
        String country = null;
        String region = null;
        String city = null;
        Double lat = null;
        Double lon = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "country" -> { seen = once(seen, 0); country = string(p, t); }
                case "region" -> { seen = once(seen, 1); region = string(p, t); }
                case "city" -> { seen = once(seen, 2); city = string(p, t); }
                case "lat" -> { seen = once(seen, 3); lat = decimal(p, t); }
                case "lon" -> { seen = once(seen, 4); lon = decimal(p, t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        try {
            return new Geo(country, region, city, lat, lon);
        } catch (RuntimeException refused) {
            throw GIVE_UP;
        }
    }

    private static SessionInfo session(JsonParser p, JsonToken start) throws IOException {
        object(start);
        String sessionId = null;
        String tokenId = null;
        Instant issuedAt = null;
        Boolean mfa = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "sessionId" -> { seen = once(seen, 0); sessionId = string(p, t); }
                case "tokenId" -> { seen = once(seen, 1); tokenId = string(p, t); }
                case "issuedAt" -> { seen = once(seen, 2); issuedAt = instant(p, t); }
                case "mfa" -> { seen = once(seen, 3); mfa = bool(t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        return new SessionInfo(sessionId, tokenId, issuedAt, mfa);
    }

    private static PrivilegeChange privilege(JsonParser p, JsonToken start) throws IOException {
        object(start);
        List<String> scopes = null;
        Boolean granted = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "scopes" -> { seen = once(seen, 0); scopes = strings(p, t); }
                case "granted" -> { seen = once(seen, 1); granted = bool(t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        if (scopes == null) {
            throw GIVE_UP;
        }
        return new PrivilegeChange(scopes, granted);
    }

    private static PlatformFinding finding(JsonParser p, JsonToken start) throws IOException {
        object(start);
        String type = null;
        Double confidence = null;
        String severity = null;
        String description = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "type" -> { seen = once(seen, 0); type = string(p, t); }
                case "confidence" -> { seen = once(seen, 1); confidence = decimal(p, t); }
                case "severity" -> { seen = once(seen, 2); severity = string(p, t); }
                case "description" -> { seen = once(seen, 3); description = string(p, t); }
                default -> p.skipChildren();
            }
        }
        end(p);
        if (confidence == null) {
            throw GIVE_UP; // a missing or null primitive: the binder's defaults decide
        }
        try {
            return new PlatformFinding(type, confidence, severity, description);
        } catch (RuntimeException refused) {
            throw GIVE_UP;
        }
    }

    private static Map<String, String> attributes(JsonParser p, JsonToken start) throws IOException {
        object(start);
        Map<String, String> values = new LinkedHashMap<>();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            if (p.nextToken() != JsonToken.VALUE_STRING || values.put(field, p.getText()) != null) {
                throw GIVE_UP;
            }
        }
        end(p);
        return values;
    }

    private static List<String> strings(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw GIVE_UP;
        }
        List<String> values = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_STRING) {
                throw GIVE_UP;
            }
            values.add(p.getText());
        }
        return values;
    }

    private static int once(int seen, int bit) {
        if ((seen & (1 << bit)) != 0) {
            throw GIVE_UP; // a field given twice: which one wins is the binder's rule
        }
        return seen | (1 << bit);
    }

    private static void object(JsonToken start) {
        if (start != JsonToken.START_OBJECT) {
            throw GIVE_UP;
        }
    }

    private static void end(JsonParser p) {
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw GIVE_UP;
        }
    }

    private static String string(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw GIVE_UP;
    }

    private static Long integer(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                && p.getNumberType() != JsonParser.NumberType.LONG) {
            throw GIVE_UP;
        }
        return p.getLongValue();
    }

    private static Double decimal(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw GIVE_UP;
        }
        return p.getDoubleValue();
    }

    private static Boolean bool(JsonToken t) {
        return switch (t) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw GIVE_UP;
        };
    }

    /** An ISO-8601 instant ({@link Instant#parse}); other time forms are the binder's. */
    private static Instant instant(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw GIVE_UP;
        }
        String text = p.getText();
        if (text.isEmpty() || text.charAt(text.length() - 1) != 'Z' || Character.isWhitespace(text.charAt(0))) {
            throw GIVE_UP;
        }
        Instant plain = utc(text);
        if (plain != null) {
            return plain;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw GIVE_UP;
        }
    }

    /**
     * The one form the project writes, {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 1 to 9 fraction
     * digits, read without {@link java.time.format.DateTimeFormatter} (whose parse allocated 40% of
     * what reading an event did); null for any other form, which {@link Instant#parse} then reads
     * (a leap second, a signed or longer year, no fraction digits after the point).
     */
    static Instant utc(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        int length = month == 2 ? (leap ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
        if (day > length) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        // days from 0000-03-01 style counting, as LocalDate.toEpochDay does it
        long y = year;
        long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400 + (367L * month - 362) / 12 + day - 1;
        if (month > 2) {
            total -= leap ? 1 : 2;
        }
        long epochDay = total - 719_528;
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal value of s[from, to), all ASCII digits (at most 9), or -1. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static <E extends Enum<E>> E constant(E[] values, JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw GIVE_UP;
        }
        String text = p.getText();
        for (E value : values) {
            if (value.name().equalsIgnoreCase(text)) {
                return value;
            }
        }
        throw GIVE_UP;
    }
}
