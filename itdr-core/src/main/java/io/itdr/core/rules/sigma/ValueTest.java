package io.itdr.core.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.core.enrich.CidrBlock;
import io.itdr.core.enrich.IpAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** One value of a field condition, tested against the values the record holds at that field. */
interface ValueTest {

    boolean test(List<JsonNode> values, RecordView record);

    /** Any of the record's scalar values matches one of {@code patterns} (several for windash or base64offset variants). */
    static ValueTest text(List<ValuePattern> patterns) {
        return (values, record) -> {
            for (JsonNode v : values) {
                String t = RecordView.text(v);
                if (t != null) {
                    for (ValuePattern p : patterns) {
                        if (p.matches(t)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        };
    }

    /** Sigma {@code null}: the field is absent or null. */
    static ValueTest isNull() {
        return (values, record) -> values.isEmpty() || values.stream().anyMatch(JsonNode::isNull);
    }

    /** {@code |exists: true|false}: the field is there (not null) or not. */
    static ValueTest exists(boolean wanted) {
        return (values, record) -> values.stream().anyMatch(v -> !v.isNull()) == wanted;
    }

    /** {@code |re}: a Java regular expression found in the value (Sigma regexes are unanchored). */
    static ValueTest regex(Pattern pattern) {
        return (values, record) -> values.stream().map(RecordView::text).anyMatch(t -> t != null && pattern.matcher(t).find());
    }

    /** {@code |cidr}: the value is an IP address within the block. */
    static ValueTest cidr(CidrBlock block) {
        return (values, record) -> {
            for (JsonNode v : values) {
                String t = RecordView.text(v);
                IpAddress ip = t == null ? null : IpAddress.tryParse(t);
                if (ip != null && block.contains(ip)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** {@code |gt|gte|lt|lte}: the value is a number compared with {@code bound}. */
    static ValueTest compare(String op, double bound) {
        return (values, record) -> {
            for (JsonNode v : values) {
                Double d = number(v);
                if (d != null && switch (op) {
                    case "gt" -> d > bound;
                    case "gte" -> d >= bound;
                    case "lt" -> d < bound;
                    default -> d <= bound;
                }) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * {@code |fieldref}: the value equals (or, with a position modifier, starts, ends or contains)
     * the value of another field of the same record; case-insensitive unless {@code cased}.
     */
    static ValueTest fieldRef(String otherField, String position, boolean cased) {
        return (values, record) -> {
            List<JsonNode> others = record.values(otherField);
            for (JsonNode v : values) {
                String a = RecordView.text(v);
                if (a == null) {
                    continue;
                }
                for (JsonNode o : others) {
                    String b = RecordView.text(o);
                    if (b == null) {
                        continue;
                    }
                    String x = cased ? a : a.toLowerCase(Locale.ROOT);
                    String y = cased ? b : b.toLowerCase(Locale.ROOT);
                    boolean hit = switch (position) {
                        case "startswith" -> x.startsWith(y);
                        case "endswith" -> x.endsWith(y);
                        case "contains" -> x.contains(y);
                        default -> x.equals(y);
                    };
                    if (hit) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    private static Double number(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        String t = RecordView.text(v);
        if (t == null) {
            return null;
        }
        try {
            return Double.parseDouble(t.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
