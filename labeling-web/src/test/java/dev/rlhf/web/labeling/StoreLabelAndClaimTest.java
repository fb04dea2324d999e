package dev.rlhf.web.labeling;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Migration V7's {@code store_label_and_claim} (one statement: store the label, claim the next assignment) and
 * {@link LabelAndNextService}, which uses it and falls back to the two-step path for retries and refusals.
 */
@PlatformTest
class StoreLabelAndClaimTest {
    private static final String STORE_AND_CLAIM = """
            SELECT * FROM store_label_and_claim(:labeler, :assignment, :key, :confidence, :choice, '{}', NULL, 1800)""";

    @Autowired
    Fixtures fixtures;
    @Autowired
    AssignmentService assignments;
    @Autowired
    LabelAndNextService labelAndNext;
    @Autowired
    DataSource dataSource;

    private JdbcClient jdbc() {
        return fixtures.jdbc();
    }

    private Optional<Map<String, Object>> storeAndClaim(long labeler, long assignment, String key, Integer confidence,
                                                        Integer choice) {
        return jdbc().sql(STORE_AND_CLAIM).param("labeler", labeler).param("assignment", assignment).param("key", key)
                .param("confidence", confidence, Types.INTEGER).param("choice", choice, Types.INTEGER)
                .query().listOfRows().stream().findFirst();
    }

    /**
     * Every screen answer (valid or not) under every display order: the function stores exactly what
     * {@link CanonicalAnswer} computes, and stores nothing where it refuses. Each call runs in a transaction that
     * is rolled back, so one held assignment serves every case.
     */
    @Test
    void theFunctionStoresWhatCanonicalAnswerComputesAndNothingItRefuses() {
        TransactionTemplate rolledBack = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        int cases = 0;
        for (BatchMode mode : BatchMode.values()) {
            for (boolean ties : mode == BatchMode.PAIRWISE ? new boolean[]{false, true} : new boolean[]{false}) {
                fixtures.onlyOpenBatch(mode, 1, ties, 2);
                long labeler = fixtures.user(Role.LABELER).getId();
                long held = assignments.currentOrNext(labeler).orElseThrow().assignmentId();
                for (int[] order : permutations(mode.candidates())) {
                    for (Integer confidence : answers(0, 10)) {
                        for (Integer choice : answers(-1, 4)) {
                            CanonicalAnswer expected = expected(order, mode, ties, confidence, choice);
                            Optional<Map<String, Object>> stored = rolledBack.execute(status -> {
                                status.setRollbackOnly();
                                jdbc().sql("UPDATE assignments SET display_order = ? WHERE id = ?")
                                        .params(order, held).update();
                                return storeAndClaim(labeler, held, "key-" + UUID.randomUUID(), confidence, choice);
                            });
                            String what = mode + " ties " + ties + " order " + Arrays.toString(order) + " confidence "
                                    + confidence + " choice " + choice;
                            if (expected == null) {
                                assertThat(stored).as(what).isEmpty();
                            } else {
                                assertThat(stored).as(what).isPresent();
                                assertThat(stored.get().get("choice")).as(what).isEqualTo(expected.choice());
                                assertThat(stored.get().get("confidence")).as(what).isEqualTo(expected.confidence());
                            }
                            cases++;
                        }
                    }
                }
                assertThat(fixtures.jdbc().sql("SELECT state FROM assignments WHERE id = ?").param(held)
                        .query(String.class).single()).isEqualTo("ACTIVE");
            }
        }
        assertThat(cases).isEqualTo(2 * 2 * 12 * 7 + 24 * 12 * 7); // (ties × orders + orders) × answers
    }

