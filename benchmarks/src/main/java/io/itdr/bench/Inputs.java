package io.itdr.bench;

import io.itdr.core.enrich.CatalogEntry;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.generate.RawEstateWriter;
import io.itdr.core.normalize.EventJson;
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
 * {@code itdr generate} does) over {@value #DAYS} days, the generator's minimum, and rendered as
 * the platforms' raw records by {@link RawEstateWriter} (as {@code itdr generate --raw} does). The full estate
 * of 100k identities holds about 5M events (3.8 GB): too many to replay five times per variant
 * within the run's time budget. The measured input is therefore one time window of it,
 * {@link #WINDOW_FROM} to {@link #WINDOW_TO} after the estate's start (17 hours of the second day),
 * which holds about 1.4M events of the 100k identities and eleven of the injected attacks (every
 * attack family). Only the window's events are written, byte for byte as the generator writes them.
 *
 * <p>Files: {@code events.jsonl} (normalized), {@code raw/aws-cloudtrail.json.gz} (the window's AWS
 * events as one CloudTrail log file, gzip; also {@code raw/okta-system-log.json} and
 * {@code raw/other-platforms.jsonl}, unused), {@code catalog.yaml}, and {@code manifest.json}
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
    public static final String RAW = "raw";
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

    /** The window's AWS events as CloudTrail delivers them: one gzip log file {@code {"Records":[...]}}. */
    public Path cloudTrail() {
        return dir.resolve(RAW).resolve(RawEstateWriter.CLOUDTRAIL);
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
        Inputs.deleteTree(dir);
        Files.createDirectories(dir);
        GeneratorSettings settings = new GeneratorSettings(SEED, identities, DAYS, GeneratorSettings.DEFAULT_START);
        EstateGenerator generator = new EstateGenerator(settings);
        generator.writeCatalog(catalogFile());
        Instant from = settings.start().plus(WINDOW_FROM);
        Instant to = settings.start().plus(WINDOW_TO);
        long[] events = new long[1];
        RawEstateWriter.Counts raw;
        try (BufferedWriter out = Files.newBufferedWriter(events(), StandardCharsets.UTF_8);
             RawEstateWriter platforms = RawEstateWriter.open(dir.resolve(RAW))) {
            try {
                generator.stream((event, family) -> {
                    if (event.time().isBefore(from)) {
                        return;
                    }
                    if (!event.time().isBefore(to)) {
                        throw new WindowEnd(); // events come in time order: nothing later is wanted
                    }
                    // the bytes `itdr generate` writes to events.jsonl, and `itdr generate --raw` to raw/
                    out.write(EventJson.write(event));
                    out.write('\n');
                    events[0]++;
                    platforms.accept(event, family);
                });
            } catch (WindowEnd end) {
                // the window is written
            }
            raw = platforms.counts();
        }
        List<FileFacts> facts = List.of(
                new FileFacts(EVENTS, Files.size(events()), events[0], sha256(events())),
                new FileFacts(RAW + "/" + RawEstateWriter.CLOUDTRAIL, Files.size(cloudTrail()),
                        raw.cloudTrailRecords() + raw.guardDutyFindings(), sha256(cloudTrail())),
                new FileFacts(CATALOG, Files.size(catalogFile()), identities, sha256(catalogFile())));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("seed", SEED);
        manifest.put("identities", identities);
        manifest.put("days", DAYS);
        manifest.put("window", Map.of("from", from.toString(), "to", to.toString()));
        manifest.put("raw_counts", raw);
        manifest.put("files", facts);
        Json.write(dir.resolve(MANIFEST), manifest);
        return facts;
    }

    /** Stops the generator at the end of the window. */
    private static final class WindowEnd extends IOException {
        private static final long serialVersionUID = 1L;

        WindowEnd() {
            super("end of the window");
        }
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
