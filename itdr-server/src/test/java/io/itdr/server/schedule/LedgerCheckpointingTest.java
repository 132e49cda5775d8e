package io.itdr.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerCheckpointKeys;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerHead;
import io.itdr.core.model.Stage;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.TestDatabases;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.unit.DataSize;

/** The server's checkpoint job: a checkpoint whenever the head moved, none when it did not, one at shutdown. */
class LedgerCheckpointingTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static ItdrProperties properties() {
        return new ItdrProperties(null, null, new ItdrProperties.Events("full", Duration.ofDays(30)),
                new ItdrProperties.Incidents(Duration.ofHours(24)), new ItdrProperties.Approvals(Duration.ofHours(4)), Map.of(),
                new ItdrProperties.Ingest(DataSize.ofMegabytes(10)), new ItdrProperties.Security(null, "roles", "sub", null),
                new ItdrProperties.Plugins(null),
                new ItdrProperties.LedgerSettings(new ItdrProperties.Checkpoint(null, Duration.ofHours(1), null, null)));
    }

    private static void append(JdbcLedger ledger) {
        ledger.append(new LedgerDraft(null, Stage.DETECTION, "finding", "detector:token_replay", "aws/1/role", Map.of(), "ok"));
    }

    @Test
    void aCheckpointIsWrittenWhenTheHeadMovedAndAtShutdown() {
        JdbcLedger ledger = new JdbcLedger(TestDatabases.h2(dir.resolve("db")), CLOCK);
        KeyPair keys = LedgerCheckpointKeys.generate();
        LedgerCheckpoints checkpoints = new LedgerCheckpoints(dir.resolve("checkpoints"), keys.getPrivate(), keys.getPublic());
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("checkpoints", checkpoints));
        LedgerCheckpointing job = new LedgerCheckpointing(ledger, beans.getBeanProvider(LedgerCheckpoints.class), properties(),
                new ThreadPoolTaskScheduler(), CLOCK);

        assertThat(job.checkpoint()).as("an empty ledger has no head").isEmpty();
        append(ledger);
        assertThat(job.checkpoint()).isPresent();
        assertThat(job.checkpoint()).as("the head did not move").isEmpty();
        append(ledger);
        job.stop();

        assertThat(checkpoints.read().count()).isEqualTo(2);
        assertThat(checkpoints.read().latest().head()).isEqualTo(LedgerHead.of(ledger.last().orElseThrow()));
        assertThat(ledger.report(checkpoints).intact()).isTrue();
    }

    @Test
    void withoutCheckpointsConfiguredNothingIsWritten() {
        JdbcLedger ledger = new JdbcLedger(TestDatabases.h2(dir.resolve("db")), CLOCK);
        append(ledger);
        LedgerCheckpointing job = new LedgerCheckpointing(ledger, new StaticListableBeanFactory().getBeanProvider(LedgerCheckpoints.class),
                properties(), new ThreadPoolTaskScheduler(), CLOCK);

        job.start();
        job.stop();

        assertThat(job.checkpoint()).isEmpty();
    }
}