    @Test
    void oneStatementCompletesTheAssignmentStoresTheLabelAndClaimsTheNext() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 2, false, 3);
        long labeler = fixtures.user(Role.LABELER).getId();
        AssignmentView first = assignments.currentOrNext(labeler).orElseThrow();

        Map<String, Object> row = storeAndClaim(labeler, first.assignmentId(), "key-" + UUID.randomUUID(), 2, null)
                .orElseThrow();
        long next = ((Number) row.get("next_assignment_id")).longValue();
        assertThat(next).isNotEqualTo(first.assignmentId());
        assertThat(row.get("next_mode")).isEqualTo("PAIRWISE");
        Object[] candidates = (Object[]) ((Array) row.get("next_candidates")).getArray();
        assertThat(candidates).hasSize(2);
        assertThat(jdbc().sql("SELECT state FROM assignments WHERE id = ?").param(first.assignmentId())
                .query(String.class).single()).isEqualTo("DONE");
        assertThat(jdbc().sql("SELECT count(*) FROM labels WHERE assignment_id = ?").param(first.assignmentId())
                .query(Long.class).single()).isEqualTo(1);
        // the next is the labeler's current assignment, a comparison they never had, one of its slots taken
        assertThat(assignments.currentOrNext(labeler).orElseThrow().assignmentId()).isEqualTo(next);
        assertThat(jdbc().sql("""
                        SELECT sum(open_slots) FROM comparisons WHERE batch_id = ?""")
                .param(batch.getId()).query(Long.class).single()).isEqualTo(3 * 2 - 2);

        // the candidates come in the order of the new assignment's display order
        List<String> canonical = jdbc().sql("""
                        SELECT s.text FROM assignments a JOIN comparison_summaries cs ON cs.comparison_id = a.comparison_id
                        JOIN summaries s ON s.id = cs.summary_id WHERE a.id = ? ORDER BY cs.position""")
                .param(next).query(String.class).list();
        Object[] order = jdbc().sql("SELECT display_order FROM assignments WHERE id = ?").param(next)
                .query((rs, n) -> (Object[]) rs.getArray(1).getArray()).single();
        for (int screen = 0; screen < order.length; screen++) {
            assertThat(candidates[screen]).isEqualTo(canonical.get(((Number) order[screen]).intValue()));
        }
    }

    @Test
    void nothingIsWrittenForAnAssignmentNotHeldOrAReusedKey() {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 4);
        long labeler = fixtures.user(Role.LABELER).getId();
        long other = fixtures.user(Role.LABELER).getId();
        long held = assignments.currentOrNext(labeler).orElseThrow().assignmentId();
        long labelsBefore = fixtures.labelCount();

        assertThat(storeAndClaim(other, held, "key-" + UUID.randomUUID(), 3, null)).isEmpty();
        fixtures.expireLease(held);
        assertThat(storeAndClaim(labeler, held, "key-" + UUID.randomUUID(), 3, null)).isEmpty();
        assertThat(fixtures.labelCount()).isEqualTo(labelsBefore);
        assertThat(jdbc().sql("SELECT count(*) FROM assignments WHERE labeler_id = ?").param(other)
                .query(Long.class).single()).isZero();

        // a key already used for another assignment: the service refuses it (409) and nothing is written
        long fresh = assignments.currentOrNext(labeler).orElseThrow().assignmentId();
        String key = "key-" + UUID.randomUUID();
        LabelAndNext stored = labelAndNext.submitAndNext(labeler, new LabelSubmission(fresh, key, 2, null, null, null));
        long current = stored.next().assignmentId();
        long labelsAfterOne = fixtures.labelCount();
        long slotsBefore = openSlots();
        assertThatThrownBy(() -> labelAndNext.submitAndNext(labeler, new LabelSubmission(current, key, 2, null, null, null)))
                .isInstanceOfSatisfying(LabelingException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(refused.field()).isEqualTo("idempotencyKey");
                });
        assertThat(fixtures.labelCount()).isEqualTo(labelsAfterOne);
        assertThat(openSlots()).isEqualTo(slotsBefore);
        assertThat(jdbc().sql("SELECT state FROM assignments WHERE id = ?").param(current).query(String.class).single())
                .isEqualTo("ACTIVE");
    }

    /** Eight requests with the same key at the same instant: one label, and all eight answers are the same. */
    @Test
    void concurrentRetriesStoreOneLabelAndAnswerAlike() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 12);
        long labeler = fixtures.user(Role.LABELER).getId();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            AssignmentView held = assignments.currentOrNext(labeler).orElseThrow();
            for (int round = 0; round < 10; round++) {
                LabelSubmission submission = new LabelSubmission(held.assignmentId(), "key-" + UUID.randomUUID(),
                        1 + round % 9, null, null, null);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<LabelAndNext>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return labelAndNext.submitAndNext(labeler, submission);
                    }));
                }
                go.countDown();
                LabelAndNext first = answers.get(0).get(1, TimeUnit.MINUTES);
                for (Future<LabelAndNext> answer : answers) {
                    assertThat(answer.get(1, TimeUnit.MINUTES)).isEqualTo(first);
                }
                assertThat(first.label().assignmentId()).isEqualTo(held.assignmentId());
                assertThat(jdbc().sql("SELECT count(*) FROM labels WHERE assignment_id = ?").param(held.assignmentId())
                        .query(Long.class).single()).isEqualTo(1);
                held = first.next();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(10);
    }

    /**
     * 32 labelers label a K = 3 batch through the combined call at once, each answer sent again as a retry (every
     * other one while the first is still in flight): every retry answers the same label and the same next
     * assignment, and every comparison ends with exactly K labels from K distinct labelers.
     */
    @Test
    void concurrentLabelersWithRetriesGiveEveryComparisonExactlyKLabels() throws Exception {
        int labelers = 32;
        int comparisons = 40;
        int k = 3;
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, k, true, comparisons);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < labelers; i++) {
            ids.add(fixtures.user(Role.LABELER).getId());
        }
        ConcurrentLinkedQueue<LabelReceipt> acknowledged = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(labelers * 2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (long labeler : ids) {
            running.add(pool.submit(() -> {
                start.await();
                Optional<AssignmentView> next = assignments.currentOrNext(labeler);
                for (int n = 0; next.isPresent(); n++) {
                    LabelSubmission submission = new LabelSubmission(next.get().assignmentId(),
                            "key-" + UUID.randomUUID(), ThreadLocalRandom.current().nextInt(1, 10), null, null, null);
                    Future<LabelAndNext> concurrentRetry = n % 2 == 0
                            ? pool.submit(() -> labelAndNext.submitAndNext(labeler, submission)) : null;
                    LabelAndNext answer = labelAndNext.submitAndNext(labeler, submission);
                    LabelAndNext retry = concurrentRetry != null ? concurrentRetry.get(1, TimeUnit.MINUTES)
                            : labelAndNext.submitAndNext(labeler, submission);
                    assertThat(retry.label()).isEqualTo(answer.label());
                    if (answer.next() != null && retry.next() != null) {
                        assertThat(retry.next()).isEqualTo(answer.next());
                    } // else the two ran at once and the one that found nothing claimable (another labeler's claim
                    // still held the row lock) answered before the other looked again: either may be the one that
                    // stored the label, so either may be the one with no next assignment
                    acknowledged.add(answer.label());
                    next = Optional.ofNullable(answer.next() != null ? answer.next() : retry.next());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : running) {
            f.get(3, TimeUnit.MINUTES);
        }
        // a labeler told "no work" while another's claim still held a comparison's row lock comes back later
        for (long labeler : ids) {
            for (Optional<AssignmentView> next = assignments.currentOrNext(labeler); next.isPresent(); ) {
                LabelAndNext answer = labelAndNext.submitAndNext(labeler, new LabelSubmission(next.get().assignmentId(),
                        "key-" + UUID.randomUUID(), 3, null, null, null));
                acknowledged.add(answer.label());
                next = Optional.ofNullable(answer.next());
            }
        }
        pool.shutdown();

        List<Map<String, Object>> perComparison = jdbc().sql("""
                        SELECT c.id, count(l.id) AS labels, count(DISTINCT l.labeler_id) AS labelers, c.open_slots
                        FROM comparisons c LEFT JOIN labels l ON l.comparison_id = c.id
                        WHERE c.batch_id = ? GROUP BY c.id""")
                .param(batch.getId()).query().listOfRows();
        assertThat(perComparison).hasSize(comparisons).allSatisfy(row -> {
            assertThat(((Number) row.get("labels")).intValue()).as("labels of comparison %s", row.get("id")).isEqualTo(k);
            assertThat(((Number) row.get("labelers")).intValue()).isEqualTo(k);
            assertThat(((Number) row.get("open_slots")).intValue()).isZero();
        });
        assertThat(acknowledged).hasSize(comparisons * k);
        assertThat(acknowledged.stream().map(LabelReceipt::labelId).distinct().count()).isEqualTo(comparisons * k);
        assertThat(jdbc().sql("""
                        SELECT count(*) FROM assignments a JOIN comparisons c ON c.id = a.comparison_id
                        WHERE c.batch_id = ? AND a.state <> 'DONE'""")
                .param(batch.getId()).query(Long.class).single()).isZero();
    }

    private long openSlots() {
        return jdbc().sql("SELECT sum(open_slots) FROM comparisons c JOIN batches b ON b.id = c.batch_id WHERE b.state = 'OPEN'")
                .query(Long.class).single();
    }

    private static CanonicalAnswer expected(int[] order, BatchMode mode, boolean ties, Integer confidence, Integer choice) {
        try {
            return CanonicalAnswer.fromScreen(order, mode, ties, confidence, choice);
        } catch (LabelingException refused) {
            return null;
        }
    }

    /** null and every integer from {@code from} to {@code to}. */
    private static List<Integer> answers(int from, int to) {
        List<Integer> values = new ArrayList<>();
        values.add(null);
        for (int v = from; v <= to; v++) {
            values.add(v);
        }
        return values;
    }

    private static List<int[]> permutations(int n) {
        List<int[]> result = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, result);
        return result;
    }

    private static void permute(int[] prefix, boolean[] used, int at, List<int[]> result) {
        if (at == prefix.length) {
            result.add(prefix.clone());
            return;
        }
        for (int v = 0; v < prefix.length; v++) {
            if (!used[v]) {
                used[v] = true;
                prefix[at] = v;
                permute(prefix, used, at + 1, result);
                used[v] = false;
            }
        }
    }
}
