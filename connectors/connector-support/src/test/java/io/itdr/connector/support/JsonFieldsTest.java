package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void missingNullAndNonObjectParentsReadAsNull() throws Exception {
        JsonNode node = json("{\"a\":null,\"b\":{\"c\":1},\"d\":[1]}");
        assertThat(JsonFields.child(node, "a")).isNull();
        assertThat(JsonFields.child(node, "zz")).isNull();
        assertThat(JsonFields.child(null, "a")).isNull();
        assertThat(JsonFields.child(json("[1]"), "a")).isNull();
        assertThat(JsonFields.child(node, "d")).isEqualTo(json("[1]"));
        assertThat(JsonFields.object(node, "b")).isEqualTo(json("{\"c\":1}"));
        assertThat(JsonFields.object(node, "d")).isNull();
    }

    @Test
    void booleansAreReadFromJsonBooleansAndTheirStrings() throws Exception {
        JsonNode node = json("{\"t\":true,\"s\":\" TRUE \",\"f\":\"false\",\"n\":1,\"x\":\"yes\"}");
        assertThat(JsonFields.bool(node, "t")).isTrue();
        assertThat(JsonFields.bool(node, "s")).isTrue();
        assertThat(JsonFields.bool(node, "f")).isFalse();
        assertThat(JsonFields.bool(node, "n")).isNull();
        assertThat(JsonFields.bool(node, "x")).isNull();
        assertThat(JsonFields.bool(node, "missing")).isNull();
    }

    @Test
    void clipShortensAndMasksControlCharacters() {
        assertThat(JsonFields.clip(null, 5)).isNull();
        assertThat(JsonFields.clip("abc", 5)).isEqualTo("abc");
        assertThat(JsonFields.clip("abcdefgh", 5)).isEqualTo("abcde…");
        assertThat(JsonFields.clip("a\nb\u0007", 10)).isEqualTo("a?b?");
    }

    @Test
    void kindOfNamesEachKindOfJson() throws Exception {
        assertThat(JsonFields.kindOf(null)).isEqualTo("null");
        assertThat(JsonFields.kindOf(json("null"))).isEqualTo("null");
        assertThat(JsonFields.kindOf(json("\"s\""))).isEqualTo("a string");
        assertThat(JsonFields.kindOf(json("1.5"))).isEqualTo("a number");
        assertThat(JsonFields.kindOf(json("false"))).isEqualTo("a boolean");
        assertThat(JsonFields.kindOf(json("[]"))).isEqualTo("an array");
        assertThat(JsonFields.kindOf(json("{}"))).isEqualTo("an object");
    }
}
