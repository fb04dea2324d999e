package dev.rlhf.web.models;

import dev.rlhf.web.snapshots.DataCards;
import dev.rlhf.web.snapshots.LabelSnapshots;

import dev.rlhf.reward.eval.Accuracy;
import dev.rlhf.reward.eval.CalibrationBin;
import dev.rlhf.reward.eval.Evaluation;
import dev.rlhf.reward.eval.LearningCurvePoint;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the reward-model dashboard shows: the stored {@link Evaluation} (from {@code models.metrics.evaluation}) as
 * table rows, and the calibration plot and learning curve as SVG coordinates computed here, so the page draws its
 * charts without any script.
 */
public record RewardModelDashboard(ModelRegistry.Model model, LabelSnapshots.Snapshot snapshot, Evaluation evaluation,
                                   List<Row> byConfidence, List<Row> byPolicyPair, List<Row> byLabeler,
                                   List<Row> labelerAgreement, List<Point> calibration, List<Point> learningCurve,
                                   String learningCurveLine, List<Tick> learningCurveTicks) {

    /** A table row: group, pairs, correct pairs, accuracy (raw, and formatted to three decimals). */
    public record Row(String key, long total, long correct, double accuracy, String shown) {}

    /** A plotted point: the value(s) it stands for and its position in the 300 × 300 plot area. */
    public record Point(double x, double y, long count, String label, double cx, double cy) {}

    public record Tick(String label, double x) {}

    public static final double SIZE = 300, PAD = 40;
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** A non-finite number as Gson writes it (a bare token where a value goes); jsonb has no such numbers. */
    private static final Pattern NON_FINITE = Pattern.compile("(?<=[:\\[,]\\s{0,40})-?(?:NaN|Infinity)(?=\\s*[,}\\]])");

    /** {@code json} with every non-finite number replaced by {@code null}, as PostgreSQL's jsonb requires. */
    public static String jsonbSafe(String json) {
        return NON_FINITE.matcher(json).replaceAll("null");
    }

    public static String format(double v) {
        return DataCards.fixed(v);
    }

    /** The dashboard of {@code model}, or one without an evaluation when its metrics hold none. */
    public static RewardModelDashboard of(ModelRegistry.Model model, LabelSnapshots.Snapshot snapshot) {
        Evaluation e = null;
        if (model.metrics() != null) {
            JsonNode node = JSON.readTree(model.metrics()).path("evaluation");
            if (node.isObject()) e = Evaluation.fromJson(withNaNs((tools.jackson.databind.node.ObjectNode) node).toString());
        }
        if (e == null) return new RewardModelDashboard(model, snapshot, null, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), "", List.of());
        List<Point> calibration = new ArrayList<>();
        for (CalibrationBin b : nonNull(e.calibration())) {
            if (b.count() == 0 || b.meanPredicted() == null || b.observed() == null) continue;
            calibration.add(new Point(b.meanPredicted(), b.observed(), b.count(),
                    String.format(Locale.ROOT, "[%.1f, %.1f): %d pairs, predicted %.3f, observed %.3f", b.lower(), b.upper(),
                            b.count(), b.meanPredicted(), b.observed()),
                    px(b.meanPredicted()), py(b.observed())));
        }
        List<Point> curve = new ArrayList<>();
        List<Tick> ticks = new ArrayList<>();
        List<LearningCurvePoint> lc = nonNull(e.learningCurve());
        int max = lc.stream().mapToInt(LearningCurvePoint::trainingExamples).max().orElse(1);
        StringBuilder line = new StringBuilder();
        for (LearningCurvePoint p : lc) {
            double cx = px((double) p.trainingExamples() / Math.max(1, max)), cy = py(Double.isFinite(p.accuracy()) ? p.accuracy() : 0);
            curve.add(new Point(p.trainingExamples(), p.accuracy(), p.trainingExamples(),
                    p.trainingExamples() + " examples: accuracy " + format(p.accuracy()), cx, cy));
            if (!line.isEmpty()) line.append(' ');
            line.append(String.format(Locale.ROOT, "%.1f,%.1f", cx, cy));
        }
        if (!lc.isEmpty()) {
            ticks.add(new Tick("0", px(0)));
            ticks.add(new Tick(Integer.toString(max), px(1)));
        }
        return new RewardModelDashboard(model, snapshot, e, rows(e.byConfidence()), rows(e.byPolicyPair()),
                rows(e.byLabeler()), rows(e.labelerAgreement()), calibration, curve, line.toString(), ticks);
    }

    /** Back from jsonb: the numbers stored as null (non-finite) become NaN again, as the record's doubles need. */
    private static JsonNode withNaNs(tools.jackson.databind.node.ObjectNode e) {
        for (String f : List.of("accuracy", "logLoss", "expectedCalibrationError")) {
            if (e.path(f).isNull()) e.put(f, "NaN");
        }
        for (JsonNode p : e.path("learningCurve")) {
            if (p.path("accuracy").isNull()) ((tools.jackson.databind.node.ObjectNode) p).put("accuracy", "NaN");
        }
        return e;
    }

    private static double px(double v) {
        return PAD + v * SIZE;
    }

    private static double py(double v) {
        return PAD + (1 - v) * SIZE;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static List<Row> rows(Map<String, Accuracy> groups) {
        if (groups == null) return List.of();
        return groups.entrySet().stream().map(g -> new Row(g.getKey(), g.getValue().total(), g.getValue().correct(),
                g.getValue().accuracy(), format(g.getValue().accuracy()))).toList();
    }

    public String accuracy() {
        return format(evaluation.accuracy());
    }

    public String logLoss() {
        return format(evaluation.logLoss());
    }

    public String ece() {
        return format(evaluation.expectedCalibrationError());
    }

    public long calibrationPairs() {
        return calibration.stream().mapToLong(Point::count).sum();
    }
}
