package dev.rlhf.web.labeling;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.UserAccount;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@PlatformTest
class LabelingFlowTest {
    @Autowired
    AssignmentService assignments;
    @Autowired
    LabelSubmissionService submissions;
    @Autowired
    LabelerStatsQuery stats;
    @Autowired
    Fixtures fixtures;

    /** {@code labeler} labels {@code assignmentId} (a fresh key starting {@code key}): refused, the exception thrown. */
    private LabelingException refused(long labeler, long assignmentId, String key, int confidence) {
        Throwable thrown = catchThrowable(() -> submissions.submit(labeler,
                new LabelSubmission(assignmentId, key + UUID.randomUUID(), confidence, null, null, null)));
        assertThat(thrown).isInstanceOf(LabelingException.class);
        return (LabelingException) thrown;
    }

    @Test
    void reloadingReturnsTheCurrentAssignment() {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 2, true, 3);
        long labeler = fixtures.user(Role.LABELER).getId();
        AssignmentView first = assignments.currentOrNext(labeler).orElseThrow();
        AssignmentView again = assignments.currentOrNext(labeler).orElseThrow();
        assertThat(again.assignmentId()).isEqualTo(first.assignmentId());
        assertThat(again.candidates()).isEqualTo(first.candidates());
        assertThat(first.candidates()).hasSize(2);
    }

    @Test
    void aRetriedSubmissionStoresOneLabelAndAnswersTheSame() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 2);
        long labeler = fixtures.user(Role.LABELER).getId();
        AssignmentView view = assignments.currentOrNext(labeler).orElseThrow();
        LabelSubmission submission = new LabelSubmission(view.assignmentId(), "retry-" + UUID.randomUUID(), 3, null,
                List.of("offensive"), "a note");

        LabelReceipt first = submissions.submit(labeler, submission);
        LabelReceipt second = submissions.submit(labeler, submission);

        assertThat(second).isEqualTo(first);
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(1);
        var stored = fixtures.jdbc().sql("SELECT note, flags::text AS flags FROM labels WHERE id = ?")
                .param(first.labelId()).query().singleRow();
        assertThat(stored).containsEntry("note", "a note").containsEntry("flags", "{offensive}");

        // the same key sent by many requests at once: still one label, every answer the same
        AssignmentView next = assignments.currentOrNext(labeler).orElseThrow();
        LabelSubmission raced = new LabelSubmission(next.assignmentId(), "race-" + UUID.randomUUID(), 8, null, null, null);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<LabelReceipt>> calls = java.util.Collections.nCopies(6, () -> submissions.submit(labeler, raced));
            List<LabelReceipt> receipts = pool.invokeAll(calls).stream().map(LabelingFlowTest::get).toList();
            assertThat(receipts).allMatch(receipts.get(0)::equals);
        } finally {
            pool.shutdown();
        }
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(2);
    }

    @Test
    void anAnsweredAssignmentRefusesAnotherKey() {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 2);
        long labeler = fixtures.user(Role.LABELER).getId();
        AssignmentView view = assignments.currentOrNext(labeler).orElseThrow();
        submissions.submit(labeler, new LabelSubmission(view.assignmentId(), "once-" + UUID.randomUUID(), 1, null, null, null));
        assertThat(refused(labeler, view.assignmentId(), "twice-", 9).status()).isEqualTo(HttpStatus.CONFLICT);
    }

    @Test
    void anExpiredLeaseReturnsTheComparisonToThePool() {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 1);
        long walkedAway = fixtures.user(Role.LABELER).getId();
        long other = fixtures.user(Role.LABELER).getId();
        AssignmentView abandoned = assignments.currentOrNext(walkedAway).orElseThrow();
        assertThat(assignments.currentOrNext(other)).as("the only slot is taken").isEmpty();

        fixtures.expireLease(abandoned.assignmentId());

        AssignmentView taken = assignments.currentOrNext(other).orElseThrow();
        assertThat(taken.title()).isEqualTo(abandoned.title());
        assertThat(refused(walkedAway, abandoned.assignmentId(), "late-", 2).status()).isEqualTo(HttpStatus.GONE);
        submissions.submit(other, new LabelSubmission(taken.assignmentId(), "ontime-" + UUID.randomUUID(), 2, null, null, null));
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(1);
        assertThat(assignments.currentOrNext(walkedAway)).as("never the same comparison twice").isEmpty();
    }

    @Test
    void theScheduledSweepAlsoReturnsExpiredSlots() {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 1);
        long labeler = fixtures.user(Role.LABELER).getId();
        AssignmentView view = assignments.currentOrNext(labeler).orElseThrow();
        fixtures.expireLease(view.assignmentId());
        assertThat(assignments.expireLeases()).isEqualTo(1);
        assertThat(fixtures.jdbc().sql("SELECT state FROM assignments WHERE id = ?").param(view.assignmentId())
                .query(String.class).single()).isEqualTo("EXPIRED");
        assertThat(fixtures.jdbc().sql("SELECT open_slots FROM comparisons c JOIN assignments a ON a.comparison_id = c.id WHERE a.id = ?")
                .param(view.assignmentId()).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aLabelForSomeoneElsesAssignmentIsRefused() {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 2, false, 1);
        long owner = fixtures.user(Role.LABELER).getId();
        long intruder = fixtures.user(Role.LABELER).getId();
        AssignmentView view = assignments.currentOrNext(owner).orElseThrow();
        LabelingException refusal = refused(intruder, view.assignmentId(), "steal-", 2);
        assertThat(refusal.status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(refusal.field()).isEqualTo("assignmentId");
        assertThat(fixtures.labelsOfBatch(batch.getId())).isZero();
    }

    @Test
    void bestOfFourStoresTheCanonicalIndexOfThePickedText() {
        fixtures.onlyOpenBatch(BatchMode.BEST_OF_4, 1, false, 1);
        long labeler = fixtures.user(Role.LABELER).getId();
        AssignmentView view = assignments.currentOrNext(labeler).orElseThrow();
        assertThat(view.candidates()).hasSize(4);
        LabelReceipt receipt = submissions.submit(labeler,
                new LabelSubmission(view.assignmentId(), "pick-" + UUID.randomUUID(), null, 2, null, null));
        String canonicalText = fixtures.jdbc().sql("""
                        SELECT s.text FROM labels l JOIN comparison_summaries cs
                          ON cs.comparison_id = l.comparison_id AND cs.position = l.choice
                        JOIN summaries s ON s.id = cs.summary_id WHERE l.id = ?""")
                .param(receipt.labelId()).query(String.class).single();
        assertThat(canonicalText).isEqualTo(view.candidates().get(2));
        assertThat(receipt.choice()).as("the receipt names the screen position").isEqualTo(2);
        assertThat(receipt.confidence()).isNull();
    }

    @Test
    void statsCountOnlyTheLabelersOwnLabelsAndGoldAgreement() {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 2, true, 2);
        UserAccount me = fixtures.user(Role.LABELER);
        UserAccount someoneElse = fixtures.user(Role.LABELER);
        AssignmentView view = assignments.currentOrNext(me.getId()).orElseThrow();
        long comparisonId = fixtures.jdbc().sql("SELECT comparison_id FROM assignments WHERE id = ?")
                .param(view.assignmentId()).query(Long.class).single();
        fixtures.jdbc().sql("INSERT INTO gold_answers (comparison_id, choice, confidence) VALUES (?, 0, 1) ON CONFLICT (comparison_id) DO UPDATE SET choice = 0, confidence = 1")
                .param(comparisonId).update();
        LabelReceipt mine = submissions.submit(me.getId(),
                new LabelSubmission(view.assignmentId(), "stat-" + UUID.randomUUID(), 3, null, null, null));
        AssignmentView theirs = assignments.currentOrNext(someoneElse.getId()).orElseThrow();
        submissions.submit(someoneElse.getId(), new LabelSubmission(theirs.assignmentId(), "stat-" + UUID.randomUUID(), 7, null, null, null));

        LabelerStats myStats = stats.of(me.getId());
        assertThat(myStats.labelsToday()).isEqualTo(1);
        assertThat(myStats.goldCompared()).isEqualTo(1);
        Integer storedChoice = fixtures.jdbc().sql("SELECT choice FROM labels WHERE id = ?").param(mine.labelId())
                .query(Integer.class).single();
        assertThat(myStats.goldAgreement()).isEqualTo(storedChoice != null && storedChoice == 0 ? 1.0 : 0.0);
        assertThat(myStats.medianSeconds()).isNotNull();
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(2);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
