package dev.rlhf.web.runs;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The run queue in PostgreSQL. Every worker (in-process or standalone, on any host) goes through these statements
 * only: a claim takes the oldest queued run with {@code FOR UPDATE SKIP LOCKED}, so two workers never take the same
 * row; the claiming worker holds a lease it renews with heartbeats; a run whose lease expired goes back to QUEUED
 * (or to FAILED once its attempts are spent). Every write a worker makes is conditional on still holding the run.
 */
@Component
public record RunQueue(JdbcClient jdbc, TransactionTemplate tx) {
    static final int LOG_TAIL_CHARS = 20_000;

    public long enqueue(String name, RunKind kind, String configJson, Long baseModelId, Long snapshotId, Long createdBy) {
        return jdbc.sql("""
                        INSERT INTO runs (name, kind, state, config, base_model_id, snapshot_id, created_by)
                        VALUES (:name, :kind, 'QUEUED', CAST(:config AS jsonb), :base, :snapshot, :by) RETURNING id""")
                .param("name", name).param("kind", kind.name()).param("config", configJson)
                .param("base", baseModelId).param("snapshot", snapshotId).param("by", createdBy)
                .query(Long.class).single();
    }

    /** Re-queues runs whose lease expired (a dead worker), or fails them when their attempts are spent. */
    public int expireLeases() {
        Integer failed = tx.execute(s -> jdbc.sql("""
                UPDATE runs SET state = 'FAILED', finished_at = now(),
                       error = coalesce(error || E'\\n', '') || 'worker ' || worker_id || ' lost its lease after attempt ' || attempts || ' of ' || max_attempts
                WHERE state = 'RUNNING' AND lease_expires_at < now() AND attempts >= max_attempts""").update());
        Integer requeued = tx.execute(s -> jdbc.sql("""
                UPDATE runs SET state = 'QUEUED', worker_id = NULL, lease_expires_at = NULL,
                       log = right(coalesce(log, '') || 'lease of worker ' || worker_id || ' expired; re-queued' || E'\\n', :tail)
                WHERE state = 'RUNNING' AND lease_expires_at < now()""").param("tail", LOG_TAIL_CHARS).update());
        return (failed == null ? 0 : failed) + (requeued == null ? 0 : requeued);
    }

    /** Claims the oldest queued run for {@code workerId}, or nothing. */
    public Optional<Run> claim(String workerId, Duration lease) {
        return claim(workerId, lease, Set.of());
    }

    /**
     * Claims the oldest queued run of one of {@code kinds} (every kind when empty) for {@code workerId}, or nothing: a
     * GPU worker can take the PPO, RLOO and DPO runs while the web application's own worker takes the rest.
     */
    public Optional<Run> claim(String workerId, Duration lease, Set<RunKind> kinds) {
        expireLeases();
        String[] names = kinds.stream().map(Enum::name).sorted().toArray(String[]::new);
        Optional<Long> id = tx.execute(s -> jdbc.sql("""
                        UPDATE runs SET state = 'RUNNING', worker_id = :worker, attempts = attempts + 1, heartbeat_at = now(),
                               lease_expires_at = now() + make_interval(secs => :lease), started_at = coalesce(started_at, now())
                        WHERE id = (SELECT id FROM runs WHERE state = 'QUEUED'
                                      AND (cardinality(CAST(:kinds AS text[])) = 0 OR kind = ANY(CAST(:kinds AS text[])))
                                    ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                        RETURNING id""")
                .param("worker", workerId).param("lease", lease.toMillis() / 1000.0).param("kinds", names)
                .query(Long.class).optional());
        return id == null ? Optional.empty() : id.flatMap(this::find);
    }

    /** Renews the lease; false when the run is no longer this worker's to run (cancelled, or taken over). */
    public boolean heartbeat(long runId, String workerId, Duration lease) {
        return jdbc.sql("""
                        UPDATE runs SET heartbeat_at = now(), lease_expires_at = now() + make_interval(secs => :lease)
                        WHERE id = :id AND worker_id = :worker AND state = 'RUNNING'""")
                .param("id", runId).param("worker", workerId).param("lease", lease.toMillis() / 1000.0).update() == 1;
    }

    /** Cancels a queued or running run; a running one stops at its worker's next heartbeat. */
    public boolean cancel(long runId) {
        return jdbc.sql("""
                        UPDATE runs SET state = 'CANCELLED', finished_at = now(), lease_expires_at = NULL,
                               log = right(coalesce(log, '') || 'cancelled' || E'\\n', :tail)
                        WHERE id = :id AND state IN ('QUEUED', 'RUNNING')""")
                .param("id", runId).param("tail", LOG_TAIL_CHARS).update() == 1;
    }

    /** Hands a run back to the queue at once (a worker shutting down); its checkpoint is kept for the next worker. */
    public boolean release(long runId, String workerId) {
        return jdbc.sql("""
                        UPDATE runs SET state = 'QUEUED', worker_id = NULL, lease_expires_at = NULL
                        WHERE id = :id AND worker_id = :worker AND state = 'RUNNING'""")
                .param("id", runId).param("worker", workerId).update() == 1;
    }

    public boolean succeed(long runId, String workerId, Long outputModelId) {
        return jdbc.sql("""
                        UPDATE runs SET state = 'SUCCEEDED', finished_at = now(), output_model_id = :model, lease_expires_at = NULL
                        WHERE id = :id AND worker_id = :worker AND state = 'RUNNING'""")
                .param("id", runId).param("worker", workerId).param("model", outputModelId).update() == 1;
    }

