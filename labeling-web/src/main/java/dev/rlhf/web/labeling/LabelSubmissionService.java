package dev.rlhf.web.labeling;

import dev.rlhf.web.batch.BatchMode;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.sql.Types;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stores a labeler's answer, exactly once. The idempotency key makes a retried submission answer as the
 * first did; an assignment the labeler does not hold (someone else's, expired, answered with another key)
 * is refused. The answer is turned from screen sides into the canonical order before it is stored, and the receipt
 * turns it back: the labeler is answered in screen terms only.
 * <p>
 * Two statements and no explicit transaction: the first reads everything needed to judge the request, the
 * second completes the assignment and inserts the label atomically, re-checking holder, state and lease, so
 * a race between them is caught by the second (no row, or a unique violation) and judged again.
 */
@Service
public record LabelSubmissionService(JdbcClient jdbc, LabelingMetrics metrics) {
    static final int MAX_NOTE_LENGTH = 2000;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /** Everything needed to judge a submission, in one round trip. */
    private static final String CONTEXT = """
            SELECT a.id, a.labeler_id, a.state, a.lease_expires_at > now() AS live, a.display_order,
                   b.mode, b.ties_allowed,
                   k.id AS key_label_id, k.assignment_id AS key_assignment_id, k.choice AS key_choice,
                   k.confidence AS key_confidence,
                   l.id AS label_id
            FROM (SELECT 1) one
            LEFT JOIN assignments a ON a.id = :assignment
            LEFT JOIN comparisons c ON c.id = a.comparison_id
            LEFT JOIN batches b ON b.id = c.batch_id
            LEFT JOIN labels l ON l.assignment_id = a.id
            LEFT JOIN labels k ON k.idempotency_key = :key""";

    /** Completes the assignment and stores the label in one statement; no row when the lease is gone. */
    private static final String STORE = """
            WITH done AS (
                UPDATE assignments SET state = 'DONE', completed_at = now()
                WHERE id = :assignment AND labeler_id = :labeler AND state = 'ACTIVE' AND lease_expires_at > now()
                RETURNING id, comparison_id, labeler_id, assigned_at
            )
            INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, note,
                                flags, idempotency_key)
            SELECT id, comparison_id, labeler_id, :choice, :confidence,
                   greatest(0, round(extract(epoch FROM now() - assigned_at)))::int, :note,
                   string_to_array(:flags, ','), :key
            FROM done
            RETURNING id""";

    public LabelReceipt submit(long labelerId, LabelSubmission submission) {
        return metrics.submit.record(() -> submitUntimed(labelerId, submission));
    }

    /** {@link #submit} without the latency timer (for a caller that times the whole submission itself). */
    LabelReceipt submitUntimed(long labelerId, LabelSubmission submission) {
        long assignmentId = required(submission.assignmentId(), "assignmentId");
        String key = validKey(submission.idempotencyKey());
        String flags = String.join(",", validFlags(submission.flags()));
        String note = optionalText(submission.note(), "note", MAX_NOTE_LENGTH);
        for (int attempt = 0; ; attempt++) {
            try {
                Optional<LabelReceipt> receipt = store(labelerId, assignmentId, key, flags, note, submission);
                if (receipt.isPresent()) {
                    return receipt.get();
                }
            } catch (DuplicateKeyException concurrentDuplicate) {
                if (attempt > 2) {
                    throw concurrentDuplicate;
                }
            }
            // a concurrent request with the same key (or an expiry) won the race: judge again from what is stored
            if (attempt > 2) {
                throw new LabelingException(HttpStatus.CONFLICT, "assignmentId",
                        "assignment " + assignmentId + " changed while the label was being stored; try again");
            }
        }
    }

    private Optional<LabelReceipt> store(long labelerId, long assignmentId, String key, String flags, String note,
                                         LabelSubmission submission) {
        Context context = jdbc.sql(CONTEXT).param("assignment", assignmentId).param("key", key)
                .query((rs, n) -> new Context(
                        (Long) rs.getObject("id"), (Long) rs.getObject("labeler_id"), rs.getString("state"),
                        rs.getBoolean("live"),
                        rs.getArray("display_order") == null ? null : AssignmentService.ints(rs.getArray("display_order")),
                        rs.getString("mode") == null ? null : BatchMode.valueOf(rs.getString("mode")),
                        rs.getBoolean("ties_allowed"),
                        (Long) rs.getObject("key_label_id"), (Long) rs.getObject("key_assignment_id"),
                        (Integer) rs.getObject("key_choice"), (Integer) rs.getObject("key_confidence"),
                        (Long) rs.getObject("label_id")))
                .single();
        if (context.assignmentId == null) {
            throw new LabelingException(HttpStatus.NOT_FOUND, "assignmentId", "there is no assignment " + assignmentId);
        }
        if (context.labelerId != labelerId) {
            throw new LabelingException(HttpStatus.FORBIDDEN, "assignmentId",
                    "assignment " + assignmentId + " is not yours");
        }
        if (context.keyLabelId != null) {
            if (context.keyAssignmentId == assignmentId) {
                CanonicalAnswer stored = new CanonicalAnswer(context.keyChoice, context.keyConfidence);
                return Optional.of(LabelReceipt.of(context.keyLabelId, assignmentId,
                        stored.toScreen(context.displayOrder)));
            }
            throw new LabelingException(HttpStatus.CONFLICT, "idempotencyKey",
                    "this idempotency key was already used for another assignment");
        }
        if (context.labelId != null || "DONE".equals(context.state)) {
            throw new LabelingException(HttpStatus.CONFLICT, "assignmentId",
                    "assignment " + assignmentId + " was already answered");
        }
        if (!"ACTIVE".equals(context.state) || !context.live) {
            throw new LabelingException(HttpStatus.GONE, "assignmentId",
                    "the lease on assignment " + assignmentId + " has expired; ask for new work");
        }
        CanonicalAnswer answer = CanonicalAnswer.fromScreen(context.displayOrder, context.mode, context.tiesAllowed,
                submission.confidence(), submission.choice());
        Optional<Long> labelId = jdbc.sql(STORE)
                .param("assignment", assignmentId)
                .param("labeler", labelerId)
                .param("choice", answer.choice(), Types.INTEGER)
                .param("confidence", answer.confidence(), Types.INTEGER)
                .param("note", note, Types.VARCHAR)
                .param("flags", flags)
                .param("key", key)
                .query(Long.class).optional();
        labelId.ifPresent(id -> metrics.stored.increment());
        return labelId.map(id -> LabelReceipt.of(id, assignmentId, answer.toScreen(context.displayOrder)));
    }

    static long required(Long value, String field) {
        if (value == null) {
            throw LabelingException.badField(field, field + " is required");
        }
        return value;
    }

    static String validKey(String key) {
        if (key == null || key.isBlank()) {
            throw LabelingException.badField("idempotencyKey", "idempotencyKey is required");
        }
        if (!KEY.matcher(key).matches()) {
            throw LabelingException.badField("idempotencyKey",
                    "idempotencyKey must be 8-64 letters, digits, '-' or '_'");
        }
        return key;
    }

    static Set<String> validFlags(List<String> flags) {
        Set<String> result = new LinkedHashSet<>();
        if (flags == null) {
            return result;
        }
        for (String flag : flags) {
            if (flag == null || flag.isBlank()) {
                continue;
            }
            if (!LabelFlag.codes().contains(flag)) {
                throw LabelingException.badField("flags", "unknown flag '" + flag + "'; one of " + LabelFlag.codes());
            }
            result.add(flag);
        }
        return result;
    }

    /** An optional free text (a note, a skip's text): null when blank, stripped, refused when longer than {@code max}. */
    static String optionalText(String text, String field, int max) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > max) {
            throw LabelingException.badField(field, field + " is longer than " + max + " characters");
        }
        return text.strip();
    }

    private record Context(Long assignmentId, Long labelerId, String state, boolean live, int[] displayOrder,
                           BatchMode mode, boolean tiesAllowed, Long keyLabelId, Long keyAssignmentId,
                           Integer keyChoice, Integer keyConfidence, Long labelId) {
    }
}
