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
import java.time.Instant;
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

    /** Post and candidates of one assignment, one row per candidate. */
    private static final String VIEW_COLUMNS = """
            a.id AS assignment_id, a.display_order, a.lease_expires_at, b.mode, b.ties_allowed,
            p.subreddit, p.title, p.body, cs.position, s.text""";
    private static final String VIEW_JOINS = """
            JOIN comparisons c ON c.id = a.comparison_id
            JOIN batches b ON b.id = c.batch_id
            JOIN posts p ON p.id = c.post_id
            JOIN comparison_summaries cs ON cs.comparison_id = c.id
            JOIN summaries s ON s.id = cs.summary_id""";

    /**
     * Ends the labeler's own active assignment when its lease ran out or its batch is no longer OPEN (giving
     * its slot back), then returns the open batches in priority order together with the labeler's current
     * assignment, if any (one row per candidate). It also sets {@code synchronous_commit = off} for the rest of
     * the claim's transaction: an assignment is cheap to lose (after a crash the labeler simply asks again),
     * so a claim's commit does not wait for the WAL flush; labels are committed durably, and their flush also
     * covers every claim committed before them.
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
            SELECT ob.open_batches, cur.*
            FROM (SELECT set_config('synchronous_commit', 'off', true)) relaxed,
                 (SELECT array_agg(id ORDER BY priority DESC, id) AS open_batches FROM batches WHERE state = 'OPEN') ob
            LEFT JOIN LATERAL (
                SELECT %s
                FROM assignments a
                %s
                WHERE a.labeler_id = :labeler AND a.state = 'ACTIVE' AND a.lease_expires_at > now()
                  AND b.state = 'OPEN'
            ) cur ON true
            ORDER BY cur.position""".formatted(VIEW_COLUMNS, VIEW_JOINS);

    /**
     * Takes a free slot of the first comparison in the batch the labeler has not had, and assigns it. The ordered
     * scan of {@code comparisons_claimable_idx} under {@code batch_id = ANY(...)} needs PostgreSQL 17 or later
     * (ordered index scans with an array condition); the platform runs on 18.
     */
    private static final String CLAIM = """
            WITH candidate AS (
                SELECT c.id, c.candidate_count
                FROM comparisons c
                WHERE c.batch_id = ANY(ARRAY[:batch]::bigint[]) AND c.open_slots > 0
                  -- OFFSET 0 keeps this a per-candidate lookup in assignments_comparison_labeler_uq rather than an
                  -- anti join that reads all of the labeler's assignments (or the whole table) for each claim
                  AND NOT EXISTS (SELECT 1 FROM assignments x WHERE x.comparison_id = c.id AND x.labeler_id = :labeler
                                  OFFSET 0)
                  AND EXISTS (SELECT 1 FROM batches ob WHERE ob.id = :batch AND ob.state = 'OPEN')
                  AND EXISTS (SELECT 1 FROM users u WHERE u.id = :labeler AND u.enabled AND NOT u.paused)
                -- (batch_id, id) is the order of comparisons_claimable_idx (batch_id, id) WHERE open_slots > 0, so
                -- the scan starts at the batch's first comparison with a free slot; batch_id = ANY(array) keeps the
                -- planner from dropping batch_id from that order and filtering every filled comparison out of the
                -- primary key's order instead (a scan that grows with the batch's progress)
                ORDER BY c.batch_id, c.id
                LIMIT 1
                FOR NO KEY UPDATE OF c SKIP LOCKED
            ), taken AS (
                UPDATE comparisons c SET open_slots = c.open_slots - 1
                FROM candidate WHERE c.id = candidate.id
                RETURNING c.id, c.candidate_count
            ), a AS (
                INSERT INTO assignments (comparison_id, labeler_id, display_order, lease_expires_at)
                SELECT taken.id, :labeler,
                       ARRAY(SELECT g FROM generate_series(0, taken.candidate_count - 1) g ORDER BY random()),
                       now() + make_interval(secs => :leaseSeconds)
                FROM taken
                RETURNING id, comparison_id, display_order, lease_expires_at
            )
            SELECT %s
            FROM a
            %s
            ORDER BY cs.position""".formatted(VIEW_COLUMNS, VIEW_JOINS);

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
        List<Long> openBatches = new ArrayList<>();
        List<CandidateRow> current = jdbc.sql(CURRENT).param("labeler", labelerId)
                .query((rs, n) -> {
                    if (n == 0) {
                        openBatches.addAll(longs(rs.getArray("open_batches")));
                    }
                    return rs.getObject("assignment_id") == null ? null : CandidateRow.of(rs);
                })
                .list();
        if (current.get(0) != null) {
            return Optional.of(toView(current));
        }
        for (long batchId : openBatches) {
            List<CandidateRow> claimed = jdbc.sql(CLAIM)
                    .param("batch", batchId)
                    .param("labeler", labelerId)
                    .param("leaseSeconds", (double) properties.lease().toMillis() / 1000.0)
                    .query((rs, n) -> CandidateRow.of(rs))
                    .list();
            if (!claimed.isEmpty()) {
                return Optional.of(toView(claimed));
            }
        }
        return Optional.empty();
    }

    /** Marks every assignment whose lease has run out EXPIRED and gives its slot back; returns how many. */
    public int expireLeases() {
        Long expired = tx.execute(status -> jdbc.sql(SWEEP).query(Long.class).single());
        return expired == null ? 0 : expired.intValue();
    }

    private static AssignmentView toView(List<CandidateRow> rows) {
        CandidateRow first = rows.get(0);
        String[] byCanonical = new String[rows.size()];
        for (CandidateRow row : rows) {
            byCanonical[row.position] = row.text;
        }
        List<String> onScreen = new ArrayList<>(rows.size());
        for (int canonical : first.displayOrder) {
            onScreen.add(byCanonical[canonical]);
        }
        return new AssignmentView(first.assignmentId, first.mode, first.tiesAllowed, first.subreddit, first.title,
                first.body, List.copyOf(onScreen), first.leaseExpiresAt);
    }

    static int[] ints(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = ((Number) values[i]).intValue();
        }
        return result;
    }

    private static List<Long> longs(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<Long> result = new ArrayList<>();
        for (Object value : (Object[]) array.getArray()) {
            result.add(((Number) value).longValue());
        }
        return result;
    }

    private record CandidateRow(long assignmentId, int[] displayOrder, Instant leaseExpiresAt, BatchMode mode,
                                boolean tiesAllowed, String subreddit, String title, String body, int position,
                                String text) {
        static CandidateRow of(ResultSet rs) throws SQLException {
            return new CandidateRow(rs.getLong("assignment_id"), ints(rs.getArray("display_order")),
                    rs.getObject("lease_expires_at", OffsetDateTime.class).toInstant(),
                    BatchMode.valueOf(rs.getString("mode")), rs.getBoolean("ties_allowed"), rs.getString("subreddit"),
                    rs.getString("title"), rs.getString("body"), rs.getInt("position"), rs.getString("text"));
        }
    }
}
