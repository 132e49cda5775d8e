package io.itdr.core.enrich;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML tree that remembers the line of every key and value, which Jackson's own tree does not,
 * so that every catalog problem can name its line. Immutable once read.
 */
sealed interface YamlNode {

    /** 1-based line where the node starts. */
    int line();

    /** A short name of the node's type for messages ("a list", "a number"). */
    String describe();

    record Mapping(int line, Map<String, Field> fields) implements YamlNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Field(String key, int line, YamlNode value) {
    }

    record Sequence(int line, List<YamlNode> items) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar; {@code text} is null for YAML null. */
    record Scalar(int line, JsonToken token, String text) implements YamlNode {
        @Override
        public String describe() {
            switch (token) {
                case VALUE_STRING:
                    return "a string";
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return "a number";
                case VALUE_TRUE:
                case VALUE_FALSE:
                    return "a boolean";
                case VALUE_NULL:
                    return "null";
                default:
                    return "a " + token.name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        boolean isString() {
            return token == JsonToken.VALUE_STRING;
        }

        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }
    }

    /** Receives a problem while reading: line, field path, reason. */
    interface ProblemSink {
        void problem(int line, String field, String reason);
    }

    /**
     * Reads one YAML document. Duplicate keys are reported (the first one is kept); a second
     * document is reported. Returns null for an empty document or a syntax error (reported).
     */
    static YamlNode read(String yaml, ProblemSink problems) {
        YAMLFactory factory = YAMLFactory.builder()
                .disable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "" is an empty string the validator reports
                .build();
        try (JsonParser parser = factory.createParser(yaml)) {
            if (parser.nextToken() == null) {
                return null;
            }
            YamlNode root = readValue(parser, "", problems);
            if (parser.nextToken() != null) {
                problems.problem(line(parser), "(document)", "only one YAML document is allowed");
            }
            return root;
        } catch (StreamReadException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
            int newline = message.indexOf('\n');
            problems.problem(Math.max(line, 0), "(syntax)",
                    "not valid YAML: " + (newline < 0 ? message : message.substring(0, newline)).trim());
            return null;
        } catch (IOException e) {
            // reading from a String fails only on bad syntax; keep the reason rather than guessing
            problems.problem(0, "(syntax)", "not valid YAML: " + e.getMessage());
            return null;
        }
    }

    private static YamlNode readValue(JsonParser parser, String path, ProblemSink problems) throws IOException {
        JsonToken token = parser.currentToken();
        int line = line(parser);
        if (token == JsonToken.START_OBJECT) {
            Map<String, Field> fields = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyLine = line(parser);
                parser.nextToken();
                String childPath = path.isEmpty() ? key : path + "." + key;
                YamlNode value = readValue(parser, childPath, problems);
                Field first = fields.get(key);
                if (first != null) {
                    problems.problem(keyLine, childPath, "duplicate key; first at line " + first.line());
                } else {
                    fields.put(key, new Field(key, keyLine, value));
                }
            }
            return new Mapping(line, fields);
        }
        if (token == JsonToken.START_ARRAY) {
            List<YamlNode> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(readValue(parser, path + "[" + items.size() + "]", problems));
            }
            return new Sequence(line, items);
        }
        return new Scalar(line, token, token == JsonToken.VALUE_NULL ? null : parser.getText());
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }
}
