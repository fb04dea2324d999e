package dev.rlhf.web.ops;

import dev.rlhf.web.runs.RunState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform's gauges for {@code /actuator/prometheus}: open assignments, runs by state, the queue's depth, the age
 * of the oldest heartbeat among running runs and import jobs by state. All come from one snapshot of a few indexed
 * counting queries, taken at most every {@link #MAX_AGE_MILLIS} ms, so a scrape (or many) cannot load the database.
 */
@Component
class PlatformGauges {
    static final long MAX_AGE_MILLIS = 5_000;
    static final List<String> IMPORT_STATES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED");

    private record Snapshot(long takenAt, long openAssignments, Map<String, Long> runs, double heartbeatAge,
                            Map<String, Long> imports) {
    }

    private final JdbcClient jdbc;
    private final Clock clock = Clock.systemUTC();
    private volatile Snapshot snapshot;

    PlatformGauges(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        Gauge.builder("rlhf.open.assignments", this, g -> g.current().openAssignments)
                .description("Assignments handed out and not yet answered or expired (state ACTIVE)").register(registry);
        for (RunState state : RunState.values()) {
            Gauge.builder("rlhf.runs", this, g -> g.current().runs.getOrDefault(state.name(), 0L))
                    .tag("state", state.name()).description("Runs by state").register(registry);
        }
        Gauge.builder("rlhf.queue.depth", this, g -> g.current().runs.getOrDefault(RunState.QUEUED.name(), 0L))
                .description("Runs waiting for a worker (state QUEUED)").register(registry);
        Gauge.builder("rlhf.worker.heartbeat.age", this, g -> g.current().heartbeatAge).baseUnit("seconds")
                .description("Age of the oldest heartbeat among RUNNING runs; 0 when none runs").register(registry);
        for (String state : IMPORT_STATES) {
            Gauge.builder("rlhf.import.jobs", this, g -> g.current().imports.getOrDefault(state, 0L))
                    .tag("state", state).description("Import jobs by state").register(registry);
        }
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (s == null || now - s.takenAt > MAX_AGE_MILLIS) {
            synchronized (this) {
                s = snapshot;
                if (s == null || now - s.takenAt > MAX_AGE_MILLIS) {
                    s = take(now);
                    snapshot = s;
                }
            }
        }
        return s;
    }

    private Snapshot take(long now) {
        long open = jdbc.sql("SELECT count(*) FROM assignments WHERE state = 'ACTIVE'").query(Long.class).single();
        Map<String, Long> runs = byState("SELECT state, count(*) FROM runs GROUP BY state");
        Double age = jdbc.sql("""
                SELECT coalesce(extract(epoch FROM now() - min(heartbeat_at)), 0)::float8
                FROM runs WHERE state = 'RUNNING'""").query(Double.class).single();
        Map<String, Long> imports = byState("SELECT state, count(*) FROM import_jobs GROUP BY state");
        return new Snapshot(now, open, runs, age == null ? 0 : Math.max(0, age), imports);
    }

    private Map<String, Long> byState(String sql) {
        Map<String, Long> counts = new HashMap<>();
        jdbc.sql(sql).query(rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
        });
        return counts;
    }
}
