package io.itdr.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening issue's "a compressed push takes the server down", bounded for every build: four
 * concurrent gzip pushes of 50,000 CloudTrail records each (about 28 MB unpacked each) to a server
 * in a JVM of its own with a 256 MiB heap (the default ingest limits: two pushes at once, 100,000
 * records, 10 MB sent, 256 MB unpacked). Every push is answered (202, or 413/429 with a problem);
 * health answers throughout (every ask within 10 s: a generous bound, build machines are loaded);
 * the heap stays under its 256 MiB (no OutOfMemoryError; the peak is read from the server's
 * metrics); and once the backlog drained, every accepted event is stored exactly once, none of the
 * others. The full-size run (four 2M-record pushes) is {@code benchmarks/ingest/run.sh}.
 */
class ConcurrentGzipPushTest {
    static final int PUSHES = 4;
    static final int RECORDS = 50_000;
    static final String HEAP = "256m";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEALTH_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AwsEstate aws = new AwsEstate();
    private Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        aws.close();
    }

    @Test
    void fourConcurrentGzipPushesAreAllAnsweredWhileHealthAnswersAndEveryAcceptedEventIsStoredOnce() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String base = "http://localhost:" + port;
        long t0 = System.nanoTime();
        server = startServer(port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_BOUND).build();
        awaitStarted(http, base);
        long up = System.nanoTime();

        String run = Long.toString(System.nanoTime(), 36);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < PUSHES; i++) {
            payloads.add(cloudTrail(run + "x" + i));
        }

        AtomicBoolean pushing = new AtomicBoolean(true);
        List<Long> healthMillis = Collections.synchronizedList(new ArrayList<>());
        List<String> healthFailures = Collections.synchronizedList(new ArrayList<>());
        List<Long> heapBytes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(PUSHES + 2);
        try {
            CompletableFuture<Void> health = CompletableFuture.runAsync(() -> {
                while (pushing.get()) {
                    long started = System.nanoTime();
                    try {
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                                .timeout(HEALTH_BOUND).build(), HttpResponse.BodyHandlers.ofString());
                        healthMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                        if (answer.statusCode() != 200 && answer.statusCode() != 503) {
                            healthFailures.add("status " + answer.statusCode() + ": " + answer.body());
                        }
                    } catch (IOException e) {
                        healthFailures.add(e.toString());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    pause(200);
                }
            }, threads);
            CompletableFuture<Void> heap = CompletableFuture.runAsync(() -> {
                while (pushing.get()) {
                    heapUsed(http, base).ifPresent(heapBytes::add);
                    pause(500);
                }
            }, threads);

            List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
            for (byte[] payload : payloads) {
                pushes.add(CompletableFuture.supplyAsync(() -> push(http, base, payload), threads));
            }
            CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            long pushed = System.nanoTime();
            pushing.set(false);
            health.get(1, TimeUnit.MINUTES);
            heap.get(1, TimeUnit.MINUTES);

            long accepted = 0;
            List<String> outcomes = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> future : pushes) {
                HttpResponse<String> answer = future.get();
                JsonNode body = JSON.readTree(answer.body());
                int status = answer.statusCode();
                assertThat(status).as("answer to a push: %s", answer.body()).isIn(202, 413, 429);
                if (status != 202) {
                    assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                    assertThat(body.path("type").asText()).as("problem %s", answer.body())
                            .isIn("urn:itdr:problem:too-many-ingests", "urn:itdr:problem:ingest-backlog-full",
                                    "urn:itdr:problem:too-many-records", "urn:itdr:problem:payload-too-large");
                    assertThat(body.path("detail").asText()).isNotBlank();
                }
                if (status == 429) {
                    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                }
                accepted += body.path("accepted").asLong(0);
                outcomes.add(status + (status == 202 ? " accepted " + body.path("accepted").asLong() : " " + body.path("type").asText()));
            }
            assertThat(healthFailures).as("health asks not answered within %s (pushes: %s)", HEALTH_BOUND, outcomes).isEmpty();
            assertThat(healthMillis).as("health asked while pushing").isNotEmpty();
            assertThat(serverLog()).as("the server's log").doesNotContain("OutOfMemoryError");
            assertThat(server.isAlive()).as("the server runs").isTrue();

            // the backlog drains; then exactly the accepted events are stored, each once
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (waiting(http, base) > 0) {
                assertThat(System.nanoTime()).as("the backlog drained within 5 minutes").isLessThan(deadline);
                assertThat(server.isAlive()).as("the server runs while draining").isTrue();
                pause(250);
            }
            long drained = System.nanoTime();
            long heapPeak = heapBytes.stream().mapToLong(Long::longValue).max().orElse(-1);
            List<Long> sorted = new ArrayList<>(healthMillis);
            Collections.sort(sorted);
            System.out.printf("ConcurrentGzipPushTest: %d pushes of %d records (%s KiB gzip each): %s; health asked %d times, median %d ms,"
                            + " max %d ms; heap peak %d MiB of %s (%d samples); started in %d s, pushes answered in %d s, backlog drained"
                            + " %d s later%n", PUSHES, RECORDS, payloads.get(0).length / 1024, outcomes, sorted.size(), sorted.get(sorted.size() / 2),
                    sorted.get(sorted.size() - 1), heapPeak >> 20, HEAP, heapBytes.size(), TimeUnit.NANOSECONDS.toSeconds(up - t0),
                    TimeUnit.NANOSECONDS.toSeconds(pushed - up), TimeUnit.NANOSECONDS.toSeconds(drained - pushed));
            server.destroy(); // a graceful stop, so that the database can be opened here
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the server stopped").isTrue();
            assertThat(accepted).as("events accepted (%s)", outcomes).isPositive();
            JdbcDataSource database = new JdbcDataSource();
            database.setURL(databaseUrl());
            database.setUser("sa");
            try (Connection connection = database.getConnection(); Statement select = connection.createStatement()) {
                assertThat(count(select, "SELECT COUNT(*) FROM events WHERE connector_id = 'aws'")) // a fresh database; CloudTrail polled serves none
                        .as("events stored, compared to those accepted (%s)", outcomes).isEqualTo(accepted);
                assertThat(count(select, "SELECT COUNT(DISTINCT event_id) FROM events WHERE connector_id = 'aws'"))
                        .as("distinct event ids").isEqualTo(count(select, "SELECT COUNT(*) FROM events WHERE connector_id = 'aws'"));
                assertThat(count(select, "SELECT COUNT(*) FROM ingest_backlog")).as("events left waiting").isZero();
            }
        } finally {
            pushing.set(false);
            threads.shutdownNow();
        }
    }

    private String databaseUrl() {
        return "jdbc:h2:file:" + dir.resolve("data/itdr").toAbsolutePath() + ";WRITE_DELAY=0";
    }

    private Process startServer(int port) throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), AwsEstate.POLICY.replace("mode: enforce", "mode: shadow"));
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), AwsEstate.CATALOG);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-cp", System.getProperty("java.class.path"), "io.itdr.server.cli.ItdrCli", "serve",
                "--port", Integer.toString(port), "--db-url", databaseUrl(), "--policy", policy.toString(), "--catalog", catalog.toString()));
        Map<String, Object> properties = new LinkedHashMap<>(aws.connectorProperties());
        properties.put("itdr.security.bootstrap-admin-token", RunningServer.ADMIN_TOKEN);
        properties.forEach((property, value) -> command.add("--" + property + "=" + value));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
    }

    private void awaitStarted(HttpClient http, String base) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (true) {
            assertThat(server.isAlive()).as("the server runs; its log:\n%s", serverLog()).isTrue();
            assertThat(System.nanoTime()).as("the server started within 4 minutes; its log:\n%s", serverLog()).isLessThan(deadline);
            try {
                http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).timeout(HEALTH_BOUND).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
    }

    /** One push as a sender that waits for 100 Continue does: an answer before the body is read (a limit) reaches it. */
    private static HttpResponse<String> push(HttpClient http, String base, byte[] payload) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/ingest/aws")).timeout(Duration.ofMinutes(5))
                .expectContinue(true).header("Authorization", "Bearer " + RunningServer.ADMIN_TOKEN)
                .header("Content-Type", "application/gzip").POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("a push got no answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long waiting(HttpClient http, String base) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/ingest/aws")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + RunningServer.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("backlog: %s", answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("waiting").asLong();
    }

    /** The heap in use, summed over its pools, from {@code /actuator/prometheus}; empty when not answered. */
    private static java.util.Optional<Long> heapUsed(HttpClient http, String base) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).timeout(HEALTH_BOUND)
                    .header("Authorization", "Bearer " + RunningServer.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            double used = 0;
            for (String line : answer.body().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return answer.statusCode() == 200 ? java.util.Optional.of((long) used) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private static long count(Statement select, String sql) throws java.sql.SQLException {
        try (ResultSet rows = select.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private String serverLog() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A CloudTrail log file of {@link #RECORDS} records of one workload's steady traffic (only the
     * ids change), gzip level 1, as benchmarks/ingest/push_load.py makes them
     * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html).
     */
    static byte[] cloudTrail(String run) throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(packed, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
            for (int n = 0; n < RECORDS; n++) {
                out.write(((n == 0 ? "" : ",") + """
                        {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDALOAD00007",\
                        "arn":"arn:aws:iam::123456789012:user/load-7","accountId":"123456789012","accessKeyId":"AKIALOAD000000000007",\
                        "userName":"load-7"},"eventTime":"2026-11-02T09:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",\
                        "awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestID":"req-%1$s-%2$d",\
                        "eventID":"evt-%1$s-%2$d","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}"""
                        .formatted(run, n)).getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}".getBytes(StandardCharsets.UTF_8));
        }
        return packed.toByteArray();
    }
}
