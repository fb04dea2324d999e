package dev.rlhf.bench.labeling;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Fills a fresh benchmark database in a few set-based statements: labelers that share one password (hashed
 * once), and one open pairwise batch of {@code comparisons} posts with a reference and a model summary each.
 */
final class BenchmarkSeeder {
    static final String PASSWORD = "bench-password";

    private final JdbcClient jdbc;

    BenchmarkSeeder(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<String> labelers(int count, PasswordEncoder encoder) {
        String hash = encoder.encode(PASSWORD);
        List<String> names = IntStream.rangeClosed(1, count).mapToObj(i -> "bench-labeler-" + i).toList();
        jdbc.sql("""
                        INSERT INTO users (username, password_hash, role, pseudonym)
                        SELECT name, :hash, 'LABELER', 'p-' || name FROM unnest(CAST(:names AS text[])) AS name""")
                .param("hash", hash).param("names", names.toArray(String[]::new)).update();
        return names;
    }

    long batch(int comparisons, int overlapK, boolean tiesAllowed) {
        long batchId = jdbc.sql("""
                        INSERT INTO batches (name, mode, overlap_k, ties_allowed, state, priority)
                        VALUES ('benchmark', 'PAIRWISE', ?, ?, 'OPEN', 100) RETURNING id""")
                .params(overlapK, tiesAllowed).query(Long.class).single();
        jdbc.sql("""
                        INSERT INTO posts (source_id, subreddit, title, body)
                        SELECT 'bench-' || g, 'benchmark', 'Benchmark post ' || g,
                               'I have a question about situation ' || g || '. ' || repeat('Here is one more sentence of context. ', 6)
                        FROM generate_series(1, ?) g""")
                .param(comparisons).update();
        jdbc.sql("""
                        INSERT INTO summaries (post_id, text, policy, is_reference)
                        SELECT p.id, v.prefix || ' summary of situation ' || substr(p.source_id, 7), v.policy, v.reference
                        FROM posts p
                        CROSS JOIN (VALUES ('Reference', 'human-reference', true), ('Model', 'ppo-bench', false))
                             AS v(prefix, policy, reference)
                        WHERE p.source_id LIKE 'bench-%'""").update();
        jdbc.sql("""
                        INSERT INTO comparisons (post_id, batch_id, candidate_count, open_slots)
                        SELECT id, ?, 2, ? FROM posts WHERE source_id LIKE 'bench-%' ORDER BY id""")
                .params(batchId, overlapK).update();
        jdbc.sql("""
                        INSERT INTO comparison_summaries (comparison_id, position, summary_id)
                        SELECT c.id, CASE WHEN s.is_reference THEN 0 ELSE 1 END, s.id
                        FROM comparisons c JOIN summaries s ON s.post_id = c.post_id WHERE c.batch_id = ?""")
                .param(batchId).update();
        jdbc.sql("ANALYZE").update();
        return batchId;
    }
}
