package io.itdr.connector.okta.normalize;

import static io.itdr.connector.okta.normalize.SystemLogNormalizerTest.NHI;
import static io.itdr.connector.okta.normalize.SystemLogNormalizerTest.ids;
import static io.itdr.connector.okta.normalize.SystemLogNormalizerTest.normalize;
import static io.itdr.connector.okta.normalize.SystemLogNormalizerTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.Source;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The framings Okta data arrives in (an API page, JSON Lines exports, event hook deliveries, gzip)
 * give the same events, and messy records (missing, null, extra, mistyped fields) are tolerated or
 * rejected with their place.
 */
class PayloadFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SystemLogNormalizer normalizer = new SystemLogNormalizer();

    private static List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>();
        for (String line : new String(resource(NHI), StandardCharsets.UTF_8).split("\n")) {
            try {
                records.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return records;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String delivery(List<JsonNode> events) {
        ObjectNode hook = JSON.createObjectNode();
        hook.put("eventType", "com.okta.event_hook");
        hook.put("eventTypeVersion", "1.0");
        hook.put("cloudEventsVersion", "0.1");
        hook.put("eventId", "b5a188b9-5ece-4636-b041-482ffda96311");
        ArrayNode array = hook.putObject("data").putArray("events");
        events.forEach(array::add);
        hook.put("eventTime", "2026-02-28T12:30:00.000Z");
        hook.put("contentType", "application/json");
        return hook.toString();
    }

    /** The events without where they were read from. */
    private static List<IdentityEvent> withoutRawRef(List<IdentityEvent> events) {
        return events.stream().map(e -> new IdentityEvent(e.id(), e.time(), e.platform(), e.tenant(), e.identity(), e.credential(),
                e.category(), e.action(), e.outcome(), e.source(), e.session(), e.privilege(), e.workload(), e.finding(), e.target(),
                null, e.attributes())).toList();
    }

    @Test
    void everyFramingGivesTheSameEvents() throws IOException {
        List<JsonNode> records = records();
        List<IdentityEvent> expected = withoutRawRef(normalize(normalizer, NHI, resource(NHI)).events());
        assertThat(expected).hasSize(records.size());

        ArrayNode array = JSON.createArrayNode();
        records.forEach(array::add);
        StringBuilder pretty = new StringBuilder();
        for (JsonNode r : records) {
            pretty.append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r)).append('\n');
        }
        Map<String, byte[]> framings = new LinkedHashMap<>();
        framings.put("page.json (an API page, one line)", bytes(array.toString()));
        framings.put("page-pretty.json", bytes(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array)));
        framings.put("hook.json (event hook delivery)", bytes(delivery(records)));
        framings.put("hooks.jsonl (deliveries one per line)", bytes(delivery(records.subList(0, 4)) + "\n" + delivery(records.subList(4, 9)) + "\n"));
        framings.put("objects.json (pretty-printed one after the other)", bytes(pretty.toString()));
        framings.put("export.jsonl.gz", gzip(resource(NHI)));
        framings.put("page.json.gz", gzip(bytes(array.toString())));
        framings.put("bom.jsonl (byte order mark, CRLF)", bytes("\uFEFF" + new String(resource(NHI), StandardCharsets.UTF_8).replace("\n", "\r\n")));
        framings.forEach((name, body) -> {
            CollectingSink sink = normalize(normalizer, name, body);
            assertThat(sink.rejections()).as("rejections of %s", name).isEmpty();
            assertThat(withoutRawRef(sink.events())).as("events of %s", name).containsExactlyElementsOf(expected);
        });
    }

    @Test
    void jsonLinesGoOnAfterABrokenLine() {
        String good1 = "{\"uuid\":\"l-1\",\"published\":\"2026-02-28T10:00:00Z\",\"actor\":{\"id\":\"0oa1\",\"type\":\"PublicClientApp\"}}";
        String good2 = "{\"uuid\":\"l-2\",\"published\":\"2026-02-28T10:00:01Z\",\"actor\":{\"id\":\"0oa1\",\"type\":\"PublicClientApp\"}}";
        String body = good1 + "\n{\"uuid\": \"l-x\", \"published\n[1, {\"uuid\":\"l-3\"}]\n\n   \n" + good2 + "\n{} {}\n";
        CollectingSink sink = normalize(normalizer, "export.jsonl", bytes(body));
        assertThat(ids(sink)).containsExactly("l-1", "l-2");
        assertThat(sink.locations()).containsExactly("export.jsonl:record 1, line 1", "export.jsonl:record 5, line 6");
        assertThat(sink.rejections()).extracting(Rejection::location).containsExactly("export.jsonl:record 2, line 2",
                "export.jsonl:record 3, line 3", "export.jsonl:record 4, line 3, id l-3", "export.jsonl:record 6, line 7");
        assertThat(sink.rejections().get(0).reason()).startsWith("not valid JSON");
        assertThat(sink.rejections().get(1).reason()).isEqualTo("expected a LogEvent object, found a number");
        assertThat(sink.rejections().get(2).reason()).contains("published (missing)").contains("actor (missing)");
        assertThat(sink.rejections().get(3).reason()).isEqualTo("more than one JSON value on the line");
    }

    @Test
    void aRecordWithOnlyItsRequiredFieldsGetsDefaults() {
        IdentityEvent e = SystemLogNormalizerTest.one(normalizer,
                "{\"uuid\":\"min-1\",\"published\":\"2026-02-28T10:00:00Z\",\"actor\":{\"id\":\"00u1\"}}");
        assertThat(e.action()).isEqualTo("unknown");
        assertThat(e.category()).isEqualTo(EventCategory.API_CALL);
        assertThat(e.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(e.source()).isEqualTo(Source.UNKNOWN);
        assertThat(e.identity().kind()).as("no actor type").isNull();
        assertThat(e.session()).isNull();
        assertThat(e.attributes()).isEmpty();
    }

    @Test
    void nullsWrongKindsAndUnknownFieldsAreTolerated() {
        IdentityEvent e = SystemLogNormalizerTest.one(normalizer, """
                {"uuid":"messy-1","published":"2026-02-28T10:00:00Z","eventType":null,"severity":7,"displayMessage":["not","text"],
                 "actor":{"id":"0oa1svc","type":"PublicClientApp","displayName":null,"alternateId":"unknown","detailEntry":"?"},
                 "client":{"ipAddress":null,"userAgent":"curl/8","geographicalContext":{"country":"Atlantis","state":"null",
                   "geolocation":{"lat":"91.5","lon":10}},"zone":{"a":1}},
                 "securityContext":{"asNumber":"AS14618","asOrg":{},"isp":"","isProxy":"maybe"},
                 "authenticationContext":[],"transaction":"WEB","debugContext":{"debugData":null},"target":{"id":"x"},
                 "outcome":{"result":null},"brandNewField":{"deep":{"er":[1,2,3]}}}
                """);
        assertThat(e.identity().id()).isEqualTo("0oa1svc");
        assertThat(e.identity().name()).as("alternateId 'unknown' is no name").isNull();
        assertThat(e.action()).isEqualTo("unknown");
        assertThat(e.source().ip()).isNull();
        assertThat(e.source().asn()).as("asNumber that is not a number").isNull();
        assertThat(e.source().asOrg()).isNull();
        assertThat(e.source().proxy()).isNull();
        assertThat(e.source().userAgent()).as("userAgent not an object").isNull();
        assertThat(e.source().geo()).as("a country no one knows, no region, coordinates out of range: nothing to keep").isNull();
        assertThat(e.attributes()).containsEntry("country_name", "Atlantis").containsEntry("severity", "7")
                .doesNotContainKeys("display_message", "zone");
        assertThat(e.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(e.target()).isNull();
    }

    @Test
    void recordsMissingWhatIdentifiesThemAreRejectedWithTheirPlace() {
        String body = """
                [
                  {"published":"2026-02-28T10:00:00Z","actor":{"id":""}},
                  {"uuid":5,"published":"yesterday","actor":"0oa1"},
                  {"uuid":"ok-1","published":"2026-02-28T10:00:00Z","actor":{"id":"0oa1","type":"Client"}},
                  "not a record",
                  {"uuid":"  ","published":"2026-02-28T10:00:00Z","actor":null},
                  {"uuid":"bad-time","published":"2026-02-30T10:00:00Z","actor":{"id":"0oa1"}}
                ]
                """;
        CollectingSink sink = normalize(normalizer, "page.json", bytes(body));
        assertThat(ids(sink)).containsExactly("ok-1");
        assertThat(sink.events().get(0).identity().kind()).isEqualTo("service_app");
        assertThat(sink.rejections()).containsExactly(
                new Rejection("page.json:record 1, line 2", "missing or invalid required fields: uuid (missing), actor.id (missing or blank)"),
                new Rejection("page.json:record 2, line 3",
                        "missing or invalid required fields: uuid (expected a string, found a number), actor (expected an object, found a string)"),
                new Rejection("page.json:record 4, line 5", "expected a LogEvent object, found a string"),
                new Rejection("page.json:record 5, line 6", "missing or invalid required fields: uuid (blank), actor (missing)"),
                new Rejection("page.json:record 6, line 7, id bad-time", "published: not an RFC 3339 timestamp: '2026-02-30T10:00:00Z'"));
    }

    @Test
    void anEmptyExportHasNoRecords() {
        for (String body : new String[]{"", "  \n", "[]", "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[]}}"}) {
            CollectingSink sink = normalize(normalizer, "empty.json", bytes(body));
            assertThat(sink.events()).as("events of '%s'", body).isEmpty();
            assertThat(sink.rejections()).as("rejections of '%s'", body).isEmpty();
        }
    }

    @Test
    void attributesAreShortAndPrintable() {
        String message = "line one\nline two\u0007" + "x".repeat(1000);
        IdentityEvent e = SystemLogNormalizerTest.one(normalizer, "{\"uuid\":\"long-1\",\"published\":\"2026-02-28T10:00:00Z\","
                + "\"actor\":{\"id\":\"0oa1\"},\"displayMessage\":" + JSON.valueToTree(message) + "}");
        String shown = e.attributes().get("display_message");
        assertThat(shown).startsWith("line one?line two?xxx").hasSize(257).endsWith("…");
    }
}
