package dev.rlhf.web.fault;

import dev.rlhf.web.support.ApiLabeler;
import dev.rlhf.web.support.ForkedPlatform;
import dev.rlhf.web.support.HttpSession;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** What the fault tests share: labeler accounts, waiting for a condition, and the checks that nothing was lost. */
final class FaultChecks {
    static final String LABELER_PASSWORD = "fault-labeler-password";
    /** Enough work that the labelers never run out during a test. */
    static final Map<String, String> PLENTY_OF_WORK = Map.of("rlhf.demo.pairwise-comparisons", "4000");

    private FaultChecks() {
    }

    /** Makes {@code n} labeler accounts through the admin's API; returns their usernames. */
    static List<String> labelers(ForkedPlatform app, int n) throws Exception {
        HttpSession admin = HttpSession.signIn(app.uri("/"), "admin", ForkedPlatform.ADMIN_PASSWORD);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "fault-labeler-" + i;
            HttpResponse<String> r = admin.postJson("/api/accounts", "{\"username\": \"" + name + "\", \"password\": \""
                    + LABELER_PASSWORD + "\", \"role\": \"LABELER\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            names.add(name);
        }
        return names;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(20);
        }
    }

    /**
     * Every acknowledged label is in the database exactly once (by id and idempotency key), and the labeling state is
     * whole: every label's assignment is DONE and every DONE assignment has its label, no comparison has more labels
     * than K or one labeler twice, and each comparison's free slots plus its live assignments make exactly K.
     */
    static void nothingLostNothingHalfStored(JdbcClient jdbc, List<ApiLabeler.Answer> acknowledged) {
        List<Long> ids = acknowledged.stream().map(ApiLabeler.Answer::labelId).toList();
        assertThat(ids).doesNotHaveDuplicates();
        for (ApiLabeler.Answer answer : acknowledged) {
            assertThat(jdbc.sql("SELECT count(*) FROM labels WHERE id = ? AND idempotency_key = ? AND assignment_id = ?")
                    .params(answer.labelId(), answer.idempotencyKey(), answer.assignmentId()).query(Long.class).single())
                    .as("acknowledged label %d (key %s)", answer.labelId(), answer.idempotencyKey()).isEqualTo(1);
        }
        assertThat(jdbc.sql("""
                SELECT count(*) FROM labels l JOIN assignments a ON a.id = l.assignment_id
                WHERE a.state <> 'DONE' OR a.labeler_id <> l.labeler_id OR a.comparison_id <> l.comparison_id""")
                .query(Long.class).single()).as("labels whose assignment is not DONE (or not theirs)").isZero();
        assertThat(jdbc.sql("""
                SELECT count(*) FROM assignments a WHERE a.state = 'DONE'
                AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.assignment_id = a.id)""")
                .query(Long.class).single()).as("DONE assignments without a label").isZero();
        assertThat(jdbc.sql("""
                SELECT count(*) FROM (
                    SELECT c.id FROM comparisons c JOIN batches b ON b.id = c.batch_id LEFT JOIN labels l ON l.comparison_id = c.id
                    GROUP BY c.id, b.overlap_k HAVING count(l.id) > b.overlap_k OR count(l.id) <> count(DISTINCT l.labeler_id)) bad""")
                .query(Long.class).single()).as("comparisons over K labels or with a labeler twice").isZero();
        assertThat(jdbc.sql("""
                SELECT count(*) FROM comparisons c JOIN batches b ON b.id = c.batch_id
                WHERE c.open_slots + (SELECT count(*) FROM assignments a WHERE a.comparison_id = c.id AND a.state IN ('ACTIVE', 'DONE'))
                      <> b.overlap_k""")
                .query(Long.class).single()).as("comparisons whose free slots and live assignments are not exactly K").isZero();
    }
}
