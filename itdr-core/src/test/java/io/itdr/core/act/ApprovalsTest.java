package io.itdr.core.act;

import static io.itdr.core.testing.ActionHarness.finding;
import static io.itdr.core.testing.ActionHarness.holding;
import static io.itdr.core.testing.ActionHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.model.Stage;
import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryPlatform;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ApprovalsTest {
    private final ActionHarness h = new ActionHarness();
    private final Finding finding = finding("ci-deployer");
    private final ActionRecord held;

    ApprovalsTest() {
        h.platform.addIdentity("ci-deployer").addCredential("ci-deployer", "AKIA1", true);
        held = h.coordinator.handle(holding("d-1", finding, Mode.ENFORCE, List.of(),
                List.of(request(Rung.DISABLE_CREDENTIAL, "ci-deployer", "AKIA1"))), finding).get(0);
    }

    @Test
    void approvalByAnotherPersonRePlansAndExecutes() {
        ActionRecord done = h.coordinator.approve(held.id(), "user:bob", "owner confirmed the key leaked");

        assertThat(done.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(done.approver()).isEqualTo("user:bob");
        assertThat(h.executor.invocations()).containsExactly("plan", "plan", "execute", "verify");
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.credentialKey("ci-deployer", "AKIA1"), "Inactive");
        LedgerEntry approved = h.entries().stream().filter(e -> e.kind().equals("action.approved")).findFirst().orElseThrow();
        assertThat(approved.actor()).isEqualTo("user:bob");
        assertThat(approved.evidence())
                .containsEntry("approval.reason", "owner confirmed the key leaked")
                .containsEntry("approval.requester", "system")
                .containsEntry("plan.digest", held.planDigest());
        assertThat(h.ledgerKinds()).containsSubsequence("action.held", "action.approved", "action.executing", "action.verified");
    }

    @Test
    void requesterCannotApproveTheirOwnRequest() {
        assertRefused(() -> h.coordinator.approve(held.id(), " System ", "self"), Refusal.SELF_APPROVAL);

        Approvals approvals = new Approvals(h.journal, Duration.ofMinutes(5));
        ActionRecord requestedByAlice = h.journal.open(ActionRecord.planned("x-1", "d-x", "f-x", "memory:ci-deployer", "memory",
                        held.plan(), "key-x", "user:alice", h.clock.instant()),
                Stage.CONTAINMENT, "user:alice", "planned", Map.of());
        approvals.request(requestedByAlice, "user:alice", Map.of());

        assertRefused(() -> approvals.approve("x-1", held.planDigest(), "user:alice", "mine"), Refusal.SELF_APPROVAL);
        // the same person through a token of theirs is still the requester
        assertRefused(() -> approvals.approve("x-1", held.planDigest(), "User:Alice/token:alice-approver", "mine"),
                Refusal.SELF_APPROVAL);
        assertThat(h.store.find("x-1").orElseThrow().state()).isEqualTo(ActionState.HELD);
        assertThat(approvals.approve("x-1", held.planDigest(), "user:bob", "ok").state()).isEqualTo(ActionState.APPROVED);
    }

    @Test
    void aPersonsOwnRequestIsHeldForAnotherPerson() {
        ActionRecord requested = h.coordinator.requestByPerson(finding.id(), finding.identityKey(), ActionHarness.PLATFORM,
                request(Rung.DISABLE_CREDENTIAL, "ci-deployer", "AKIA1"), "user:alice", "key seen on a paste site");

        assertThat(requested.state()).isEqualTo(ActionState.HELD);
        assertThat(requested.requester()).isEqualTo("user:alice");
        assertThat(h.coordinator.requestByPerson(finding.id(), finding.identityKey(), ActionHarness.PLATFORM,
                request(Rung.DISABLE_CREDENTIAL, "ci-deployer", "AKIA1"), "user:alice", "again")).isEqualTo(requested);
        assertRefused(() -> h.coordinator.approve(requested.id(), "user:alice", "mine"), Refusal.SELF_APPROVAL);

        assertThat(h.coordinator.approve(requested.id(), "user:bob", "confirmed").state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.credentialKey("ci-deployer", "AKIA1"), "Inactive");
    }

    @Test
    void expiredRequestsCannotBeApproved() {
        h.clock.advance(ActionHarness.APPROVAL_TTL);

        assertRefused(() -> h.coordinator.approve(held.id(), "user:bob", "late"), Refusal.APPROVAL_EXPIRED);

        assertThat(h.store.find(held.id()).orElseThrow().state()).isEqualTo(ActionState.EXPIRED);
        assertThat(h.executor.invocations()).containsExactly("plan");
    }

    /** Once moved to expired (by housekeeping or a first late answer), every later answer is still approval-expired. */
    @Test
    void anAlreadyExpiredRequestIsRefusedAsExpiredNotAsIllegalState() {
        h.clock.advance(ActionHarness.APPROVAL_TTL);
        assertThat(h.coordinator.expireDue()).extracting(ActionRecord::id).containsExactly(held.id());

        assertRefused(() -> h.coordinator.approve(held.id(), "user:bob", "late"), Refusal.APPROVAL_EXPIRED);
        assertRefused(() -> h.coordinator.reject(held.id(), "user:bob", "late"), Refusal.APPROVAL_EXPIRED);
        assertThat(h.store.find(held.id()).orElseThrow().state()).isEqualTo(ActionState.EXPIRED);
    }

    @Test
    void expireDueMovesOnlyLapsedRequests() {
        h.clock.advance(Duration.ofMinutes(30));
        Finding other = finding("other");
        h.platform.addIdentity("other");
        ActionRecord later = h.coordinator.handle(holding("d-2", other, Mode.ENFORCE, List.of(),
                List.of(request(Rung.DISABLE_IDENTITY, "other", null))), other).get(0);
        h.clock.advance(Duration.ofMinutes(30));

        List<ActionRecord> expired = h.coordinator.expireDue();

        assertThat(expired).extracting(ActionRecord::id).containsExactly(held.id());
        assertThat(h.store.find(later.id()).orElseThrow().state()).isEqualTo(ActionState.HELD);
        assertThat(h.coordinator.expireDue()).isEmpty();
    }

    @Test
    void approvalIsBoundToThePlanDigestTheApproverSaw() {
        assertRefused(() -> h.coordinator.approve(held.id(), "0".repeat(64), "user:bob", "ok"), Refusal.DIGEST_MISMATCH);
        assertThat(h.store.find(held.id()).orElseThrow().state()).isEqualTo(ActionState.HELD);
    }

    @Test
    void approvedPlanThatDriftedIsNotExecuted() {
        h.platform.setCredentialActive("ci-deployer", "AKIA1", false); // someone else acted meanwhile

        ActionRecord result = h.coordinator.approve(held.id(), "user:bob", "ok");

        assertThat(result.state()).isEqualTo(ActionState.FAILED);
        assertThat(result.lastError()).contains("plan changed since it was approved").contains(held.planDigest());
        assertThat(h.executor.invocations()).doesNotContain("execute");
        assertThat(h.entries().get(h.entries().size() - 1).evidence()).containsKey("plan.digest.current");
    }

    @Test
    void rejectedRequestsAreFinal() {
        ActionRecord rejected = h.coordinator.reject(held.id(), "user:bob", "false positive");

        assertThat(rejected.state()).isEqualTo(ActionState.REJECTED);
        assertThat(h.entries().get(h.entries().size() - 1).evidence()).containsEntry("approval.reason", "false positive");
        assertRefused(() -> h.coordinator.approve(held.id(), "user:carol", "ok"), Refusal.ILLEGAL_STATE);
    }

    @Test
    void reasonAndApproverAreRequired() {
        assertThatThrownBy(() -> h.coordinator.approve(held.id(), "user:bob", " ")).hasMessageContaining("reason");
        assertThatThrownBy(() -> h.coordinator.reject(held.id(), null, "x")).hasMessageContaining("approver");
    }

    @Test
    void twoApproversAtOnceExecuteTheActionOnce() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<ActionRecord>> results = new ArrayList<>();
        try {
            for (String approver : List.of("user:bob", "user:carol")) {
                Callable<ActionRecord> approve = () -> {
                    start.await();
                    return h.coordinator.approve(held.id(), approver, "ok");
                };
                results.add(pool.submit(approve));
            }
            start.countDown();
            int succeeded = 0;
            for (Future<ActionRecord> f : results) {
                try {
                    f.get();
                    succeeded++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfAny(StaleActionException.class, ActionRefusedException.class);
                }
            }
            assertThat(succeeded).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        assertThat(h.executor.invocations().stream().filter("execute"::equals)).hasSize(1);
        assertThat(h.ledgerKinds().stream().filter("action.approved"::equals)).hasSize(1);
    }

    @Test
    void aHeldPlanThatChangesNothingIsNotHeldAndTheLedgerSaysWhy() {
        h.platform.addCredential("ci-deployer", "AKIA2", false);
        int before = h.entries().size();

        List<ActionRecord> records = h.coordinator.handle(holding("d-noop", finding, Mode.ENFORCE, List.of(),
                List.of(request(Rung.DISABLE_CREDENTIAL, "ci-deployer", "AKIA2"))), finding);

        assertThat(records).isEmpty();
        assertThat(h.store.find("d-noop/held/0")).isEmpty();
        List<LedgerEntry> written = h.entries().subList(before, h.entries().size());
        assertThat(written).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("action.nothing_to_do");
            assertThat(e.result()).startsWith("nothing to do: ");
            assertThat(e.evidence()).containsEntry("decision.id", "d-noop").containsEntry("request.rung", "disable_credential")
                    .containsEntry("request.target.credential", "AKIA2");
        });
        assertThat(h.executor.invocations()).containsExactly("plan", "plan");
    }

    @Test
    void aPersonAskingForAPlanThatChangesNothingIsRefusedAndTheLedgerSaysWhy() {
        h.platform.addCredential("ci-deployer", "AKIA2", false);

        assertThatThrownBy(() -> h.coordinator.requestByPerson(finding.id(), finding.identityKey(), ActionHarness.PLATFORM,
                request(Rung.DISABLE_CREDENTIAL, "ci-deployer", "AKIA2"), "user:alice", "key seen on a paste site"))
                .isInstanceOfSatisfying(ActionRefusedException.class, e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.NOTHING_TO_DO);
                    assertThat(e.getMessage()).startsWith("nothing to do: ").endsWith("; not held for approval");
                });

        assertThat(h.store.find("manual/" + finding.id() + "/disable_credential/user:alice")).isEmpty();
        LedgerEntry why = h.entries().get(h.entries().size() - 1);
        assertThat(why.kind()).isEqualTo("action.nothing_to_do");
        assertThat(why.actor()).isEqualTo("user:alice");
        assertThat(why.evidence()).containsEntry("request.reason", "key seen on a paste site");
    }

    private static void assertRefused(ThrowingCallable call, Refusal refusal) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ActionRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(refusal));
    }
}
