package dev.rlhf.web.active;

import dev.rlhf.web.batch.BatchBuilder;
import dev.rlhf.web.batch.BuiltBatch;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunStopped;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Set;

/**
 * Writes a selected batch in one transaction: the batch with its comparisons (and gold, through {@link BatchBuilder}),
 * the selection, and each chosen comparison's disagreement. Nothing is written when the worker no longer holds the
 * run (cancelled, or its lease lost), or when a chosen pair was labelled or put into another batch while the run
 * scored the pool.
 */
@Service
public record SelectedBatchWriter(JdbcClient jdbc, BatchBuilder builder, CandidatePool pool, TransactionTemplate tx) {
    private record Held(Long createdBy) {
    }

    public BuiltBatch write(Run run, SelectBatchSpec spec, int poolPairs, double poolMean, List<BatchSelection.Scored> chosen) {
        return tx.execute(status -> {
            Long createdBy = jdbc.sql("SELECT created_by FROM runs WHERE id = :id AND worker_id = :worker AND state = 'RUNNING' FOR UPDATE")
                    .param("id", run.id()).param("worker", run.workerId())
                    .query((rs, i) -> new Held((Long) rs.getObject(1))).optional()
                    .orElseThrow(() -> new RunStopped("stopped: the run was cancelled or its lease was lost; no batch written"))
                    .createdBy();
            Set<List<Long>> taken = pool.taken(chosen.stream().map(BatchSelection.Scored::pair).toList());
            if (!taken.isEmpty()) {
                throw new IllegalStateException("posts: " + taken.size() + " chosen pairs (summary ids " + taken
                        + ") were labelled or put into another batch while this run scored the pool; launch it again");
            }
            List<BatchBuilder.Chosen> real = chosen.stream()
                    .map(s -> new BatchBuilder.Chosen(s.pair().postId(), List.of(s.pair().summaryA(), s.pair().summaryB())))
                    .toList();
            BatchBuilder.BuiltChosen built = builder.buildChosen(spec.batchOptions(), real, createdBy);
            long batchId = built.batch().id();
            jdbc.sql("""
                            INSERT INTO batch_selections (batch_id, run_id, method, measure, member_model_ids, pool_pairs, pool_mean_disagreement)
                            VALUES (:batch, :run, :method, :measure, :members, :pool, :mean)""")
                    .param("batch", batchId).param("run", run.id()).param("method", spec.method().name())
                    .param("measure", spec.measure().name()).param("members", spec.members().toArray(Long[]::new))
                    .param("pool", poolPairs).param("mean", poolMean).update();
            for (int i = 0; i < chosen.size(); i++) {
                BatchSelection.Scored s = chosen.get(i);
                Double[] deltas = new Double[s.deltas().length];
                for (int m = 0; m < deltas.length; m++) deltas[m] = s.deltas()[m];
                jdbc.sql("""
                                INSERT INTO comparison_disagreements (comparison_id, batch_id, rank, disagreement, mean_delta,
                                       std_delta, mean_probability, std_probability, member_deltas)
                                VALUES (:comparison, :batch, :rank, :value, :meanDelta, :stdDelta, :meanP, :stdP, :deltas)""")
                        .param("comparison", built.comparisonIds().get(i)).param("batch", batchId).param("rank", i + 1)
                        .param("value", s.value()).param("meanDelta", s.disagreement().meanDelta())
                        .param("stdDelta", s.disagreement().stdDelta()).param("meanP", s.disagreement().meanProbability())
                        .param("stdP", s.disagreement().stdProbability()).param("deltas", deltas).update();
            }
            return built.batch();
        });
    }
}
