package io.itdr.connector.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsObjectsArraysStringsNumbersAndLiterals() {
        Json.Obj obj = Json.parseObject("""
                { "id": "a\\"b\\\\c\\n\\u00e9", "n": -12.5e1, "ok": true, "no": false, "none": null,
                  "tags": ["x", "y"], "keys": [ {"id": "k1"}, {} ], "empty": {} }
                """);
        assertThat(obj.requiredString("id")).isEqualTo("a\"b\\c\né");
        assertThat(Json.parse("-12.5e1")).isEqualTo(new BigDecimal("-12.5e1"));
        assertThat(obj.bool("ok")).contains(true);
        assertThat(obj.bool("no")).contains(false);
        assertThat(obj.string("none")).isEmpty();
        assertThat(obj.string("absent")).isEmpty();
        assertThat(obj.strings("tags")).containsExactly("x", "y");
        assertThat(obj.objects("keys")).hasSize(2);
        assertThat(obj.objects("keys").get(0).requiredString("id")).isEqualTo("k1");
        assertThat(Json.parse("[]")).isEqualTo(List.of());
    }

    @Test
    void refusesTextThatIsNotJsonSayingWhere() {
        assertThatThrownBy(() -> Json.parse("{\"events\": [")).hasMessage("unexpected end of input at offset 12");
        assertThatThrownBy(() -> Json.parse("<html>Be right back</html>")).hasMessageContaining("unexpected character '<' at offset 0");
        assertThatThrownBy(() -> Json.parse("{} {}")).hasMessageContaining("unexpected text after the value at offset 3");
        assertThatThrownBy(() -> Json.parse("\"a\\q\"")).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> Json.parse("\"a\nb\"")).hasMessageContaining("control character");
        assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).hasMessageContaining("expected ':'");
        assertThatThrownBy(() -> Json.parse("tru")).hasMessageContaining("unexpected literal");
        assertThatThrownBy(() -> Json.parse("1.2.3")).hasMessageContaining("bad number");
        assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("expected an object");
    }

    @Test
    void fieldsOfTheWrongTypeNameTheField() {
        Json.Obj obj = Json.parseObject("{\"time\": 5, \"keys\": [1], \"tags\": [{}], \"ok\": \"yes\"}");
        assertThatThrownBy(() -> obj.requiredString("time")).hasMessage("time: expected a string");
        assertThatThrownBy(() -> obj.requiredString("id")).hasMessage("id: missing");
        assertThatThrownBy(() -> obj.objects("keys")).hasMessage("keys: expected an array of objects");
        assertThatThrownBy(() -> obj.strings("tags")).hasMessage("tags: expected an array of strings");
        assertThatThrownBy(() -> obj.bool("ok")).hasMessage("ok: expected true or false");
    }
}
