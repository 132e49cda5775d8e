package io.itdr.connector.example;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal JSON reader (RFC 8259), so the example depends on the JDK alone. Objects become
 * {@link Obj}, arrays {@link List}, numbers {@link BigDecimal}, {@code null} Java null. A real
 * connector would use its platform's SDK or a JSON library instead. Stateless and thread-safe.
 */
final class Json {
    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** Thrown for text that is not JSON, with the offset where reading stopped. */
    static final class MalformedJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message, int offset) {
            super(message + " at offset " + offset);
        }
    }

    /** Parses one JSON value that must fill {@code text} (whitespace aside). */
    static Object parse(String text) {
        Json json = new Json(text);
        Object value = json.value();
        json.skipWhitespace();
        if (json.at != text.length()) {
            throw new MalformedJsonException("unexpected text after the value", json.at);
        }
        return value;
    }

    /** Parses text that must be a JSON object. */
    static Obj parseObject(String text) {
        if (parse(text) instanceof Obj obj) {
            return obj;
        }
        throw new MalformedJsonException("expected an object", 0);
    }

    private Object value() {
        skipWhitespace();
        if (at >= text.length()) {
            throw new MalformedJsonException("unexpected end of input", at);
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new MalformedJsonException("unexpected character '" + c + "'", at);
        }
    }

    private Obj object() {
        Map<String, Object> fields = new LinkedHashMap<>();
        at++;
        skipWhitespace();
        if (peek('}')) {
            at++;
            return new Obj(fields);
        }
        while (true) {
            skipWhitespace();
            if (!peek('"')) {
                throw new MalformedJsonException("expected a field name", at);
            }
            String name = string();
            skipWhitespace();
            expect(':');
            fields.put(name, value());
            skipWhitespace();
            if (peek(',')) {
                at++;
            } else {
                expect('}');
                return new Obj(fields);
            }
        }
    }

    private List<Object> array() {
        List<Object> items = new ArrayList<>();
        at++;
        skipWhitespace();
        if (peek(']')) {
            at++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            items.add(value());
            skipWhitespace();
            if (peek(',')) {
                at++;
            } else {
                expect(']');
                return Collections.unmodifiableList(items);
            }
        }
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new MalformedJsonException("control character in a string", at - 1);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw new MalformedJsonException("short \\u escape", at);
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw new MalformedJsonException("bad \\u escape", at);
                    }
                    at += 4;
                }
                default -> throw new MalformedJsonException("bad escape '\\" + e + "'", at - 1);
            }
        }
        throw new MalformedJsonException("unterminated string", at);
    }

    private BigDecimal number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        try {
            return new BigDecimal(text.substring(start, at));
        } catch (NumberFormatException e) {
            throw new MalformedJsonException("bad number", start);
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw new MalformedJsonException("unexpected literal", at);
        }
        at += word.length();
        return value;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw new MalformedJsonException("expected '" + c + "'", at);
        }
        at++;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void skipWhitespace() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    /**
     * A JSON object with typed field access. A field of the wrong type is an
     * {@link IllegalArgumentException} naming the field, which callers turn into a rejection or a
     * {@code MALFORMED_RESPONSE}. Immutable.
     */
    static final class Obj {
        private final Map<String, Object> fields;

        Obj(Map<String, Object> fields) {
            this.fields = Collections.unmodifiableMap(fields);
        }

        /** A string field; empty when absent or null. */
        Optional<String> string(String name) {
            return Optional.ofNullable(typed(name, String.class, "a string"));
        }

        /** A string field that must be there. */
        String requiredString(String name) {
            return string(name).orElseThrow(() -> new IllegalArgumentException(name + ": missing"));
        }

        /** A boolean field; empty when absent or null. */
        Optional<Boolean> bool(String name) {
            return Optional.ofNullable(typed(name, Boolean.class, "true or false"));
        }

        /** An array of objects; empty when absent or null. */
        List<Obj> objects(String name) {
            List<Obj> out = new ArrayList<>();
            for (Object item : list(name)) {
                if (!(item instanceof Obj obj)) {
                    throw new IllegalArgumentException(name + ": expected an array of objects");
                }
                out.add(obj);
            }
            return out;
        }

        /** An array of strings; empty when absent or null. */
        List<String> strings(String name) {
            List<String> out = new ArrayList<>();
            for (Object item : list(name)) {
                if (!(item instanceof String s)) {
                    throw new IllegalArgumentException(name + ": expected an array of strings");
                }
                out.add(s);
            }
            return out;
        }

        private List<?> list(String name) {
            List<?> items = typed(name, List.class, "an array");
            return items == null ? List.of() : items;
        }

        private <T> T typed(String name, Class<T> type, String expected) {
            Object value = fields.get(name);
            if (value == null) {
                return null;
            }
            if (!type.isInstance(value)) {
                throw new IllegalArgumentException(name + ": expected " + expected);
            }
            return type.cast(value);
        }

        @Override
        public String toString() {
            return "Json.Obj" + fields.keySet();
        }
    }
}
