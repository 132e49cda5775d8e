package io.itdr.connector.tck.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.itdr.spi.ConnectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Proves the kit bites: runs it (through the JUnit Platform launcher) against the in-memory
 * connector with one deliberate bug at a time, and asserts that exactly the checks meant to
 * catch that bug fail, with every other check still passing.
 */
class ConnectorTckBitesTest {

    /** A broken connector and the kit's checks (test method names) that must fail for it. */
    private record Case(Class<?> kit, Set<String> mustFail) {
    }

    @TestFactory
    Stream<DynamicTest> eachDeliberateBugFailsExactlyTheCheckMeantForIt() {
        List<Case> cases = List.of(
                new Case(ExecuteNotIdempotent.class, Set.of("executeTwiceWithOneKeyHasOneEffect")),
                new Case(RevertIgnoresDrift.class, Set.of("revertAfterAnOutOfBandChangeRefusesWithDrift")),
                new Case(SecretInToString.class, Set.of("secretsStayOutOfToStringAndErrors")),
                new Case(SecretInLog.class, Set.of("healthCheckPassesAndReportsRefusedCredentials",
                        "platformFaultsSurfaceAsRetriableOrTerminal", "secretsStayOutOfToStringAndErrors")),
                new Case(PlanMutates.class, Set.of("planMakesNoMutatingCall", "executeTwiceWithOneKeyHasOneEffect")),
                new Case(CursorSkipsARecord.class, Set.of("telemetryResumesFromACursorWithoutGapOrDuplicate",
                        "telemetryRejectsAMalformedRecordWithAReasonAndGoesOn")),
                new Case(ThrottlingAsTerminal.class, Set.of("platformFaultsSurfaceAsRetriableOrTerminal",
                        "aFaultOnAMutatingCallOfExecuteEndsInAnErrorAndOneEffect",
                        "aFaultOnAMutatingCallOfRevertEndsInAnErrorAndTheSnapshotRestored")),
                // its rollback restores nothing, which the approve path's rollback sees too
                new Case(IrreversibleClaimedReversible.class, Set.of("revertOfAReversibleActionRestoresTheSnapshotExactly",
                        "anApprovedPlanIsStableAcrossTimeAndCarriedOut",
                        "aFaultOnAMutatingCallOfRevertEndsInAnErrorAndTheSnapshotRestored")),
                new Case(PlanEmbedsTime.class, Set.of("anApprovedPlanIsStableAcrossTimeAndCarriedOut")),
                new Case(FailedWriteTakenForDone.class, Set.of("aFaultOnAMutatingCallOfExecuteEndsInAnErrorAndOneEffect",
                        "aFaultOnAMutatingCallOfRevertEndsInAnErrorAndTheSnapshotRestored")),
                new Case(NonstandardRefusal.class, Set.of("undeclaredRungsRefuseWithTheStandardError")),
                new Case(NotRegistered.class, Set.of("factoryIsFoundByServiceLoaderFromItsOwnJar")));
        return cases.stream().map(c -> dynamicTest(c.kit().getSimpleName(), () -> {
            Outcome outcome = run(c.kit());
            assertThat(outcome.failed().keySet()).as("checks failed by %s (why: %s)", c.kit().getSimpleName(), outcome.failed())
                    .isEqualTo(new TreeSet<>(c.mustFail()));
            assertThat(outcome.passed()).as("checks passed by %s", c.kit().getSimpleName()).hasSizeGreaterThan(15);
        }));
    }

    /** Which checks passed, and which failed with what message. */
    private record Outcome(Set<String> passed, TreeMap<String, String> failed) {
    }

    private static Outcome run(Class<?> kit) {
        Set<String> passed = new TreeSet<>();
        TreeMap<String, String> failed = new TreeMap<>();
        List<TestPlan> plans = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build(),
                new TestExecutionListener() {
                    @Override
                    public void testPlanExecutionStarted(TestPlan testPlan) {
                        plans.add(testPlan);
                    }

                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        Optional<String> check = checkOf(plans.get(0), id);
                        if (check.isEmpty()) {
                            return;
                        }
                        if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                            failed.merge(check.get(), result.getThrowable().map(String::valueOf).orElse("?"), (a, b) -> a);
                        } else if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL && id.isTest()) {
                            passed.add(check.get());
                        }
                    }
                });
        passed.removeAll(failed.keySet());
        return new Outcome(passed, failed);
    }

    /** The kit's method a test or container belongs to: its own source, or its factory's for a dynamic test. */
    private static Optional<String> checkOf(TestPlan plan, TestIdentifier id) {
        for (Optional<TestIdentifier> at = Optional.of(id); at.isPresent(); at = plan.getParent(at.get())) {
            if (at.get().getSource().orElse(null) instanceof MethodSource m) {
                return Optional.of(m.getMethodName());
            }
        }
        return Optional.empty();
    }

    static class ExecuteNotIdempotent extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.EXECUTE_NOT_IDEMPOTENT;
        }
    }

    static class RevertIgnoresDrift extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.REVERT_IGNORES_DRIFT;
        }
    }

    static class SecretInToString extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.SECRET_IN_TO_STRING;
        }
    }

    static class SecretInLog extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.SECRET_IN_LOG;
        }
    }

    static class PlanMutates extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.PLAN_MUTATES;
        }
    }

    static class CursorSkipsARecord extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.CURSOR_SKIPS_A_RECORD;
        }
    }

    static class ThrottlingAsTerminal extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.THROTTLING_AS_TERMINAL;
        }
    }

    static class IrreversibleClaimedReversible extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.IRREVERSIBLE_CLAIMED_REVERSIBLE;
        }
    }

    static class NonstandardRefusal extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.NONSTANDARD_REFUSAL;
        }
    }

    static class PlanEmbedsTime extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.PLAN_EMBEDS_TIME;
        }
    }

    static class FailedWriteTakenForDone extends MemoryConnectorTckTest {
        @Override
        protected Defect defect() {
            return Defect.FAILED_WRITE_TAKEN_FOR_DONE;
        }
    }

    /** A correct connector whose factory is missing from META-INF/services. */
    static class NotRegistered extends MemoryConnectorTckTest {
        @Override
        protected ConnectorFactory factory() {
            return new MemoryConnectorFactory() {
            };
        }
    }
}
