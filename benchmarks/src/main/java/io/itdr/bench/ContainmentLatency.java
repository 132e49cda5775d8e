package io.itdr.bench;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.core.act.ExecutorRegistry;
import io.itdr.core.audit.JsonlFileLedger;
import io.itdr.core.connect.ConnectorRegistry;
import io.itdr.core.connect.HostContext;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.EventJson;
import io.itdr.core.pipeline.CaseStore;
import io.itdr.core.pipeline.EventStore;
import io.itdr.core.pipeline.Intake;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.core.replay.ReplayClock;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Item 6: from an event accepted to the containment call arriving at the platform. The engine
 * ({@link ResponseEngine}, events through its {@link Intake}) runs the shipped default policy switched to enforce, with the real AWS connector (found through
 * ServiceLoader, configured as an operator would) against the stateful WireMock IAM sandbox of the
 * connector's tests, and a durable JSONL ledger (every entry forced to disk before the next stage).
 *
 * <p>Each sample is one hijacked role session: the role's own call, then the same session from
 * another network four minutes later (token replay, confidence 0.9 → quarantine_session). The
 * clock starts when the replayed event's JSON line is handed to the engine (parse included) and
 * stops when the sandbox receives the PutRolePolicy that revokes the role's sessions (time taken
 * by a WireMock listener before the request is matched). Samples are spaced ten minutes apart in
 * event time, and each role has its own owner, so no budget bites; every sample gets its own role.
 *
 * <p>Not thread-safe; one run per JVM.
 */
final class ContainmentLatency {
    private static final String ACCOUNT = "123456789012";
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    static final int SAMPLES_PER_RUN = Integer.getInteger("bench.latency.samples", 200);

    private ContainmentLatency() {
    }

    /** Records when each PutRolePolicy arrives, by role name. */
    static final class Arrivals implements ServeEventListener {
        final Map<String, Long> putRolePolicy = new ConcurrentHashMap<>();

        @Override
        public String getName() {
            return "bench-arrivals";
        }

        @Override
        public void beforeMatch(ServeEvent serveEvent, Parameters parameters) {
            long now = System.nanoTime();
            String body = serveEvent.getRequest().getBodyAsString();
            if (body.contains("Action=PutRolePolicy")) {
                for (String pair : body.split("&")) {
                    if (pair.startsWith("RoleName=")) {
                        putRolePolicy.putIfAbsent(URLDecoder.decode(pair.substring(9), StandardCharsets.UTF_8), now);
                    }
                }
            }
        }
    }

