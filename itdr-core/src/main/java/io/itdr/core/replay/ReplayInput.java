package io.itdr.core.replay;

import io.itdr.spi.telemetry.EventNormalizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Files of one source to replay, read in the order given.
 *
 * @param source     the source id ("normalized", "aws", "okta"); never null
 * @param normalizer reads that source's format; never null
 * @param files      at least one; never null
 */
public record ReplayInput(String source, EventNormalizer normalizer, List<Path> files) {
    public ReplayInput {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(normalizer, "normalizer");
        files = List.copyOf(Objects.requireNonNull(files, "files"));
        if (files.isEmpty()) {
            throw new IllegalArgumentException("source " + source + " has no files");
        }
    }
}
