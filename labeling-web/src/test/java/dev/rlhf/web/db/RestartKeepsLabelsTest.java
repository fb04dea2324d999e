package dev.rlhf.web.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded server keeps its data directory: what was stored before a restart is there after it. */
class RestartKeepsLabelsTest {
    @TempDir
    Path dataDir;

    @Test
    void labelsSurviveAStopAndStart() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedDatabase.start(dataDir)) {
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
            JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
            long user = jdbc.sql("INSERT INTO users (username, password_hash, role, pseudonym) VALUES ('l', 'x', 'LABELER', 'p') RETURNING id")
                    .query(Long.class).single();
            long post = jdbc.sql("INSERT INTO posts (source_id, subreddit, title, body) VALUES ('p1', 'r', 't', 'b') RETURNING id")
                    .query(Long.class).single();
            long s0 = jdbc.sql("INSERT INTO summaries (post_id, text, policy) VALUES (?, 'a', 'ref') RETURNING id").param(post).query(Long.class).single();
            long s1 = jdbc.sql("INSERT INTO summaries (post_id, text, policy) VALUES (?, 'b', 'ppo') RETURNING id").param(post).query(Long.class).single();
            long batch = jdbc.sql("INSERT INTO batches (name, mode, overlap_k, state) VALUES ('b', 'PAIRWISE', 1, 'OPEN') RETURNING id")
                    .query(Long.class).single();
            long comparison = jdbc.sql("INSERT INTO comparisons (post_id, batch_id, candidate_count, open_slots) VALUES (?, ?, 2, 0) RETURNING id")
                    .params(post, batch).query(Long.class).single();
            jdbc.sql("INSERT INTO comparison_summaries VALUES (?, 0, ?), (?, 1, ?)").params(comparison, s0, comparison, s1).update();
            long assignment = jdbc.sql("""
                            INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at, completed_at)
                            VALUES (?, ?, '{1,0}', 'DONE', now(), now()) RETURNING id""")
                    .params(comparison, user).query(Long.class).single();
            jdbc.sql("""
                            INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, idempotency_key)
                            VALUES (?, ?, ?, 1, 7, 12, 'restart-key-1')""")
                    .params(assignment, comparison, user).update();
        }
        try (EmbeddedPostgres postgres = EmbeddedDatabase.start(dataDir)) {
            JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
            assertThat(jdbc.sql("SELECT confidence FROM labels WHERE idempotency_key = 'restart-key-1'").query(Integer.class).single())
                    .isEqualTo(7);
            assertThat(Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load()
                    .info().pending()).isEmpty();
        }
    }
}
