package io.itdr.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link EventJson}'s streaming path gives what the data binder alone gives: the same event, or the
 * same refusal with the same message, for events the project writes and for those events mutated
 * in the ways hostile or foreign writers differ (other value types, nulls, fields twice, enum case,
 * epoch times, unknown fields, truncation).
 */
class EventReaderTest {
    private static final ObjectReader BINDER = EventJson.mapper().readerFor(IdentityEvent.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<EventCategory> ORDINARY = java.util.Arrays.stream(EventCategory.values())
            .filter(c -> c != EventCategory.PLATFORM_FINDING).toList();

    @Property(tries = 400)
    void writtenEventsAreReadBackOnTheFastPath(@ForAll long seed) throws Exception {
        IdentityEvent event = event(new Random(seed));
        String json = EventJson.write(event);
        try (JsonParser p = EventJson.mapper().getFactory().createParser(json)) {
            assertThat(EventReader.read(p)).isEqualTo(event);
        }
        byte[] utf8 = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8);
        assertThat(EventJson.read(utf8, 2, utf8.length - 4)).isEqualTo(event);
    }

    @Property(tries = 1500)
    void mutatedEventsGetTheBindersAnswer(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int mutations) {
        Random random = new Random(seed);
        ObjectNode tree = EventJson.mapper().valueToTree(event(random));
        for (int i = 0; i < mutations; i++) {
            mutate(tree, random);
        }
        String json = tree.toString();
        switch (random.nextInt(6)) {
            case 0 -> json = "{\"id\":\"twice\"," + json.substring(1); // a field given twice
            case 1 -> json = json.substring(0, random.nextInt(json.length())); // truncated
            case 2 -> json = json + (random.nextBoolean() ? " {}" : " x"); // trailing data
            default -> {
            }
        }
        assertSameAnswer(json);
    }

