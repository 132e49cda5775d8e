package io.itdr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.aws.AwsConnectorFactory;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.RawPayload;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's wiring on a small estate, fast enough for the default build: inputs are cut to
 * the window, the CloudTrail records normalize without a rejection back to the same events, the
 * chunked catalog matches, the generated policies have the rule counts the decide benchmark
 * claims, and the report computes ratios to the limit. No benchmark runs here.
 */
class HarnessWiringTest {
    @TempDir
    Path dir;

    @Test
    void inputsHoldTheWindowAndItsCloudTrailRecordsNormalizeBackToTheAwsEvents() throws Exception {
        Inputs inputs = new Inputs(dir);
        List<Inputs.FileFacts> facts = inputs.prepare(EstateGeneratorMinimum.IDENTITIES);

        assertThat(facts).extracting(Inputs.FileFacts::file).containsExactly(Inputs.EVENTS, "raw/aws-cloudtrail.json.gz", Inputs.CATALOG);
        List<IdentityEvent> events = DetectBenchmark.load(inputs.events());
        assertThat(events).hasSize((int) facts.get(0).records()).isNotEmpty();
        assertThat(events).allSatisfy(e -> assertThat(e.time()).isBetween(
                io.itdr.generate.GeneratorSettings.DEFAULT_START.plus(Inputs.WINDOW_FROM),
                io.itdr.generate.GeneratorSettings.DEFAULT_START.plus(Inputs.WINDOW_TO)));

        List<IdentityEvent> normalized = new ArrayList<>();
        long[] rejected = new long[1];
        try (InputStream in = Files.newInputStream(inputs.cloudTrail())) {
            new AwsConnectorFactory().exportNormalizer().orElseThrow()
                    .normalize(new RawPayload("aws-cloudtrail.json.gz", null, in), Measure.counting(normalized::add, rejected));
        }
        assertThat(rejected[0]).isZero();
        List<IdentityEvent> aws = events.stream().filter(e -> e.platform().equals("aws")).toList();
        assertThat(normalized).hasSize(aws.size()).hasSize((int) facts.get(1).records());
        for (int i = 0; i < aws.size(); i++) {
            assertThat(normalized.get(i).identity().id()).isEqualTo(aws.get(i).identity().id());
            // CloudTrail's eventTime has whole seconds
            assertThat(java.time.Duration.between(normalized.get(i).time(), aws.get(i).time()).abs())
                    .isLessThan(java.time.Duration.ofSeconds(1));
        }

        IdentityCatalog catalog = inputs.catalog();
        assertThat(catalog.size()).isEqualTo(IdentityCatalog.load(inputs.catalogFile()).size());
        assertThat(catalog.match(events.get(0).platform(), events.get(0).identity().id())).isPresent();
        assertThat(inputs.manifest()).containsKey("files");
    }

    @Test
    void generatedPoliciesHaveTheRuleCountsOfTheDecideBenchmark() throws Exception {
        int shipped = PolicyLoader.loadDefault().rules().size();
        assertThat(DecideBenchmark.policy(13).rules()).hasSize(shipped).hasSize(13);
        Policy two = DecideBenchmark.policy(200);
        assertThat(two.rules()).hasSize(200);
        assertThat(two.rules().get(200 - shipped).id()).isEqualTo(PolicyLoader.loadDefault().rules().get(0).id());
    }

    @Test
    void reportGivesRatiosToTheLimitAndVerdictsAgainstTheTargets() {
        Report report = new Report(List.of(
                new Result("1.parse.normalized.stream", "limit", "events/s", List.of(400.0, 500.0, 600.0), Map.of()),
                new Result("5.replay.normalized.memory", "replay", "events/s", List.of(150.0, 100.0, 200.0), Map.of()),
                new Result("6.latency.p99", "p99", "ms", List.of(30.0), Map.of())), false);

        String table = report.table();

        assertThat(table).contains("| 5 | replay normalized, shadow, ledger in memory | 150 events/s | 100 – 200 | 3 | 30.0% "
                + "|  |  |  | ≥ 50% of (1) | no: 20.0 points short |");
        assertThat(table).contains("| < 250 ms | yes |");
        assertThat(report.csv()).contains("5.replay.normalized.memory,\"replay\",events/s,150.000,100.000,200.000");
    }

    @Test
    void withCpuTimeTheVerdictIsByCpuTimeAndAllocationIsShown() {
        Report report = new Report(List.of(
                new Result("1.parse.normalized.stream", "limit", "events/s", List.of(500.0),
                        Map.of("events_per_cpu_second", List.of(1000.0), "allocated_bytes_per_event", List.of(1450.0))),
                new Result("5.replay.normalized.memory", "replay", "events/s", List.of(100.0),
                        Map.of("events_per_cpu_second", List.of(600.0), "allocated_bytes_per_event", List.of(7677.0)))), false);

        assertThat(report.table()).contains("| 5 | replay normalized, shadow, ledger in memory | 100 events/s | 100 – 100 | 1 | 20.0% "
                + "| 600 | 60.0% | 7,677 B | ≥ 50% of (1) | yes |");
    }

    @Test
    void aPostgresRowIsJudgedByTheCpuOfTheJvmAndTheDatabaseTogether() {
        Report report = new Report(List.of(
                new Result("1.parse.normalized.stream", "limit", "events/s", List.of(500.0),
                        Map.of("events_per_cpu_second", List.of(1000.0))),
                new Result("5.replay.normalized.postgres.first100000", "replay", "events/s", List.of(50.0),
                        Map.of("events", 100_000L, "events_per_cpu_second", List.of(400.0),
                                "events_per_cpu_second_with_database", List.of(300.0), "database_cpu_seconds_per_run", List.of(83.3)))),
                false);

        assertThat(report.table()).contains("| 5 | replay normalized + PostgreSQL event store and ledger, first 100,000 events "
                + "| 50.00 events/s | 50.00 – 50.00 | 1 | 10.0% | 300 | 30.0% |");
    }

    @Test
    void theParseLimitCountsTheRecordsOfBothFormats() throws Exception {
        Inputs inputs = new Inputs(dir);
        List<Inputs.FileFacts> facts = inputs.prepare(io.itdr.generate.EstateGenerator.MIN_IDENTITIES);
        for (Result r : Measure.parse(inputs.events(), "n")) {
            assertThat(r.facts().get("events")).isEqualTo(facts.get(0).records());
        }
        for (Result r : Measure.parse(inputs.cloudTrail(), "c")) {
            assertThat(r.facts().get("events")).isEqualTo(facts.get(1).records());
        }
    }

    @Test
    void percentilesAreNearestRank() {
        double[] values = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
        assertThat(ContainmentLatency.percentile(values, 50)).isEqualTo(5);
        assertThat(ContainmentLatency.percentile(values, 99)).isEqualTo(10);
        assertThat(ContainmentLatency.percentile(values, 10)).isEqualTo(1);
    }

    /** The smallest estate the generator makes. */
    private static final class EstateGeneratorMinimum {
        static final int IDENTITIES = io.itdr.generate.EstateGenerator.MIN_IDENTITIES;
    }
}
