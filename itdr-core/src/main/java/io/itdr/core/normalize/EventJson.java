package io.itdr.core.normalize;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.itdr.spi.event.IdentityEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * The project's normalized event format: one {@link IdentityEvent} as one JSON object, field
 * names as in the record ({@code id, time, platform, tenant, identity{id,kind,name}, credential,
 * category, action, outcome, source{ip,asn,asOrg,geo{country,region,city,lat,lon},userAgent,proxy},
 * session{sessionId,tokenId,issuedAt,mfa}, privilege{scopes,granted}, workload{id,kind,name},
 * finding{type,confidence,severity,description}, target, rawRef, attributes}). Times are ISO-8601
 * instants. Enum values are read case-insensitively. Unknown fields are ignored so that newer
 * writers stay readable.
 *
 * <p>Reading is hardened for hostile input: nesting deeper than {@value #MAX_NESTING} and strings
 * longer than {@value #MAX_STRING} characters are refused.
 *
 * <p>Reading takes {@link EventReader}'s streaming path first and the data binder only for what
 * that path leaves to it (other value types, malformed input, the error message), with the same
 * result either way.
 *
 * <p>Thread-safe.
 */
public final class EventJson {
    public static final int MAX_NESTING = 32;
    public static final int MAX_STRING = 64 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING)
                            .maxStringLength(MAX_STRING)
                            .maxNumberLength(64)
                            .build())
                    .build())
            .addModule(new JavaTimeModule())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private static final ObjectReader READER = MAPPER.readerFor(IdentityEvent.class);
    private static final ObjectWriter WRITER = MAPPER.writerFor(IdentityEvent.class);

    private EventJson() {
    }

    /** The shared mapper, configured as above; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One event as one line of JSON (no line break inside: control characters are escaped). */
    public static String write(IdentityEvent event) {
        try {
            return WRITER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one event.
     *
     * @throws InvalidEventException naming the field and what is wrong with it
     */
    public static IdentityEvent read(String json) {
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            return EventReader.read(p);
        } catch (IOException | RuntimeException notOnTheFastPath) {
            // read again below: the binder accepts by its wider rules or names the field at fault
        }
        try {
            return READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(reason(e), e);
        }
    }

    /**
     * Reads one event from UTF-8 bytes, parsed in place by Jackson's byte parser (no String, no
     * copy of the bytes).
     *
     * @throws InvalidEventException naming the field and what is wrong with it
     */
    public static IdentityEvent read(byte[] utf8, int offset, int length) {
        try (JsonParser p = MAPPER.getFactory().createParser(utf8, offset, length)) {
            return EventReader.read(p);
        } catch (IOException | RuntimeException notOnTheFastPath) {
            // read again below: the binder accepts by its wider rules or names the field at fault
        }
        try {
            return READER.readValue(utf8, offset, length);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(reason(e), e);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e); // a byte array never fails to be read
        }
    }

    /**
     * The first field of {@code event} holding a text longer than {@link #MAX_STRING} characters
     * (such an event is written but would be refused when read back), or null when there is none.
     */
    public static String overlong(IdentityEvent event) {
        String at = first(null, "id", event.id(), "platform", event.platform(), "tenant", event.tenant(), "action", event.action());
        at = first(at, "identity.id", event.identity().id(), "identity.kind", event.identity().kind(), "identity.name", event.identity().name());
        if (event.credential() != null) {
            at = first(at, "credential.id", event.credential().id(), "credential.kind", event.credential().kind());
        }
        at = first(at, "source.ip", event.source().ip(), "source.asOrg", event.source().asOrg(), "source.userAgent", event.source().userAgent());
        if (event.source().geo() != null) {
            at = first(at, "source.geo.country", event.source().geo().country(), "source.geo.region", event.source().geo().region(),
                    "source.geo.city", event.source().geo().city());
        }
        if (event.session() != null) {
            at = first(at, "session.sessionId", event.session().sessionId(), "session.tokenId", event.session().tokenId());
        }
        if (event.workload() != null) {
            at = first(at, "workload.id", event.workload().id(), "workload.kind", event.workload().kind(), "workload.name", event.workload().name());
        }
        if (event.finding() != null) {
            at = first(at, "finding.type", event.finding().type(), "finding.severity", event.finding().severity(),
                    "finding.description", event.finding().description());
        }
        at = first(at, "target", event.target(), "rawRef", event.rawRef());
        if (at == null && event.privilege() != null) {
            for (int i = 0; i < event.privilege().scopes().size() && at == null; i++) {
                at = first(null, "privilege.scopes[" + i + "]", event.privilege().scopes().get(i));
            }
        }
        if (at == null) {
            for (java.util.Map.Entry<String, String> e : event.attributes().entrySet()) {
                if (e.getKey().length() > MAX_STRING) {
                    return "attributes (a name)";
                }
                if (e.getValue() != null && e.getValue().length() > MAX_STRING) {
                    return "attributes." + Printable.clip(e.getKey(), 60);
                }
            }
        }
        return at;
    }

    /** {@code found} if not null, else the name of the first (name, text) pair whose text is too long, else null. */
    private static String first(String found, String... namesAndTexts) {
        if (found != null) {
            return found;
        }
        for (int i = 0; i < namesAndTexts.length; i += 2) {
            String text = namesAndTexts[i + 1];
            if (text != null && text.length() > MAX_STRING) {
                return namesAndTexts[i];
            }
        }
        return null;
    }

    /** A short reason for people: which field, what is wrong; never the whole input. */
    static String reason(JsonProcessingException e) {
        String path = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? m.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                : null;
        if (e instanceof ValueInstantiationException vie) {
            Throwable cause = vie.getCause() != null ? vie.getCause() : vie;
            String what = cause instanceof NullPointerException
                    ? "missing required field '" + cause.getMessage() + "'"
                    : Printable.clip(cause.getMessage(), 200);
            return (path != null ? path + ": " : "") + what;
        }
        if (e instanceof InvalidFormatException ife) {
            return (path != null ? path : "value") + ": cannot read '" + Printable.clip(String.valueOf(ife.getValue()), 60)
                    + "' as " + ife.getTargetType().getSimpleName();
        }
        if (e instanceof MismatchedInputException) {
            return (path != null ? path + ": " : "") + Printable.clip(e.getOriginalMessage(), 200);
        }
        String where = e.getLocation() != null ? " at column " + e.getLocation().getColumnNr() : "";
        return "not valid JSON" + where + ": " + Printable.clip(e.getOriginalMessage(), 200);
    }
}
