package dev.rlhf.web.labeling;

import dev.rlhf.web.batch.BatchMode;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hands out work. A labeler holds at most one active assignment; asking again returns it until its lease
 * expires. A new assignment takes one of the comparison's free slots ({@code open_slots}, K when created)
 * under a row lock with {@code FOR NO KEY UPDATE SKIP LOCKED}, so labelers asking at the same instant never
 * take the same slot and never wait for each other; a labeler never gets a comparison they had before
 * (one assignment per (comparison, labeler)). An expired lease gives its slot back.
 */
@Service
public class AssignmentService {

    /**
     * Ends the labeler's own active assignment when its lease ran out or its batch is no longer OPEN (giving
     * its slot back), then returns the labeler's current assignment as they see it (all columns NULL when they
     * hold none; {@code shown_candidates} puts the texts in screen order). It also sets
     * {@code synchronous_commit = off} for the rest of the claim's transaction: an assignment is cheap to lose
     * (after a crash the labeler simply asks again), so a claim's commit does not wait for the WAL flush; labels
     * are committed durably, and their flush also covers every claim committed before them.
     */
    private static final String CURRENT = """
            WITH expired AS (
                UPDATE assignments a SET state = 'EXPIRED'
                FROM comparisons c, batches b
                WHERE a.labeler_id = :labeler AND a.state = 'ACTIVE'
                  AND c.id = a.comparison_id AND b.id = c.batch_id
                  AND (a.lease_expires_at <= now() OR b.state <> 'OPEN')
                RETURNING a.comparison_id
            ), freed AS (
                UPDATE comparisons SET open_slots = open_slots + 1
                WHERE id IN (SELECT comparison_id FROM expired)
                RETURNING id
            )
            SELECT cur.*
            FROM (SELECT set_config('synchronous_commit', 'off', true)) relaxed
            LEFT JOIN LATERAL (
                SELECT a.id AS assignment_id, b.mode, b.ties_allowed, p.subreddit, p.title, p.body,
                       shown_candidates(a.comparison_id, a.display_order) AS candidates, a.lease_expires_at,
                       b.instructions
                FROM assignments a
                JOIN comparisons c ON c.id = a.comparison_id
                JOIN batches b ON b.id = c.batch_id
                JOIN posts p ON p.id = c.post_id
                WHERE a.labeler_id = :labeler AND a.state = 'ACTIVE' AND a.lease_expires_at > now()
                  AND b.state = 'OPEN'
            ) cur ON true""";

    /**
     * Takes a free slot of the first comparison (batches by priority, then comparisons by id) that the labeler
     * never had, with {@code FOR NO KEY UPDATE SKIP LOCKED}, and assigns it: {@code claim_assignment} (V7, the
     * qualification gate V8, the batch's instructions V18), which {@code store_label_and_claim} uses too.
     */
    private static final String CLAIM = "SELECT * FROM claim_assignment(:labeler, :leaseSeconds)";

    /** Returns every expired lease's slot to the pool; one sweeper at a time. */
    private static final String SWEEP = """
            WITH guard AS (SELECT pg_try_advisory_xact_lock(8231001) AS mine),
            expired AS (
                UPDATE assignments SET state = 'EXPIRED'
                WHERE state = 'ACTIVE' AND lease_expires_at <= now() AND (SELECT mine FROM guard)
                RETURNING comparison_id
            ), freed AS (
                UPDATE comparisons c SET open_slots = c.open_slots + e.n
                FROM (SELECT comparison_id, count(*) AS n FROM expired GROUP BY comparison_id) e
                WHERE c.id = e.comparison_id
                RETURNING c.id
            )
            SELECT count(*) FROM expired""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final LabelingProperties properties;

    AssignmentService(JdbcClient jdbc, DataSource dataSource, LabelingProperties properties) {
        this.jdbc = jdbc;
        // plain JDBC transactions: the hot path needs no JPA session
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.properties = properties;
    }

    /** The labeler's current unexpired assignment, or a new one; empty when there is no work for them. */
    public Optional<AssignmentView> currentOrNext(long labelerId) {
        for (int attempt = 0; ; attempt++) {
            try {
                Optional<AssignmentView> view = tx.execute(status -> claimOnce(labelerId));
                if (view.isPresent() || attempt > 0 || expireLeases() == 0) {
                    return view;
                }
                // expired leases went back to the pool: look once more
            } catch (DuplicateKeyException concurrentClaim) {
                // the same labeler claimed in another request at the same instant; theirs is now current
                if (attempt > 2) {
                    throw concurrentClaim;
                }
            }
        }
    }

    private Optional<AssignmentView> claimOnce(long labelerId) {
        Optional<AssignmentView> current = jdbc.sql(CURRENT).param("labeler", labelerId)
                .query((rs, n) -> view(rs, "")).single();
        if (current.isPresent()) {
            return current;
        }
        return jdbc.sql(CLAIM)
                .param("labeler", labelerId)
                .param("leaseSeconds", leaseSeconds())
                .query((rs, n) -> view(rs, "").orElseThrow())
                .optional();
    }

    double leaseSeconds() {
        return properties.lease().toMillis() / 1000.0;
    }

    /** Marks every assignment whose lease has run out EXPIRED and gives its slot back; returns how many. */
    public int expireLeases() {
        Long expired = tx.execute(status -> jdbc.sql(SWEEP).query(Long.class).single());
        return expired == null ? 0 : expired.intValue();
    }

    /**
     * The assignment in a row of {@code claim_assignment}'s columns, each name after {@code prefix}; empty when
     * the row holds no assignment (its id is NULL).
     */
    static Optional<AssignmentView> view(ResultSet rs, String prefix) throws SQLException {
        long assignmentId = rs.getLong(prefix + "assignment_id");
        if (rs.wasNull()) {
            return Optional.empty();
        }
        List<String> candidates = new ArrayList<>();
        for (Object text : (Object[]) rs.getArray(prefix + "candidates").getArray()) {
            candidates.add((String) text);
        }
        return Optional.of(new AssignmentView(assignmentId, BatchMode.valueOf(rs.getString(prefix + "mode")),
                rs.getBoolean(prefix + "ties_allowed"), rs.getString(prefix + "subreddit"),
                rs.getString(prefix + "title"), rs.getString(prefix + "body"), List.copyOf(candidates),
                rs.getObject(prefix + "lease_expires_at", OffsetDateTime.class).toInstant(),
                rs.getString(prefix + "instructions")));
    }

    static int[] ints(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = ((Number) values[i]).intValue();
        }
        return result;
    }
}
