package io.itdr.core.replay;

import io.itdr.core.audit.Ledger;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.detect.DetectionSettings;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.pipeline.ResponseEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to replay.
 *
 * @param policy            the policy to run (in shadow mode, whatever it says); never null
 * @param catalog           the identity catalog; never null ({@link IdentityCatalog#empty()}: owners unknown)
 * @param labels            ground truth for an evaluation; may be null
 * @param ledgerFile        where to write the JSONL ledger of the replay; null keeps it in memory
 * @param reorderWindow     how far out of time order input may be; never null
 * @param detection         detector settings (by default, the policy's {@code detection} thresholds
 *                          over the built-in defaults); never null
 * @param rollbackPaths     what the platforms can undo; never null
 * @param maxRejectionsListed rejections listed in the report (all are counted)
 * @param maxActionsListed  actions listed in the report (all are counted)
 */
public record ReplayOptions(Policy policy, IdentityCatalog catalog, Labels labels, Path ledgerFile, Duration reorderWindow,
                            DetectionSettings detection, RollbackPaths rollbackPaths, int maxRejectionsListed,
                            int maxActionsListed) {
    public ReplayOptions {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(reorderWindow, "reorderWindow");
        Objects.requireNonNull(detection, "detection");
        Objects.requireNonNull(rollbackPaths, "rollbackPaths");
    }

    /**
     * The engine a replay runs: this policy, catalog, detection and rollback paths, every decision
     * in shadow mode, nothing able to act.
     */
    public ResponseEngine shadowEngine(Clock clock, Ledger ledger) {
        return ResponseEngine.builder(policy, clock, ledger)
                .catalog(catalog)
                .detection(detection)
                .rollbackPaths(rollbackPaths)
                .forceShadow(true)
                .build();
    }

    public static ReplayOptions of(Policy policy, IdentityCatalog catalog, Labels labels, Path ledgerFile) {
        return new ReplayOptions(policy, catalog, labels, ledgerFile, Duration.ofHours(1),
                DetectionSettings.defaults().tunedBy(policy.detectionTuning()),
                RollbackPaths.platformFacts(), 100, 1000);
    }
}
