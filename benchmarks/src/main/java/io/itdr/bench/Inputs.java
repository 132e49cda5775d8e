package io.itdr.bench;

import io.itdr.core.enrich.CatalogEntry;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.generate.EstateGenerator;
import io.itdr.core.generate.GeneratorSettings;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The bytes every measurement of one run reads, made once per run under one directory.
 *
 * <p>An estate of {@code identities} identities is generated with {@link EstateGenerator} (as
 * {@code itdr generate} does) over {@value #DAYS} days, the generator's minimum. The full estate
 * of 100k identities holds about 5M events (3.8 GB): too many to replay five times per variant
 * within the run's time budget. The measured input is therefore one time window of it,
 * {@link #WINDOW_FROM} to {@link #WINDOW_TO} after the estate's start (17 hours of the second day),
 * which holds about 1.4M events of the 100k identities and eleven of the injected attacks (every
 * attack family). The window is cut by line, so the bytes are the generator's own.
 *
 * <p>Files: {@code events.jsonl} (normalized), {@code cloudtrail.jsonl} (the window's AWS events
 * as raw CloudTrail records, one per line), {@code catalog.yaml}, and {@code manifest.json}
 * (sizes, event counts and SHA-256 of each file, so a report can show that every measurement read
 * the same bytes).
 *
 * <p>Not thread-safe; made once by the driver, then only read.
 */
public final class Inputs {
    public static final int DAYS = 3;
    public static final long SEED = 7;
    public static final Duration WINDOW_FROM = Duration.ofHours(30);
    public static final Duration WINDOW_TO = Duration.ofHours(47);

    public static final String EVENTS = "events.jsonl";
    public static final String CLOUDTRAIL = "cloudtrail.jsonl";
    public static final String CATALOG = "catalog.yaml";
    public static final String MANIFEST = "manifest.json";

    private final Path dir;

    public Inputs(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path events() {
        return dir.resolve(EVENTS);
    }

    public Path cloudTrail() {
        return dir.resolve(CLOUDTRAIL);
    }

    public Path catalogFile() {
        return dir.resolve(CATALOG);
    }

    /** What was written, for the manifest and the report. */
    public record FileFacts(String file, long bytes, long records, String sha256) {
    }

    /**
     * Generates the estate and writes the window's files; the full estate is deleted afterwards.
     *
     * @return facts of each file written
     */
    public List<FileFacts> prepare(int identities) throws IOException {
        Files.createDirectories(dir);
        Path full = dir.resolve("estate-full");
        GeneratorSettings settings = new GeneratorSettings(SEED, identities, DAYS, GeneratorSettings.DEFAULT_START);
        new EstateGenerator(settings).generate(full);
        Instant from = settings.start().plus(WINDOW_FROM);
        Instant to = settings.start().plus(WINDOW_TO);
        // ISO-8601 instants of one format compare as text on their first 19 characters (to the second)
        String fromText = from.toString().substring(0, 19);
        String toText = to.toString().substring(0, 19);
        long events = 0;
        long records = 0;
        try (BufferedReader in = Files.newBufferedReader(full.resolve(EVENTS), StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(events(), StandardCharsets.UTF_8);
             BufferedWriter trail = Files.newBufferedWriter(cloudTrail(), StandardCharsets.UTF_8)) {
            CloudTrailRecords cloudTrail = new CloudTrailRecords();
            String line;
            while ((line = in.readLine()) != null) {
                String time = timeOf(line);
                if (time.compareTo(fromText) < 0) {
                    continue;
                }
                if (time.compareTo(toText) >= 0) {
                    break; // the generator writes events in time order
                }
                out.write(line);
                out.write('\n');
                events++;
                String record = cloudTrail.fromNormalized(line);
                if (record != null) {
                    trail.write(record);
                    trail.write('\n');
                    records++;
                }
            }
        }
        Files.copy(full.resolve(CATALOG), catalogFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        deleteTree(full);
        List<FileFacts> facts = List.of(
                new FileFacts(EVENTS, Files.size(events()), events, sha256(events())),
                new FileFacts(CLOUDTRAIL, Files.size(cloudTrail()), records, sha256(cloudTrail())),
                new FileFacts(CATALOG, Files.size(catalogFile()), identities, sha256(catalogFile())));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("seed", SEED);
        manifest.put("identities", identities);
        manifest.put("days", DAYS);
        manifest.put("window", Map.of("from", from.toString(), "to", to.toString()));
        manifest.put("files", facts);
        Json.write(dir.resolve(MANIFEST), manifest);
        return facts;
    }

    /** The manifest written by {@link #prepare}. */
    public Map<String, Object> manifest() {
        return Json.readMap(dir.resolve(MANIFEST));
    }

    /**
     * The identity catalog. Read in chunks of entries: a 100k-identity catalog is 16 MB and the
     * catalog reader refuses YAML over 3M code points (SnakeYAML's default bound), so one file is
     * parsed as several documents and the entries joined, matched by the same rules.
     */
    public IdentityCatalog catalog() throws IOException {
        List<String> lines = Files.readAllLines(catalogFile(), StandardCharsets.UTF_8);
        List<CatalogEntry> entries = new ArrayList<>();
        StringBuilder chunk = new StringBuilder("identities:\n");
        int inChunk = 0;
        for (String line : lines) {
            if (line.startsWith("#") || line.equals("identities:")) {
                continue;
            }
            if (line.startsWith("  - ") && inChunk >= 5_000) {
                entries.addAll(IdentityCatalog.parse(chunk.toString(), catalogFile().toString()).entries());
                chunk.setLength(0);
                chunk.append("identities:\n");
                inChunk = 0;
            }
            if (line.startsWith("  - ")) {
                inChunk++;
            }
            chunk.append(line).append('\n');
        }
        entries.addAll(IdentityCatalog.parse(chunk.toString(), catalogFile().toString()).entries());
        return IdentityCatalog.of(catalogFile().toString(), entries);
    }

    /** The first {@code n} lines of {@code file}, as a file beside it (made on first use; the same bytes). */
    public Path prefix(Path file, int n) throws IOException {
        String name = file.getFileName().toString();
        Path prefix = file.resolveSibling(name.replace(".jsonl", "") + "-first-" + n + ".jsonl");
        if (!Files.exists(prefix)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                 BufferedWriter out = Files.newBufferedWriter(prefix, StandardCharsets.UTF_8)) {
                String line;
                for (int i = 0; i < n && (line = in.readLine()) != null; i++) {
                    out.write(line);
                    out.write('\n');
                }
            }
        }
        return prefix;
    }

    static String timeOf(String line) {
        int at = line.indexOf("\"time\":\"");
        if (at < 0) {
            throw new IllegalStateException("generated event without a time: " + line.substring(0, Math.min(line.length(), 120)));
        }
        return line.substring(at + 8, at + 8 + 19);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
