package io.itdr.core.audit;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checkpoints as files in a directory: each written to a temporary file and moved into place, so a
 * reader never sees half of one. A missing directory holds none. Thread-safe.
 */
public final class DirectoryCheckpointStore implements CheckpointStore {
    private final Path directory;

    public DirectoryCheckpointStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void put(String name, byte[] content) throws IOException {
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".checkpoint-", ".tmp");
        try {
            Files.write(temporary, content);
            try {
                Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public List<String> names(String prefix) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, path -> path.getFileName().toString().startsWith(prefix))) {
            for (Path file : files) {
                names.add(file.getFileName().toString());
            }
        }
        return names;
    }

    @Override
    public byte[] get(String name) throws IOException {
        return Files.readAllBytes(directory.resolve(name));
    }

    @Override
    public String describe() {
        return directory.toString();
    }
}
