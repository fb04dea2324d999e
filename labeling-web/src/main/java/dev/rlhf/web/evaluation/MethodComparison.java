package dev.rlhf.web.evaluation;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every policy trained on one label snapshot, side by side: the POLICY models whose snapshot it is (PPO and RLOO
 * through their reward model, DPO directly) and the SFT models they started from; for each, its newest human
 * evaluation against the reference summaries: the win rate with its 95% interval ({@link WinRate}), its KL to the SFT
 * model on the evaluation's held-out samples (the evaluation run measures it), and the reward model's mean score of
 * those samples. Win rate against KL is the over-optimisation view of Gao et al. (2022).
 */
@Component
public record MethodComparison(JdbcClient jdbc, EvaluationStore store) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One policy: how it was made, and its newest evaluation against the reference (null fields without one). */
    public record Row(long modelId, String name, String method, Long evaluationId, long labels, double winRate,
                      WinRate.Interval interval, Double kl, Double rewardScore) {
        public boolean evaluated() {
            return evaluationId != null;
        }

        public String rate() {
            return EvaluationReport.format(winRate);
        }

        public String intervalShown() {
            return interval != null && interval.exists()
                    ? "[" + EvaluationReport.format(interval.low()) + ", " + EvaluationReport.format(interval.high()) + "]" : "–";
        }

        public String klShown() {
            return kl == null ? "–" : EvaluationReport.format(kl);
        }

        public String rewardShown() {
            return rewardScore == null ? "–" : EvaluationReport.format(rewardScore);
        }
    }

    public List<Row> rows(long snapshotId) {
        record Policy(long id, String name, String method) {}
        List<Policy> policies = jdbc.sql("""
                        WITH trained AS (
                            SELECT m.id, m.name, coalesce(r.kind, 'POLICY') AS method, m.parent_model_id
                            FROM models m LEFT JOIN runs r ON r.id = m.run_id
                            WHERE m.kind = 'POLICY' AND m.snapshot_id = :snapshot)
                        SELECT id, name, method FROM trained
                        UNION
                        SELECT p.id, p.name, 'SFT' FROM models p
                        WHERE p.kind = 'SFT' AND p.id IN (SELECT parent_model_id FROM trained)
                        ORDER BY 1""")
                .param("snapshot", snapshotId)
                .query((rs, i) -> new Policy(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
        List<Row> rows = new ArrayList<>();
        for (Policy p : policies) {
            Optional<EvaluationStore.Evaluation> e = store.ofModel(p.id()).stream()
                    .filter(x -> x.policyModelId() == p.id() && x.againstReference()).findFirst();   // newest first
            if (e.isEmpty()) {
                rows.add(new Row(p.id(), p.name(), p.method(), null, 0, Double.NaN, null, null, null));
                continue;
            }
            List<EvaluationStore.Pair> pairs = store.pairs(e.get().id());
            EvaluationReport report = EvaluationReport.of(e.get(), pairs);
            WinRate human = report.policy().human();
            double[] rewards = pairs.stream().filter(x -> x.policyReward() != null).mapToDouble(EvaluationStore.Pair::policyReward).toArray();
            JsonNode settings = JSON.readTree(e.get().settings());
            Double kl = settings.has("policyKl") ? settings.get("policyKl").asDouble() : null;
            rows.add(new Row(p.id(), p.name(), p.method(), e.get().id(), human.labels(), human.rate(), human.byComparison(),
                    kl, rewards.length == 0 ? null : java.util.Arrays.stream(rewards).average().orElseThrow()));
        }
        return rows;
    }

    /** The newest reward model trained on the snapshot (it scores the evaluations launched from the page), if any. */
    public Optional<Long> rewardModel(long snapshotId) {
        return jdbc.sql("SELECT id FROM models WHERE kind = 'REWARD_MODEL' AND snapshot_id = :s ORDER BY id DESC LIMIT 1")
                .param("s", snapshotId).query(Long.class).optional();
    }

    /** A point of the chart, in pixels of a {@link #WIDTH} × {@link #HEIGHT} plot. */
    public record Point(String label, String method, double x, double y, double yLow, double yHigh) {}

    public static final int WIDTH = 560, HEIGHT = 320, MARGIN = 48;

    /** Win rate (0..1, y) against KL (0..max, x) of the evaluated rows that have both. */
    public static List<Point> chart(List<Row> rows) {
        List<Row> shown = rows.stream().filter(r -> r.evaluated() && r.kl() != null && Double.isFinite(r.winRate())).toList();
        double maxKl = Math.max(1e-9, shown.stream().mapToDouble(Row::kl).max().orElse(1)) * 1.1;
        List<Point> points = new ArrayList<>();
        for (Row r : shown) {
            double x = MARGIN + (WIDTH - 2 * MARGIN) * Math.max(0, r.kl()) / maxKl;
            WinRate.Interval i = r.interval();
            double low = i != null && i.exists() ? i.low() : r.winRate(), high = i != null && i.exists() ? i.high() : r.winRate();
            points.add(new Point(r.name(), r.method(), x, y(r.winRate()), y(low), y(high)));
        }
        return points;
    }

    /** The largest KL on the x axis (the chart's right edge), for its label. */
    public static double maxKl(List<Row> rows) {
        return rows.stream().filter(r -> r.evaluated() && r.kl() != null).mapToDouble(Row::kl).max().orElse(1) * 1.1;
    }

    private static double y(double rate) {
        return HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * rate;
    }
}