    public boolean fail(long runId, String workerId, String error) {
        return jdbc.sql("""
                        UPDATE runs SET state = 'FAILED', finished_at = now(), error = :error, lease_expires_at = NULL
                        WHERE id = :id AND worker_id = :worker AND state = 'RUNNING'""")
                .param("id", runId).param("worker", workerId).param("error", error).update() == 1;
    }

    public void appendLog(long runId, String line) {
        jdbc.sql("UPDATE runs SET log = right(coalesce(log, '') || :line || E'\\n', :tail) WHERE id = :id")
                .param("id", runId).param("line", line).param("tail", LOG_TAIL_CHARS).update();
    }

    public void progress(long runId, String workerId, int step, int totalSteps) {
        jdbc.sql("UPDATE runs SET step = :step, total_steps = :total WHERE id = :id AND worker_id = :worker")
                .param("id", runId).param("worker", workerId).param("step", step).param("total", totalSteps).update();
    }

    public void device(long runId, String device) {
        jdbc.sql("UPDATE runs SET device = :device WHERE id = :id").param("id", runId).param("device", device).update();
    }

    public void checkpoint(long runId, String workerId, String path) {
        jdbc.sql("UPDATE runs SET checkpoint_path = :path WHERE id = :id AND worker_id = :worker")
                .param("id", runId).param("worker", workerId).param("path", path).update();
    }

    /** Writes (or, after a resume, overwrites) metric values at one step. */
    public void metrics(long runId, long step, java.util.Map<String, Double> values) {
        values.forEach((name, value) -> {
            if (value == null) return;   // NaN and ±Infinity are kept: float8 holds them, the JSON API writes them as strings
            jdbc.sql("""
                            INSERT INTO run_metrics (run_id, step, name, value) VALUES (:run, :step, :name, :value)
                            ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, logged_at = now()""")
                    .param("run", runId).param("step", step).param("name", name).param("value", value).update();
        });
    }

    public void sample(long runId, long step, Long postId, String prompt, String completion, Double reward, Double kl) {
        jdbc.sql("""
                        INSERT INTO run_samples (run_id, step, post_id, prompt, completion, reward, kl)
                        VALUES (:run, :step, :post, :prompt, :completion, :reward, :kl)""")
                .param("run", runId).param("step", step).param("post", postId).param("prompt", prompt)
                .param("completion", completion).param("reward", reward).param("kl", kl).update();
    }

    public Optional<Run> find(long id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(MAPPER).optional();
    }

    public List<Run> recent(int limit) {
        return jdbc.sql(SELECT + " ORDER BY id DESC LIMIT :limit").param("limit", limit).query(MAPPER).list();
    }

    public RunState state(long id) {
        return RunState.valueOf(jdbc.sql("SELECT state FROM runs WHERE id = :id").param("id", id).query(String.class).single());
    }

    public record MetricPoint(String name, long step, double value) {}

    public List<MetricPoint> metricsOf(long runId, long afterStep) {
        return jdbc.sql("SELECT name, step, value FROM run_metrics WHERE run_id = :run AND step > :after ORDER BY step, name")
                .param("run", runId).param("after", afterStep)
                .query((rs, i) -> new MetricPoint(rs.getString(1), rs.getLong(2), rs.getDouble(3))).list();
    }

    public record Sample(long step, String prompt, String completion, Double reward, Double kl) {}

    public List<Sample> samplesOf(long runId, int limit) {
        return jdbc.sql("SELECT step, prompt, completion, reward, kl FROM run_samples WHERE run_id = :run ORDER BY step DESC, id DESC LIMIT :limit")
                .param("run", runId).param("limit", limit)
                .query((rs, i) -> new Sample(rs.getLong(1), rs.getString(2), rs.getString(3),
                        (Double) rs.getObject(4), (Double) rs.getObject(5))).list();
    }

    private static final String SELECT = """
            SELECT id, name, kind, state, config::text AS config, base_model_id, snapshot_id, output_model_id, worker_id,
                   heartbeat_at, lease_expires_at, attempts, max_attempts, error, log, checkpoint_path, created_at,
                   started_at, finished_at, device, step, total_steps, launched_from FROM runs""";

    private static final RowMapper<Run> MAPPER = RunQueue::map;

    /** Records that {@code runId} was launched again with changes from run {@code sourceId}'s page. */
    public void launchedFrom(long runId, long sourceId) {
        jdbc.sql("UPDATE runs SET launched_from = :source WHERE id = :id").param("source", sourceId).param("id", runId).update();
    }

    private static Run map(ResultSet rs, int row) throws SQLException {
        return new Run(rs.getLong("id"), rs.getString("name"), rs.getString("kind"), RunState.valueOf(rs.getString("state")),
                rs.getString("config"), (Long) rs.getObject("base_model_id"), (Long) rs.getObject("snapshot_id"),
                (Long) rs.getObject("output_model_id"), rs.getString("worker_id"), instant(rs, "heartbeat_at"),
                instant(rs, "lease_expires_at"), rs.getInt("attempts"), rs.getInt("max_attempts"), rs.getString("error"),
                rs.getString("log"), rs.getString("checkpoint_path"), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("device"), rs.getInt("step"), (Integer) rs.getObject("total_steps"),
                (Long) rs.getObject("launched_from"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
