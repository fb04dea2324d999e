package dev.rlhf.web.evaluation;

import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchRepository;
import dev.rlhf.web.batch.BatchState;
import dev.rlhf.web.batch.ComparisonStore;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunStopped;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The tables {@code evaluations} and {@code evaluation_comparisons}: writes an evaluation (its summaries, its OPEN
 * batch, its comparisons and the reward model's scores) in one transaction, and reads evaluations back with the
 * labels their batches got.
 */
@Component
public record EvaluationStore(JdbcClient jdbc, TransactionTemplate tx, BatchRepository batches,
                              ComparisonStore comparisons) {
    /** The opponent's name when it is the posts' reference summaries. */
    public static final String REFERENCE = "reference summaries";

    /** What an evaluation run sampled and scored, one entry per post, ready to be written. */
    public record Sampled(List<HeldOutPosts.Post> posts, String policyName, List<String> policyTexts,
                          String opponentName, List<String> opponentTexts, double[] policyRewards,
                          double[] opponentRewards) {
        boolean againstReference() {
            return opponentTexts == null;
        }
    }

    public record Written(long evaluationId, long batchId, int comparisons) {}

    /**
     * Writes everything in one transaction, only while {@code run} is still RUNNING on the worker that claimed it (a
     * cancelled run writes nothing): the policy's (and an opponent policy's) summaries, an OPEN pairwise batch with
     * one comparison per post whose canonical positions are drawn at random (seeded by the run's seed), the
     * evaluation, and per comparison the policy's position and the two rewards.
     */
    public Written write(Run run, EvaluationSpec spec, Sampled s, String settingsJson) {
        return tx.execute(status -> {
            List<Object[]> holder = jdbc.sql("SELECT state, worker_id, created_by FROM runs WHERE id = :id FOR UPDATE")
                    .param("id", run.id()).query((rs, i) -> new Object[]{rs.getString(1), rs.getString(2), rs.getObject(3)})
                    .list();
            if (holder.isEmpty() || !"RUNNING".equals(holder.get(0)[0]) || !java.util.Objects.equals(holder.get(0)[1], run.workerId())) {
                throw new RunStopped("stopped: the run was cancelled or its lease was lost; nothing written");
            }
            String name = "evaluation #" + run.id() + ": " + s.policyName() + " vs " + s.opponentName();
            Batch batch = new Batch(name.length() > 128 ? name.substring(0, 128) : name, BatchMode.PAIRWISE,
                    spec.overlapK(), spec.tiesAllowed(), 0);
            batch.setState(BatchState.OPEN);
            batch.setCreatedBy(holder.get(0)[2] == null ? null : ((Number) holder.get(0)[2]).longValue());
            batches.saveAndFlush(batch);
            long evaluationId = jdbc.sql("""
                            INSERT INTO evaluations (run_id, batch_id, policy_model_id, policy_name, opponent_model_id,
                                                     opponent_name, reward_model_id, post_count, settings)
                            VALUES (:run, :batch, :policy, :policyName, :opponent, :opponentName, :rm, :posts,
                                    CAST(:settings AS jsonb)) RETURNING id""")
                    .param("run", run.id()).param("batch", batch.getId()).param("policy", spec.policyModelId())
                    .param("policyName", s.policyName()).param("opponent", spec.opponentModelId())
                    .param("opponentName", s.opponentName()).param("rm", spec.rewardModelId())
                    .param("posts", s.posts().size()).param("settings", settingsJson).query(Long.class).single();
            Random positions = new Random(spec.seed());
            for (int i = 0; i < s.posts().size(); i++) {
                HeldOutPosts.Post post = s.posts().get(i);
                long policySummary = comparisons.addSummary(post.id(), s.policyTexts().get(i), s.policyName(), false, null);
                long opponentSummary = s.againstReference() ? post.referenceId()
                        : comparisons.addSummary(post.id(), s.opponentTexts().get(i), s.opponentName(), false, null);
                int policyPosition = positions.nextBoolean() ? 0 : 1;
                List<Long> canonical = policyPosition == 0 ? List.of(policySummary, opponentSummary)
                        : List.of(opponentSummary, policySummary);
                long comparisonId = comparisons.addComparison(batch, post.id(), canonical, "test", false);
                jdbc.sql("""
                                INSERT INTO evaluation_comparisons (evaluation_id, comparison_id, policy_position,
                                                                    policy_reward, opponent_reward)
                                VALUES (:evaluation, :comparison, :position, :policyReward, :opponentReward)""")
                        .param("evaluation", evaluationId).param("comparison", comparisonId).param("position", policyPosition)
                        .param("policyReward", s.policyRewards() == null ? null : s.policyRewards()[i])
                        .param("opponentReward", s.opponentRewards() == null ? null : s.opponentRewards()[i])
                        .update();
            }
            return new Written(evaluationId, batch.getId(), s.posts().size());
        });
    }

    /** One evaluation as the pages list it. */
    public record Evaluation(long id, long runId, String runState, long batchId, String batchName, String batchState,
                             int overlapK, long policyModelId, String policyName, Long opponentModelId,
                             String opponentName, Long rewardModelId, String rewardModelName, int postCount,
                             String settings, Instant createdAt) {
        public boolean againstReference() {
            return opponentModelId == null;
        }
    }

    /**
     * One comparison of an evaluation from the policy's side: where its summary sits, the rewards (null without a
     * reward model), and its labels: won (the labeler chose the policy's summary), tied, lost.
     */
    public record Pair(long comparisonId, int policyPosition, Double policyReward, Double opponentReward, long wins,
                       long ties, long losses) {}

    public Optional<Evaluation> find(long id) {
        return jdbc.sql(SELECT + " WHERE e.id = :id").param("id", id).query(EvaluationStore::evaluation).optional();
    }

    public Optional<Evaluation> byRun(long runId) {
        return jdbc.sql(SELECT + " WHERE e.run_id = :run").param("run", runId).query(EvaluationStore::evaluation).optional();
    }

    public List<Evaluation> all() {
        return jdbc.sql(SELECT + " ORDER BY e.id DESC").query(EvaluationStore::evaluation).list();
    }

    /** Evaluations in which {@code modelId} is the policy or the opponent policy. */
    public List<Evaluation> ofModel(long modelId) {
        return jdbc.sql(SELECT + " WHERE e.policy_model_id = :m OR e.opponent_model_id = :m ORDER BY e.id DESC")
                .param("m", modelId).query(EvaluationStore::evaluation).list();
    }

    public List<Pair> pairs(long evaluationId) {
        return jdbc.sql("""
                        SELECT ec.comparison_id, ec.policy_position, ec.policy_reward, ec.opponent_reward,
                               count(l.id) FILTER (WHERE l.choice = ec.policy_position) AS wins,
                               count(l.id) FILTER (WHERE l.choice IS NULL) AS ties,
                               count(l.id) FILTER (WHERE l.choice = 1 - ec.policy_position) AS losses
                        FROM evaluation_comparisons ec
                        LEFT JOIN labels l ON l.comparison_id = ec.comparison_id
                        WHERE ec.evaluation_id = :id
                        GROUP BY ec.comparison_id, ec.policy_position, ec.policy_reward, ec.opponent_reward
                        ORDER BY ec.comparison_id""")
                .param("id", evaluationId)
                .query((rs, i) -> new Pair(rs.getLong(1), rs.getInt(2), (Double) rs.getObject(3), (Double) rs.getObject(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7)))
                .list();
    }

    private static final String SELECT = """
            SELECT e.id, e.run_id, r.state AS run_state, e.batch_id, b.name AS batch_name, b.state AS batch_state,
                   b.overlap_k, e.policy_model_id, e.policy_name, e.opponent_model_id, e.opponent_name,
                   e.reward_model_id, rm.name AS reward_model_name, e.post_count, e.settings::text AS settings, e.created_at
            FROM evaluations e
            JOIN runs r ON r.id = e.run_id
            JOIN batches b ON b.id = e.batch_id
            LEFT JOIN models rm ON rm.id = e.reward_model_id""";

    private static Evaluation evaluation(ResultSet rs, int row) throws SQLException {
        return new Evaluation(rs.getLong("id"), rs.getLong("run_id"), rs.getString("run_state"), rs.getLong("batch_id"),
                rs.getString("batch_name"), rs.getString("batch_state"), rs.getInt("overlap_k"),
                rs.getLong("policy_model_id"), rs.getString("policy_name"), (Long) rs.getObject("opponent_model_id"),
                rs.getString("opponent_name"), (Long) rs.getObject("reward_model_id"), rs.getString("reward_model_name"),
                rs.getInt("post_count"), rs.getString("settings"), rs.getTimestamp("created_at").toInstant());
    }
}
