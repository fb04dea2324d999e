package dev.rlhf.web.labeling;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
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

/** 32 labelers claim and label one K = 3 batch at the same time until no work is left. */
@PlatformTest
class ConcurrentLabelingTest {
    static final int LABELERS = 32;
    static final int COMPARISONS = 40;
    static final int K = 3;

    @Autowired
    AssignmentService assignments;
    @Autowired
    LabelSubmissionService submissions;
    @Autowired
    Fixtures fixtures;

    @Test
    void everyComparisonGetsExactlyKLabelsFromKDistinctLabelers() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, K, true, COMPARISONS);
        List<Long> labelers = new ArrayList<>();
        for (int i = 0; i < LABELERS; i++) {
            labelers.add(fixtures.user(Role.LABELER).getId());
        }
        ConcurrentLinkedQueue<LabelReceipt> acknowledged = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(LABELERS);
        List<Future<?>> running = new ArrayList<>();
        for (long labeler : labelers) {
            running.add(pool.submit(() -> {
                start.await();
                for (Optional<AssignmentView> next = assignments.currentOrNext(labeler); next.isPresent();
                     next = assignments.currentOrNext(labeler)) {
                    int confidence = ThreadLocalRandom.current().nextInt(1, 10);
                    acknowledged.add(submissions.submit(labeler, new LabelSubmission(next.get().assignmentId(),
                            UUID.randomUUID().toString(), confidence, null, null, null)));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : running) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        List<Map<String, Object>> perComparison = fixtures.jdbc().sql("""
                        SELECT c.id, count(l.id) AS labels, count(DISTINCT l.labeler_id) AS labelers, c.open_slots
                        FROM comparisons c LEFT JOIN labels l ON l.comparison_id = c.id
                        WHERE c.batch_id = ? GROUP BY c.id""")
                .param(batch.getId()).query().listOfRows();
        assertThat(perComparison).hasSize(COMPARISONS);
        assertThat(perComparison).allSatisfy(row -> {
            assertThat(((Number) row.get("labels")).intValue()).as("labels of comparison %s", row.get("id")).isEqualTo(K);
            assertThat(((Number) row.get("labelers")).intValue()).isEqualTo(K);
            assertThat(((Number) row.get("open_slots")).intValue()).isZero();
        });
        assertThat(acknowledged).hasSize(COMPARISONS * K);
        assertThat(acknowledged.stream().map(LabelReceipt::labelId).distinct().count()).isEqualTo(COMPARISONS * K);
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(COMPARISONS * K);
        assertThat(fixtures.jdbc().sql("""
                        SELECT count(*) FROM assignments a JOIN comparisons c ON c.id = a.comparison_id
                        WHERE c.batch_id = ? AND a.state <> 'DONE'""")
                .param(batch.getId()).query(Long.class).single()).isZero();
    }
}
