package io.itdr.core.rules.sigma;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One loaded Sigma correlation rule (https://github.com/SigmaHQ/sigma-specification,
 * specification/sigma-correlation-rules-specification.md, version 2.1.0): a meta rule over the
 * matches of other rules (or correlations), grouped by fields of the matching records, within a
 * timespan. Immutable and thread-safe.
 *
 * @param id            its {@code id}, or a slug of its title; never null
 * @param name          its {@code name}, by which other correlations may refer to it; null when none
 * @param title         never null
 * @param file          where it was read; never null
 * @param line          1-based line where it starts
 * @param level         never null (medium when none)
 * @param confidence    of its findings, from the level
 * @param frameworkTags ATT&amp;CK ids of its tags; never null
 * @param otherTags     never null
 * @param status        may be null
 * @param type          event_count, value_count, temporal or temporal_ordered
 * @param rules         the referred rules and correlations, resolved, in the order written; never empty
 * @param refs          how each referred rule was named (id or name), in the same order
 * @param groupBy       the group-by fields or aliases, in order; may be empty (one group)
 * @param aliases       alias → (the name or id a referred rule was named by → its field); never null
 * @param timespan      positive
 * @param condition     when the correlation holds; never null
 * @param generate      whether the referred rules also report on their own ({@code generate: true})
 */
public record SigmaCorrelation(String id, String name, String title, String file, int line, String level, double confidence,
                               List<String> frameworkTags, List<String> otherTags, String status, Type type,
                               List<Object> rules, List<String> refs, List<String> groupBy,
                               Map<String, Map<String, String>> aliases, Duration timespan, Condition condition,
                               boolean generate) {
    /** Correlation types this engine evaluates (value_sum, value_avg and value_percentile are refused at load). */
    public enum Type {
        EVENT_COUNT("event_count"), VALUE_COUNT("value_count"), TEMPORAL("temporal"), TEMPORAL_ORDERED("temporal_ordered");

        private final String sigmaName;

        Type(String sigmaName) {
            this.sigmaName = sigmaName;
        }

        public String sigmaName() {
            return sigmaName;
        }
    }

    /**
     * A count condition: at least {@code min} (inclusive) and at most {@code max} (inclusive), of
     * events (event_count), of distinct values of {@code fields} (value_count), or of distinct
     * referred rules matched (temporal, temporal_ordered).
     *
     * @param fields value_count's {@code field}: one or several fields, their values taken together; empty otherwise
     */
    public record Condition(long min, long max, List<String> fields) {
        public Condition {
            fields = List.copyOf(fields);
        }

        boolean holds(long count) {
            return count >= min && count <= max;
        }
    }

    public SigmaCorrelation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(level, "level");
        frameworkTags = List.copyOf(frameworkTags);
        otherTags = List.copyOf(otherTags);
        Objects.requireNonNull(type, "type");
        rules = List.copyOf(rules);
        refs = List.copyOf(refs);
        groupBy = List.copyOf(groupBy);
        aliases = Map.copyOf(aliases);
        Objects.requireNonNull(timespan, "timespan");
        Objects.requireNonNull(condition, "condition");
    }

    /** The field to read for group-by entry {@code groupField} in a record matched by the rule referred to as {@code ref}. */
    String field(String groupField, String ref) {
        Map<String, String> alias = aliases.get(groupField);
        if (alias == null) {
            return groupField;
        }
        return alias.getOrDefault(ref, groupField);
    }

    /** Whether a connector of this distribution reads a log source of its rules. */
    public boolean active() {
        for (Object r : rules) {
            if (r instanceof SigmaRule rule ? rule.active() : ((SigmaCorrelation) r).active()) {
                return true;
            }
        }
        return false;
    }

    /** The log sources of the rules it refers to, through correlations ("aws/cloudtrail, okta/okta"). */
    public String logSourceName() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Object r : rules) {
            names.add(r instanceof SigmaRule rule ? rule.logSourceName() : ((SigmaCorrelation) r).logSourceName());
        }
        return String.join(", ", names);
    }
}
