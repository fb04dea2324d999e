package dev.rlhf.web.evaluation;

import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunKind;
import dev.rlhf.web.runs.RunQueue;
import dev.rlhf.web.runs.RunStopped;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writing an evaluation is all or nothing: a cancelled run writes nothing, a failure half-way leaves nothing behind. */
@PlatformTest
class EvaluationStoreTest {
    @Autowired
    EvaluationStore store;
    @Autowired
    RunQueue queue;
    @Autowired
    ModelRegistry registry;
    @Autowired
    JdbcClient jdbc;

    long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    @Test
    void nothingIsHalfWritten() {
        String tag = "store" + System.nanoTime();
        long policy = registry.register(tag + "-policy", "POLICY", "/nowhere", null, null, null, null);
        EvaluationSpec spec = new EvaluationSpec(policy, null, null, 3, 2, true, 0.7, 1.0, 0, 16, 0);
        List<HeldOutPosts.Post> posts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long post = EvaluationFixture.postWithComparison(jdbc, tag, i, "test");
            long reference = jdbc.sql("SELECT id FROM summaries WHERE post_id = ? AND is_reference").param(post).query(Long.class).single();
            posts.add(new HeldOutPosts.Post(post, new TldrPost(tag, "r", "t", "b", "ref"), reference));
        }
        // the third text holds a NUL, which PostgreSQL refuses: the write fails on the third post
        EvaluationStore.Sampled sampled = new EvaluationStore.Sampled(posts, tag + "-policy",
                List.of("one " + tag, "two " + tag, "three\u0000" + tag), EvaluationStore.REFERENCE, null, null, null);

        long runId = queue.enqueue(tag, RunKind.EVALUATION, spec.toJson().toString(), policy, null, null);
        jdbc.sql("UPDATE runs SET state = 'RUNNING', worker_id = 'w', lease_expires_at = now() + interval '1 hour' WHERE id = ?")
                .param(runId).update();
        Run run = queue.find(runId).orElseThrow();
        assertThatThrownBy(() -> store.write(run, spec, sampled, "{}")).isInstanceOf(DataAccessException.class);
        assertNothingWritten(tag, runId);

        queue.cancel(runId);
        assertThatThrownBy(() -> store.write(run, spec, sampled, "{}")).isInstanceOf(RunStopped.class)
                .hasMessageContaining("nothing written");
        assertNothingWritten(tag, runId);
    }

    void assertNothingWritten(String tag, long runId) {
        assertThat(count("SELECT count(*) FROM summaries WHERE policy = ?", tag + "-policy")).isZero();
        assertThat(count("SELECT count(*) FROM batches WHERE name LIKE ?", "evaluation #" + runId + ":%")).isZero();
        assertThat(count("SELECT count(*) FROM evaluations WHERE run_id = ?", runId)).isZero();
    }
}
