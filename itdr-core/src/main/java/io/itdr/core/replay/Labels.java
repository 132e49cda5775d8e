package io.itdr.core.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.core.normalize.EventJson;
import io.itdr.core.normalize.JsonLines;
import io.itdr.core.normalize.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ground truth for an evaluation: JSON Lines of {@code {"event_id": "...", "label":
 * "malicious"|"benign", "family": "..."}} ({@code family}, optional, names the attack kind,
 * e.g. {@code token_replay}). Only malicious ids are kept in memory: an event that is not
 * labelled malicious counts as benign, so labels for millions of benign events cost nothing.
 *
 * <p>Immutable after loading; thread-safe.
 */
public final class Labels {
    private final Map<String, String> maliciousFamily;
    private final long benignLabelled;

    private Labels(Map<String, String> maliciousFamily, long benignLabelled) {
        this.maliciousFamily = maliciousFamily;
        this.benignLabelled = benignLabelled;
    }

    /** Thrown when the labels file has a bad line; names file, line and field. */
    public static final class InvalidLabelsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidLabelsException(String message) {
            super(message);
        }
    }

    /**
     * Reads a labels file. A bad line fails the whole load: an evaluation on partial truth would
     * report wrong figures.
     */
    public static Labels load(Path file) {
        Map<String, String> malicious = new HashMap<>();
        long[] benign = new long[1];
        String name = Printable.escape(file.toString());
        try (InputStream in = Files.newInputStream(file)) {
            new JsonLines().read(in, new JsonLines.LineHandler() {
                @Override
                public void line(long lineNumber, String text) {
                    JsonNode node;
                    try {
                        node = EventJson.mapper().readTree(text);
                    } catch (IOException e) {
                        throw new InvalidLabelsException(name + ":" + lineNumber + ": not valid JSON");
                    }
                    String id = text(node, "event_id", name, lineNumber);
                    String label = text(node, "label", name, lineNumber);
                    switch (label) {
                        case "malicious" -> malicious.put(id, node.hasNonNull("family") ? node.get("family").asText() : "unspecified");
                        case "benign" -> benign[0]++;
                        default -> throw new InvalidLabelsException(name + ":" + lineNumber + ": label: expected malicious or benign, got '"
                                + Printable.clip(label, 40) + "'");
                    }
                }

                @Override
                public void unreadable(long lineNumber, String reason) {
                    throw new InvalidLabelsException(name + ":" + lineNumber + ": " + reason);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Labels(Map.copyOf(malicious), benign[0]);
    }

    public static Labels of(Map<String, String> maliciousFamily) {
        return new Labels(Map.copyOf(maliciousFamily), 0);
    }

    private static String text(JsonNode node, String field, String file, long line) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new InvalidLabelsException(file + ":" + line + ": " + field + ": required text field is missing");
        }
        return v.asText();
    }

    public boolean isMalicious(String eventId) {
        return maliciousFamily.containsKey(eventId);
    }

    public Optional<String> family(String eventId) {
        return Optional.ofNullable(maliciousFamily.get(eventId));
    }

    public Map<String, String> maliciousFamilies() {
        return maliciousFamily;
    }

    public int maliciousCount() {
        return maliciousFamily.size();
    }

    public long benignLabelled() {
        return benignLabelled;
    }

    /** Whether every one of the events is benign. */
    public boolean allBenign(List<String> eventIds) {
        for (String id : eventIds) {
            if (isMalicious(id)) {
                return false;
            }
        }
        return true;
    }
}