    @Property(tries = 3000)
    void plainInstantsAreReadAsInstantParseReadsThem(@ForAll @IntRange(min = 0, max = 9999) int year,
                                                     @ForAll @IntRange(min = 0, max = 13) int month,
                                                     @ForAll @IntRange(min = 0, max = 32) int day,
                                                     @ForAll @IntRange(min = 0, max = 24) int hour,
                                                     @ForAll @IntRange(min = 0, max = 60) int second,
                                                     @ForAll @IntRange(min = 0, max = 10) int fractionDigits,
                                                     @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        String fraction = fractionDigits == 0 ? "" : "." + String.format("%09d", nanos).substring(0, Math.min(9, fractionDigits))
                + (fractionDigits > 9 ? "1" : "");
        String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", year, month, day, hour, second % 60, second, fraction);
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            expected = null;
        }
        Instant read = EventReader.utc(text);
        if (expected != null && hour < 24 && second < 60) {
            assertThat(read).as(text).isEqualTo(expected); // the plain form: read here, the same instant
        } else if (read != null) {
            assertThat(read).as(text).isEqualTo(expected); // never a different answer than Instant.parse
        }
    }

    @Test
    void coercionsTheFastPathLeavesToTheBinderStillWork() {
        String base = EventJson.write(event(new Random(7)));
        ObjectNode tree = (ObjectNode) read(base);
        tree.put("time", 1_700_000_000L); // epoch seconds
        tree.put("category", "api_call");
        tree.put("id", 42);
        IdentityEvent event = EventJson.read(tree.toString());
        assertThat(event.time()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(event.category()).isEqualTo(EventCategory.API_CALL);
        assertThat(event.id()).isEqualTo("42");
        assertSameAnswer(tree.toString());
    }

    @Test
    void refusalsNameTheFieldAsTheBinderDoes() {
        String json = "{\"id\":\"e1\",\"time\":\"2026-01-01T00:00:00Z\",\"platform\":\"aws\",\"identity\":{\"id\":\"\"},"
                + "\"category\":\"API_CALL\",\"action\":\"x\",\"outcome\":\"SUCCESS\"}";
        assertThatThrownBy(() -> EventJson.read(json)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("identity");
        assertSameAnswer(json);
    }

    /** The same answer as the binder over the same form of input (its messages differ between text and bytes). */
    private static void assertSameAnswer(String json) {
        assertThat(answer(() -> EventJson.read(json))).as(json).isEqualTo(answer(() -> bound(json, null)));
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        assertThat(answer(() -> EventJson.read(utf8, 0, utf8.length))).as(json).isEqualTo(answer(() -> bound(null, utf8)));
    }

    private static IdentityEvent bound(String json, byte[] utf8) {
        try {
            return json != null ? BINDER.readValue(json) : BINDER.readValue(utf8, 0, utf8.length);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidEventException(EventJson.reason(e), e);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Object answer(java.util.function.Supplier<IdentityEvent> read) {
        try {
            return read.get();
        } catch (InvalidEventException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static JsonNode read(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Replaces one value somewhere in the tree with a value of another shape. */
    private static void mutate(ObjectNode root, Random random) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() || random.nextInt(8) == 0 ? "unknown" + random.nextInt(3)
                : names.get(random.nextInt(names.size()));
        JsonNode old = target.get(name);
        JsonNode replacement = switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextInt(200) - 100);
            case 2 -> NODES.numberNode(random.nextDouble() * 400 - 200);
            case 3 -> NODES.textNode(String.valueOf(random.nextInt(100)));
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.objectNode().put("id", "x");
            case 6 -> NODES.arrayNode().add("a").add(1);
            case 7 -> NODES.textNode(old != null && old.isTextual() ? old.asText().toLowerCase() : "success");
            case 8 -> NODES.textNode(" " + (old != null ? old.asText() : "") + " ");
            case 9 -> NODES.textNode("");
            case 10 -> NODES.numberNode(1_700_000_000_000L + random.nextInt(1000));
            case 11 -> NODES.textNode("2026-02-30T00:00:00Z");
            case 12 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            default -> NODES.textNode("1700000000.5");
        };
        if (random.nextInt(10) == 0) {
            target.remove(name);
        } else {
            target.set(name, replacement);
        }
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        if (node.isContainerNode() && !(node instanceof ArrayNode)) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), into);
            }
        }
    }

    private static String maybe(Random random, String value) {
        return random.nextInt(3) == 0 ? null : value;
    }

    private static Boolean maybeBoolean(Random random) {
        return random.nextInt(3) == 0 ? null : random.nextBoolean();
    }

    static IdentityEvent event(Random random) {
        Instant time = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(10_000_000), random.nextInt(3) * 1_000_000L);
        IdentityEvent.Builder b = IdentityEvent.builder("evt-" + random.nextInt(1_000_000), time,
                        random.nextBoolean() ? "aws" : "okta",
                        new IdentityRef("id-" + random.nextInt(100), maybe(random, "service_account"), maybe(random, "name é\u2028")))
                .tenant(maybe(random, "t" + random.nextInt(5)))
                .category(ORDINARY.get(random.nextInt(ORDINARY.size())))
                .action("Action" + random.nextInt(50))
                .outcome(Outcome.values()[random.nextInt(Outcome.values().length)])
                .target(maybe(random, "arn:aws:iam::1:role/r" + random.nextInt(9)))
                .rawRef(maybe(random, "file.json:" + random.nextInt(99)));
        if (random.nextBoolean()) {
            b.credential(new CredentialRef("AKIA" + random.nextInt(9999), maybe(random, "access_key")));
        }
        if (random.nextInt(4) > 0) {
            Geo geo = random.nextBoolean() ? null : random.nextBoolean()
                    ? new Geo("DE", maybe(random, "BE"), maybe(random, "Berlin"), random.nextDouble() * 180 - 90, random.nextDouble() * 360 - 180)
                    : new Geo(maybe(random, "US"), null, null, null, null);
            b.source(new Source(maybe(random, "203.0.113." + random.nextInt(255)), random.nextBoolean() ? (long) random.nextInt(70_000) : null,
                    maybe(random, "Example Net"), geo, maybe(random, "aws-cli/2.0 Python"), maybeBoolean(random)));
        }
        if (random.nextBoolean()) {
            b.session(new SessionInfo(maybe(random, "s" + random.nextInt(9)), maybe(random, "tok" + random.nextInt(9)),
                    random.nextBoolean() ? time.minusSeconds(random.nextInt(3600)) : null, maybeBoolean(random)));
        }
        if (random.nextInt(3) == 0) {
            b.privilege(new PrivilegeChange(random.nextBoolean() ? List.of() : List.of("iam:*", "s3:GetObject"), maybeBoolean(random)));
        }
        if (random.nextInt(3) == 0) {
            b.workload(new Workload(maybe(random, "w1"), maybe(random, "lambda"), maybe(random, "fn")));
        }
        if (random.nextInt(3) == 0) {
            b.category(EventCategory.PLATFORM_FINDING).finding(new PlatformFinding("Recon:IAMUser/x", random.nextDouble(),
                    maybe(random, "HIGH"), maybe(random, "desc \"quoted\"")));
        }
        if (random.nextBoolean()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                attributes.put("k" + i, "v\t" + random.nextInt(9));
            }
            b.attributes(attributes);
        }
        return b.build();
    }
}
