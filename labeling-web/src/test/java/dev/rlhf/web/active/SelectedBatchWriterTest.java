package dev.rlhf.web.active;

import dev.rlhf.web.api.ApiProblem;
import dev.rlhf.web.batch.BatchBuilder;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchSpec;
import dev.rlhf.web.batch.ComparisonStore;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunQueue;
import dev.rlhf.web.runs.RunStopped;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The selected batch is written whole or not at all: a run no longer held, a pair taken meanwhile, a name taken. */
@PlatformTest
class SelectedBatchWriterTest {
    @Autowired
    SelectedBatchWriter writer;
    @Autowired
    RunQueue queue;
    @Autowired
    ComparisonStore store;
    @Autowired
    BatchBuilder builder;
    @Autowired
    JdbcClient jdbc;

    String tag;
    long runId;
    List<BatchSelection.Scored> chosen;

    @BeforeEach
    void aRunningSelectionAndTwoScoredPairs() {
        tag = "writer" + System.nanoTime();
        // held by worker w-test (inserted RUNNING, so no worker claims it)
        runId = jdbc.sql("""
                        INSERT INTO runs (name, kind, state, worker_id, lease_expires_at, attempts)
                        VALUES (?, 'SELECT_BATCH', 'RUNNING', 'w-test', now() + interval '10 minutes', 1) RETURNING id""")
                .param(tag).query(Long.class).single();
        long post = store.addPost(tag + "-post", "test", "t", "body");
        long a = store.addSummary(post, "a", tag, false, null), b = store.addSummary(post, "b", tag, false, null),
                c = store.addSummary(post, "c", tag, false, null);
        List<CandidatePair> pairs = List.of(new CandidatePair(post, tag + "-post", "prompt", a, "a", tag, b, "b", tag),
                new CandidatePair(post, tag + "-post", "prompt", a, "a", tag, c, "c", tag));
        chosen = BatchSelection.score(pairs, new double[][] {{1, -1}, {0.5, 0}}, DisagreementMeasure.STD_PROBABILITY);
    }

    @AfterEach
    void finish() {
        jdbc.sql("UPDATE runs SET state = 'CANCELLED', lease_expires_at = NULL WHERE id = ?").param(runId).update();
    }

    SelectBatchSpec spec(String batchName) {
        return new SelectBatchSpec(batchName, List.of(1L, 2L), List.of(tag + "-post"), List.of(tag), 2,
                SelectionMethod.DISAGREEMENT, DisagreementMeasure.STD_PROBABILITY, 0, 1, false, BigDecimal.ZERO, 0);
    }

    long batchesNamed(String name) {
        return jdbc.sql("SELECT count(*) FROM batches WHERE name = ?").param(name).query(Long.class).single();
    }

    long selectionsOfRun() {
        return jdbc.sql("SELECT count(*) FROM batch_selections WHERE run_id = ?").param(runId).query(Long.class).single();
    }

    @Test
    void aRunTheWorkerNoLongerHoldsWritesNothing() {
        Run other = withWorker(queue.find(runId).orElseThrow(), "w-other");
        assertThatThrownBy(() -> writer.write(other, spec(tag + "-b"), 2, 0.1, chosen)).isInstanceOf(RunStopped.class);
        jdbc.sql("UPDATE runs SET state = 'CANCELLED' WHERE id = ?").param(runId).update();
        assertThatThrownBy(() -> writer.write(queue.find(runId).orElseThrow(), spec(tag + "-b"), 2, 0.1, chosen))
                .isInstanceOf(RunStopped.class);
        assertThat(batchesNamed(tag + "-b")).isZero();
        assertThat(selectionsOfRun()).isZero();
    }

    @Test
    void aPairTakenWhileTheRunScoredItWritesNothing() {
        builder.buildChosen(new BatchSpec(tag + "-meanwhile", BatchMode.PAIRWISE, 1, false, BigDecimal.ZERO, 0, null, null),
                List.of(new BatchBuilder.Chosen(chosen.get(1).pair().postId(),
                        List.of(chosen.get(1).pair().summaryB(), chosen.get(1).pair().summaryA()))), null);
        assertThatThrownBy(() -> writer.write(queue.find(runId).orElseThrow(), spec(tag + "-b"), 2, 0.1, chosen))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("posts: 1 chosen pairs");
        assertThat(batchesNamed(tag + "-b")).isZero();
        assertThat(selectionsOfRun()).isZero();
    }

    @Test
    void aBatchNameTakenMeanwhileWritesNothingAndAHeldRunWritesEverything() {
        builder.buildChosen(new BatchSpec(tag + "-b", BatchMode.PAIRWISE, 1, false, BigDecimal.ZERO, 0, null, null),
                List.of(new BatchBuilder.Chosen(chosen.get(0).pair().postId(), List.of(chosen.get(0).pair().summaryA(),
                        store.addSummary(chosen.get(0).pair().postId(), "d", tag + "-other", false, null)))), null);
        long comparisons = jdbc.sql("SELECT count(*) FROM comparison_disagreements").query(Long.class).single();
        assertThatThrownBy(() -> writer.write(queue.find(runId).orElseThrow(), spec(tag + "-b"), 2, 0.1, chosen))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("exists");
        assertThat(batchesNamed(tag + "-b")).isEqualTo(1);
        assertThat(selectionsOfRun()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM comparison_disagreements").query(Long.class).single()).isEqualTo(comparisons);

        var built = writer.write(queue.find(runId).orElseThrow(), spec(tag + "-c"), 2, 0.1, chosen);
        assertThat(built.comparisons()).isEqualTo(2);
        assertThat(selectionsOfRun()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT rank FROM comparison_disagreements WHERE batch_id = ? ORDER BY rank").param(built.id())
                .query(Integer.class).list()).containsExactly(1, 2);
    }

    @Test
    void aFailureAfterTheBatchWasBuiltRollsEverythingBack() {
        // the batch and its comparisons are written first; the selection row then breaks a check (one member)
        SelectBatchSpec oneMember = new SelectBatchSpec(tag + "-one", List.of(1L), List.of(tag + "-post"), List.of(tag), 2,
                SelectionMethod.DISAGREEMENT, DisagreementMeasure.STD_PROBABILITY, 0, 1, false, BigDecimal.ZERO, 0);
        long comparisonsBefore = jdbc.sql("SELECT count(*) FROM comparisons").query(Long.class).single();
        assertThatThrownBy(() -> writer.write(queue.find(runId).orElseThrow(), oneMember, 2, 0.1, chosen))
                .hasMessageContaining("batch_selections_members_ck");
        assertThat(batchesNamed(tag + "-one")).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM comparisons").query(Long.class).single()).isEqualTo(comparisonsBefore);
        assertThat(selectionsOfRun()).isZero();
    }

    static Run withWorker(Run r, String worker) {
        return new Run(r.id(), r.name(), r.kind(), r.state(), r.config(), r.baseModelId(), r.snapshotId(), r.outputModelId(),
                worker, r.heartbeatAt(), r.leaseExpiresAt(), r.attempts(), r.maxAttempts(), r.error(), r.log(),
                r.checkpointPath(), r.createdAt(), r.startedAt(), r.finishedAt(), r.device(), r.step(), r.totalSteps(),
                r.launchedFrom());
    }
}
