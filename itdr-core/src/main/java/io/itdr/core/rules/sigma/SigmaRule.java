package io.itdr.core.rules.sigma;

import java.util.List;
import java.util.Objects;

/**
 * One loaded Sigma rule. Immutable and thread-safe.
 *
 * @param id            the rule's {@code id}, or a slug of its title when it has none; never null
 * @param title         never null
 * @param file          where it was read; never null
 * @param line          1-based line where the rule starts
 * @param level         informational, low, medium, high or critical; never null
 * @param confidence    of its findings, from the level (see {@link SigmaRuleLoader#confidence})
 * @param frameworkTags MITRE ATT&amp;CK technique and tactic ids of its {@code tags} ("T1562.008", "TA0005"); never null
 * @param otherTags     its other tags as written; never null
 * @param status        may be null
 * @param logSource     never null
 * @param name          its {@code name}, by which correlation rules may refer to it; null when none
 */
public record SigmaRule(String id, String title, String file, int line, String level, double confidence,
                        List<String> frameworkTags, List<String> otherTags, String status, LogSource logSource,
                        Search detection, String name) {
    public SigmaRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(level, "level");
        frameworkTags = List.copyOf(frameworkTags);
        otherTags = List.copyOf(otherTags);
        Objects.requireNonNull(logSource, "logSource");
        Objects.requireNonNull(detection, "detection");
    }

    /** The platform (connector id) whose records it reads. */
    public String platform() {
        return logSource.platform();
    }

    /** "aws/cloudtrail". */
    public String logSourceName() {
        return logSource.name();
    }

    /** Whether a connector of this distribution reads its log source; an inactive rule never matches. */
    public boolean active() {
        return logSource.active();
    }

    /** Whether {@code record}, a raw record of an event of {@code platform}, matches. */
    boolean matches(String platform, com.fasterxml.jackson.databind.JsonNode record) {
        return platform.equals(logSource.platform()) && logSource.format().test(record) && detection.matches(new RecordView(record, LogSource.aliases(platform)));
    }

    /** Whether the rule matches a raw record given as parsed JSON of {@code platform}; for tests and tools. */
    public boolean matchesRecord(String platform, com.fasterxml.jackson.databind.JsonNode record) {
        return matches(platform, record);
    }
}