    static List<Result> measure(Inputs inputs, String id, int warmups, int runs) throws IOException {
        int warm = Math.max(20, warmups * 50);
        int total = warm + runs * SAMPLES_PER_RUN;
        IamSandbox iam = new IamSandbox();
        Arrivals arrivals = new Arrivals();
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().extensions(iam, arrivals));
        server.start();
        Path ledgerFile = inputs.dir().resolve("latency-ledger.jsonl");
        Files.deleteIfExists(ledgerFile);
        try {
            iam.stubActions(server);
            StringBuilder catalog = new StringBuilder("identities:\n");
            for (int i = 0; i < total; i++) {
                iam.roles.put(role(i), new IamSandbox.Role());
                // one owner per role: the per-owner budget (3 an hour) must not be what is measured
                catalog.append("  - match: \"").append(arn(i)).append("\"\n    platform: aws\n    owner: team-").append(i)
                        .append("\n    criticality: tier2\n    consumers: [").append(role(i)).append("]\n")
                        .append("    expected_sources:\n      asns: [16509]\n");
            }
            URI endpoint = URI.create(server.baseUrl());
            HostContext context = new HostContext(Clock.systemUTC(),
                    new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(10), null, Map.of("iam", endpoint, "sts", endpoint)),
                    ConnectorMetrics.NOOP, Map.<String, String>of()::get);
            ConnectorRegistry registry = ConnectorRegistry.discover();
            try (Connector connector = registry.create("aws", Map.of("region", "us-east-1", "access-key-id", "AKIDTESTEXAMPLE",
                    "secret-access-key", "test-secret", "max-attempts", "1"), context)) {
                ActionExecutor executor = connector.actions();
                ReplayClock clock = new ReplayClock(T0);
                JsonlFileLedger ledger = JsonlFileLedger.open(ledgerFile, clock);
                try {
                    ExecutorRegistry executors = platform -> "aws".equals(platform) ? Optional.of(executor) : Optional.empty();
                    ResponseEngine engine = ResponseEngine.builder(enforcingDefaultPolicy(), clock, ledger)
                            .catalog(IdentityCatalog.parse(catalog.toString(), "latency-catalog.yaml"))
                            .executors(executors)
                            .rollbackPaths(RollbackPaths.of(Map.of("aws", executor.rungs())))
                            .build();
                    List<Pipeline.Outcome> outcomes = new ArrayList<>();
                    Intake intake = engine.intake(EventStore.NONE, CaseStore.NONE, clock.following(outcomes::add));
                    double[] millis = new double[total];
                    for (int i = 0; i < total; i++) {
                        Instant at = T0.plus(Duration.ofMinutes(10L * i));
                        IdentityEvent own = call(i, "own", at, new Source("10.20.0.5", 16509L, "AMAZON-02", null, "aws-sdk-java/2.57.8", false));
                        intake.accept("aws", List.of(own));
                        String replayed = EventJson.write(call(i, "replay", at.plusSeconds(240),
                                new Source("203.0.113.9", 14061L, "DIGITALOCEAN", null, "python-requests/2.31", false)));
                        long start = System.nanoTime();
                        outcomes.clear();
                        intake.accept("aws", List.of(EventJson.read(replayed)));
                        Long arrived = arrivals.putRolePolicy.get(role(i));
                        if (arrived == null || outcomes.size() != 1 || outcomes.get(0).decision().rung() != Rung.QUARANTINE_SESSION) {
                            throw new IllegalStateException("sample " + i + ": no quarantine reached the sandbox; outcomes: "
                                    + outcomes.stream().map(o -> o.decision().outcomeLabel() + " " + o.decision().reasons()).toList());
                        }
                        millis[i] = (arrived - start) / 1e6;
                    }
                    return results(id, Arrays.copyOfRange(millis, warm, total), runs, warm);
                } finally {
                    ledger.close();
                }
            }
        } finally {
            server.stop();
            Files.deleteIfExists(ledgerFile);
        }
    }

    private static List<Result> results(String id, double[] samples, int runs, int warm) {
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            double[] run = Arrays.copyOfRange(samples, r * SAMPLES_PER_RUN, (r + 1) * SAMPLES_PER_RUN);
            p50.add(percentile(run, 50));
            p99.add(percentile(run, 99));
            System.out.printf("  latency run %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", r + 1, percentile(run, 50),
                    percentile(run, 99), percentile(run, 100));
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("samples_per_run", SAMPLES_PER_RUN);
        facts.put("warmup_samples", warm);
        facts.put("p50_all_ms", percentile(samples, 50));
        facts.put("p99_all_ms", percentile(samples, 99));
        facts.put("max_all_ms", percentile(samples, 100));
        facts.put("ledger", "JSONL file, forced to disk per entry");
        return List.of(new Result(id + ".p50", "event accepted → containment call at the IAM sandbox, p50", "ms", p50, facts),
                new Result(id + ".p99", "event accepted → containment call at the IAM sandbox, p99", "ms", p99, facts));
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String role(int i) {
        return "bench-role-" + i;
    }

    private static String arn(int i) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + role(i);
    }

    private static IdentityEvent call(int i, String which, Instant at, Source source) {
        String session = "ASIABENCHSESSION" + i;
        return IdentityEvent.builder("evt-" + i + "-" + which, at, "aws", new IdentityRef(arn(i), "iam_role", role(i)))
                .tenant(ACCOUNT)
                .credential(new CredentialRef(session, "session_key"))
                .category(EventCategory.API_CALL).action("dynamodb:Query")
                .source(source)
                .session(new SessionInfo(role(i) + "-session", session, at.minus(Duration.ofMinutes(20)), false))
                .workload(new Workload(role(i), "k8s", role(i)))
                .build();
    }

    private static Policy enforcingDefaultPolicy() throws IOException {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return PolicyLoader.parse(text.replaceFirst("(?m)^mode: shadow$", "mode: enforce"), "default-policy.yaml (mode: enforce)");
        }
    }
}
