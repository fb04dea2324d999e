package dev.rlhf.web.labeling;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.sql.Types;
import java.util.Optional;

/**
 * Stores a label and hands out the labeler's next assignment. The usual case (a first submission for the
 * assignment the labeler holds, with an answer that fits the batch) is one statement, one round trip and one
 * durable commit: migration V7's {@code store_label_and_claim} completes the assignment, stores the label in
 * canonical terms and claims the next assignment in one transaction. Everything else (a retry, a refusal, a race
 * with a concurrent request) writes nothing there and is judged by the two-step path
 * ({@link LabelSubmissionService}, then {@link AssignmentService#currentOrNext}), which answers a retry as the
 * first and names the field of a refusal, exactly as before.
 */
@Service
public record LabelAndNextService(JdbcClient jdbc, LabelSubmissionService submissions, AssignmentService assignments,
                                  LabelingMetrics metrics) {
    private static final String STORE_AND_CLAIM = """
            SELECT * FROM store_label_and_claim(:labeler, :assignment, :key, :confidence, :choice,
                                                string_to_array(:flags, ','), :note, :leaseSeconds)""";

    public LabelAndNext submitAndNext(long labelerId, LabelSubmission submission) {
        return metrics.submit.record(() -> submitAndNextTimed(labelerId, submission));
    }

    private LabelAndNext submitAndNextTimed(long labelerId, LabelSubmission submission) {
        Optional<LabelAndNext> stored = storeAndClaim(labelerId, submission);
        if (stored.isPresent()) {
            metrics.stored.increment();
            LabelAndNext answer = stored.get();
            if (answer.next() != null) {
                return answer;
            }
            // nothing claimable in the same transaction: look again, sweeping expired leases back first
            return new LabelAndNext(answer.label(), assignments.currentOrNext(labelerId).orElse(null));
        }
        // not stored by the one-statement path: judge the request (retry, refusal or race) step by step
        return new LabelAndNext(submissions.submitUntimed(labelerId, submission),
                assignments.currentOrNext(labelerId).orElse(null));
    }

    /** One statement in its own (auto-committed, durable) transaction; empty when it wrote nothing. */
    private Optional<LabelAndNext> storeAndClaim(long labelerId, LabelSubmission submission) {
        long assignmentId = LabelSubmissionService.required(submission.assignmentId(), "assignmentId");
        String key = LabelSubmissionService.validKey(submission.idempotencyKey());
        String flags = String.join(",", LabelSubmissionService.validFlags(submission.flags()));
        String note = LabelSubmissionService.optionalText(submission.note(), "note",
                LabelSubmissionService.MAX_NOTE_LENGTH);
        try {
            return jdbc.sql(STORE_AND_CLAIM)
                    .param("labeler", labelerId)
                    .param("assignment", assignmentId)
                    .param("key", key)
                    .param("confidence", submission.confidence(), Types.INTEGER)
                    .param("choice", submission.choice(), Types.INTEGER)
                    .param("flags", flags)
                    .param("note", note, Types.VARCHAR)
                    .param("leaseSeconds", assignments.leaseSeconds())
                    // the function stored the answer only where it fit the batch; the receipt repeats it in screen terms
                    .query((rs, n) -> new LabelAndNext(
                            LabelReceipt.of(rs.getLong("label_id"), assignmentId,
                                    ScreenAnswer.of(submission.confidence(), submission.choice())),
                            AssignmentService.view(rs, "next_").orElse(null)))
                    .optional();
        } catch (DuplicateKeyException keyUsedOrConcurrentClaim) {
            // the whole statement was rolled back; the two-step path says what happened
            return Optional.empty();
        }
    }
}
