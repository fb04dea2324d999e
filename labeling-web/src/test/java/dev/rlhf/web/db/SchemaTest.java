package dev.rlhf.web.db;

import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The context started, so Flyway migrated an empty database and Hibernate validated every entity against it. */
@PlatformTest
class SchemaTest {
    @Autowired
    JdbcClient jdbc;

    @Test
    void migrationsAppliedToTheFreshDatabase() {
        List<String> versions = jdbc.sql("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")
                .query(String.class).list();
        assertThat(versions).contains("1");
        // the labeling functions come from the repeatable migration, applied after the versioned ones
        assertThat(jdbc.sql("""
                        SELECT description FROM flyway_schema_history WHERE success AND version IS NULL
                        AND installed_rank > (SELECT max(installed_rank) FROM flyway_schema_history WHERE version IS NOT NULL)""")
                .query(String.class).list()).containsExactly("labeling functions");
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM pg_proc WHERE proname IN ('claim_assignment', 'store_label_and_claim')
                        AND 'instructions' = ANY (proargnames)""").query(Long.class).single()).isEqualTo(1L);
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .query(String.class).list();
        assertThat(tables).contains("users", "posts", "summaries", "comparisons", "comparison_summaries", "batches",
                "assignments", "labels", "gold_answers", "qualification_results", "label_snapshots",
                "label_snapshot_labels", "models", "runs", "run_metrics", "run_samples", "import_jobs");
    }

    @Test
    void constraintsRejectWhatTheApplicationMustNeverStore() {
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO batches (name, mode, overlap_k) VALUES ('k0', 'PAIRWISE', 0)").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("batches_overlap_k_ck");
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO batches (name, mode, overlap_k, state) VALUES ('s', 'PAIRWISE', 1, 'LIVE')").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("batches_state_ck");
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO runs (name, kind, state) VALUES ('r', 'PPO', 'DONE')").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("runs_state_ck");
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO gold_answers (comparison_id, choice, confidence) VALUES (1, 1, 2)").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("gold_answers_choice_confidence_ck");
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO gold_answers (comparison_id, choice, confidence) VALUES (1, 0, 0)").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("gold_answers_confidence_ck");
        String label = "INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, idempotency_key) "
                + "VALUES (1, 1, 1, ?, ?, 3, 'abcdefgh-1')";
        assertThatThrownBy(() -> jdbc.sql(label).params(0, 0).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("labels_confidence_ck");
        assertThatThrownBy(() -> jdbc.sql(label).params(1, 10).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("labels_confidence_ck");
        assertThatThrownBy(() -> jdbc.sql(label).params(4, null).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("labels_choice_ck");
        assertThatThrownBy(() -> jdbc.sql(label).params(1, 3).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("labels_choice_confidence_ck");
        // the hot tables' lists (rewritten as constant arrays in V9) still refuse what is not on them
        assertThatThrownBy(() -> jdbc.sql("""
                        INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, seconds_spent, idempotency_key, flags)
                        VALUES (1, 1, 1, 0, 3, 'abcdefgh-2', '{offensive,spam}')""").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("labels_flags_ck");
        assertThatThrownBy(() -> jdbc.sql("""
                        INSERT INTO comparisons (post_id, candidate_count, split) SELECT id, 2, 'validation' FROM posts LIMIT 1""").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("comparisons_split_ck");
        assertThatThrownBy(() -> jdbc.sql("""
                        INSERT INTO comparisons (post_id, candidate_count) SELECT id, 3 FROM posts LIMIT 1""").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("comparisons_candidate_count_ck");
        assertThatThrownBy(() -> jdbc.sql("""
                        INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at)
                        SELECT c.id, u.id, '{1,0}', 'PAUSED', now() FROM comparisons c, users u LIMIT 1""").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("assignments_state_ck");
        assertThatThrownBy(() -> jdbc.sql("""
                        INSERT INTO assignments (comparison_id, labeler_id, display_order, lease_expires_at)
                        SELECT c.id, u.id, '{2,1,0}', now() FROM comparisons c, users u LIMIT 1""").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("assignments_display_order_ck");
    }
}
