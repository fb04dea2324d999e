package dev.rlhf.web.labeling;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Types;

/**
 * A labeler skips the comparison they hold, with a reason. In one transaction, under the assignment's row lock (so a
 * concurrent answer, lease sweep or second skip waits and then finds the assignment no longer active): the assignment
 * ends as a lapsed lease does (EXPIRED), its slot goes back to the comparison for another labeler, and the skip is
 * stored. The labeler who skipped never gets that comparison again: a labeler has one assignment per comparison
 * (V1), and the skipped one stays. Then the labeler's next assignment is claimed. A retry for an assignment already
 * skipped by its labeler answers the skip stored first and stores nothing; an assignment the labeler does not hold is
 * refused as an answer would be (404, 403, 409 answered, 410 lease expired), naming {@code assignmentId}.
 */
@Service
public class SkipService {
    static final int MAX_TEXT_LENGTH = 2000;

    private static final String CONTEXT = """
            SELECT a.labeler_id, a.state, a.lease_expires_at > now() AS live, a.comparison_id, c.batch_id,
                   s.id AS skip_id, s.reason AS skip_reason, s.text AS skip_text
            FROM assignments a
            JOIN comparisons c ON c.id = a.comparison_id
            LEFT JOIN skips s ON s.assignment_id = a.id
            WHERE a.id = :assignment
            FOR UPDATE OF a""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AssignmentService assignments;

    SkipService(JdbcClient jdbc, DataSource dataSource, AssignmentService assignments) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.assignments = assignments;
    }

    private record Context(long labelerId, String state, boolean live, long comparisonId, long batchId, Long skipId,
                           String skipReason, String skipText) {
    }

    private record Stored(long id, String reason, String text) {
    }

    public SkipReceipt skip(long labelerId, SkipRequest request) {
        long assignmentId = LabelSubmissionService.required(request.assignmentId(), "assignmentId");
        SkipReason reason = SkipReason.of(request.reason());
        String text = LabelSubmissionService.optionalText(request.text(), "text", MAX_TEXT_LENGTH);
        Stored stored = tx.execute(status -> store(labelerId, assignmentId, reason, text));
        return new SkipReceipt(stored.id(), assignmentId, stored.reason(), stored.text(),
                assignments.currentOrNext(labelerId).orElse(null));
    }

    private Stored store(long labelerId, long assignmentId, SkipReason reason, String text) {
        Context context = jdbc.sql(CONTEXT).param("assignment", assignmentId)
                .query((rs, n) -> new Context(rs.getLong("labeler_id"), rs.getString("state"), rs.getBoolean("live"),
                        rs.getLong("comparison_id"), rs.getLong("batch_id"), (Long) rs.getObject("skip_id"),
                        rs.getString("skip_reason"), rs.getString("skip_text")))
                .optional()
                .orElseThrow(() -> new LabelingException(HttpStatus.NOT_FOUND, "assignmentId",
                        "there is no assignment " + assignmentId));
        if (context.labelerId() != labelerId) {
            throw new LabelingException(HttpStatus.FORBIDDEN, "assignmentId", "assignment " + assignmentId + " is not yours");
        }
        if (context.skipId() != null) {
            return new Stored(context.skipId(), context.skipReason(), context.skipText());
        }
        if ("DONE".equals(context.state())) {
            throw new LabelingException(HttpStatus.CONFLICT, "assignmentId",
                    "assignment " + assignmentId + " was already answered");
        }
        if (!"ACTIVE".equals(context.state()) || !context.live()) {
            throw new LabelingException(HttpStatus.GONE, "assignmentId",
                    "the lease on assignment " + assignmentId + " has expired; ask for new work");
        }
        jdbc.sql("UPDATE assignments SET state = 'EXPIRED' WHERE id = ?").param(assignmentId).update();
        jdbc.sql("UPDATE comparisons SET open_slots = open_slots + 1 WHERE id = ?").param(context.comparisonId()).update();
        long id = jdbc.sql("""
                        INSERT INTO skips (assignment_id, comparison_id, labeler_id, batch_id, reason, text)
                        VALUES (:assignment, :comparison, :labeler, :batch, :reason, :text) RETURNING id""")
                .param("assignment", assignmentId).param("comparison", context.comparisonId())
                .param("labeler", labelerId).param("batch", context.batchId()).param("reason", reason.code())
                .param("text", text, Types.VARCHAR)
                .query(Long.class).single();
        return new Stored(id, reason.code(), text);
    }
}
