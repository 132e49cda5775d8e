package io.itdr.connector.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How one platform frames records in its raw payloads, for {@link JsonPayloadReader}.
 *
 * @param recordKind     what a record is called in messages ("JSON object", "LogEvent object"):
 *                       "expected a &lt;recordKind&gt;, found …"; never null
 * @param arrayName      what an array of records is called in messages ("record array"): "unexpected
 *                       end of input inside the &lt;arrayName&gt;"; never null
 * @param containerPaths field paths from a root object to an array of records: {@code [["Records"]]}
 *                       for a CloudTrail file, {@code [["data", "events"]]} for an Okta event hook
 *                       delivery. An object with an array at one of these paths is an envelope, not a
 *                       record. Never null, may be empty; each path is non-empty. Copied.
 * @param origin         what an envelope says about where its records come from (the delivering
 *                       org), handed with each of its records; it is given the envelope's fields read
 *                       so far (in stream mode, those before the array) and may return null. Never null.
 * @param maxRecordBytes the largest record (or line) accepted, in bytes; positive
 * @param diagnostics    how failures are described and how a truncated gzip is read; never null
 */
public record PayloadFormat(String recordKind, String arrayName, List<List<String>> containerPaths,
                            Function<JsonNode, String> origin, int maxRecordBytes, Diagnostics diagnostics) {

    /**
     * Two styles of reporting that connectors settled on before the reader was shared; kept so that
     * sharing it changed no connector's behaviour.
     */
    public enum Diagnostics {
        /**
         * A stopped payload says "after record N" and Jackson's full message (with its location); a
         * non-object line element is named by its node type ("number"); the gzip stream is buffered
         * greedily, so records decoded just before a break in it may be lost with the break.
         */
        BASIC,
        /**
         * A stopped payload says "in record N" when it broke inside a record and Jackson's message
         * without its location; a non-object line element is named with its article ("a number"); a
         * truncated gzip yields every record decoded before the break.
         */
        PRECISE
    }

    public PayloadFormat {
        Objects.requireNonNull(recordKind, "recordKind");
        Objects.requireNonNull(arrayName, "arrayName");
        containerPaths = Objects.requireNonNull(containerPaths, "containerPaths").stream().map(List::copyOf).toList();
        for (List<String> path : containerPaths) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("containerPaths: a path must name at least one field");
            }
        }
        Objects.requireNonNull(origin, "origin");
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
        }
        Objects.requireNonNull(diagnostics, "diagnostics");
    }

    /** Whether {@code node} holds an array of records at one of the container paths. */
    boolean isEnvelope(JsonNode node) {
        for (List<String> path : containerPaths) {
            if (recordsAt(node, path) != null) {
                return true;
            }
        }
        return false;
    }

    /** The array at {@code path} in {@code node}, or null when there is none. */
    static JsonNode recordsAt(JsonNode node, List<String> path) {
        JsonNode value = node;
        for (String field : path) {
            value = value == null ? null : value.get(field);
        }
        return value != null && value.isArray() ? value : null;
    }
}
