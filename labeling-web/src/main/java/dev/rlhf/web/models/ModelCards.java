package dev.rlhf.web.models;

import dev.rlhf.web.cards.Card;
import dev.rlhf.web.snapshots.DataCards;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.SnapshotStatistics;
import dev.rlhf.web.snapshots.SnapshotStatisticsQuery;

import dev.rlhf.lm.LmConfig;
import dev.rlhf.reward.eval.Evaluation;
import dev.rlhf.web.quality.LabelAgreement;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The prose of generated model cards: model details (from the registry, the model directory and the run's config),
 * intended use (by kind), training data (the snapshot's statistics, or the posts an SFT/PPO run used), evaluation
 * results (the stored metrics) and limitations derived from those facts. A fact that is not recorded is said to be
 * missing. {@link ModelReadme} writes a card into the model directory; {@link TrainedModels} registers a run's model
 * with it.
 */
@Component
public record ModelCards(ModelLineage lineages, SnapshotStatisticsQuery statistics, JdbcClient jdbc) {
    /** A 95% interval wider than ± this is called wide: accuracy differences below it are not evidence. */
    static final double WIDE_INTERVAL = 0.05;
    /** Fewer labelers than this: the preferences of few people. */
    static final int FEW_LABELERS = 5;
    /** Krippendorff's lowest α for tentative conclusions. */
    static final double LOW_ALPHA = 0.667;
    /** Fewer comparisons than this: a small preference data set. */
    static final long FEW_COMPARISONS = 1000;
    /** An expected calibration error above this: probabilities from reward differences are not to be taken literally. */
    static final double HIGH_ECE = 0.1;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public Card of(ModelRegistry.Model m) {
        JsonNode metrics = json(m.metrics());
        List<ModelLineage.Step> lineage = lineages.of(m);
        ModelLineage.Step root = lineage.get(lineage.size() - 1);
        ModelRegistry.MadeBy run = lineage.get(0).run();
        JsonNode config = run == null ? JSON.createObjectNode() : json(run.config());
        ModelDirectory dir = ModelDirectory.read(m.path());
        SnapshotStatistics data = m.snapshotId() == null ? null : statistics.of(m.snapshotId()).orElse(null);
        Evaluation evaluation = RewardModelDashboard.of(m, null).evaluation();
        List<String> limitations = new ArrayList<>();

        List<Card.Section> sections = new ArrayList<>();
        sections.add(details(m, run, config, dir, lineage, root).build());
        sections.add(intendedUse(m.kind()).build());
        sections.add(trainingData(m, run, config, metrics, data, limitations).build());
        sections.add(evaluation(m, metrics, evaluation, limitations).build());

        // limitations from the facts above
        if (dir.byteLevel()) {
            limitations.add("Byte-level tokenizer: the model reads UTF-8 bytes, so its context of "
                    + (dir.config() == null ? "(unknown)" : dir.config().max_position_embeddings()) + " positions holds that many bytes "
                    + "of text, and it cannot be combined with GPT-2 byte-pair checkpoints.");
        }
        if (root.model().parentModelId() == null && root.run() != null) {
            limitations.add(root.model().id() == m.id()
                    ? "Trained from scratch: no pretrained language model underlies it, so it knows only what its training data showed it."
                    : "Its lineage starts from scratch (model #" + root.model().id() + " had no parent): no pretrained "
                    + "language model underlies it, so it knows only what its training data showed it.");
        } else if (root.model().parentModelId() == null) {
            limitations.add("The root of its lineage, model #" + root.model().id() + ", was registered without a run: "
                    + "how it was made is not recorded here.");
        }
        if (!dir.exists()) {
            limitations.add("The model directory " + m.path() + " is not readable here: its architecture, tokenizer and "
                    + "parameter count are missing from this card.");
        }
        Card.SectionBuilder limits = new Card.SectionBuilder("limitations", "Limitations");
        limitations.forEach(limits::note);
        if (limitations.isEmpty()) limits.note("None derived from the recorded facts.");
        sections.add(limits.build());
        return new Card("Model card: #" + m.id() + " " + m.name(), List.copyOf(sections));
    }

    private Card.SectionBuilder details(ModelRegistry.Model m, ModelRegistry.MadeBy run, JsonNode config, ModelDirectory dir,
                                        List<ModelLineage.Step> lineage, ModelLineage.Step root) {
        Card.SectionBuilder s = new Card.SectionBuilder("details", "Model details")
                .fact("model", "Model", "#" + m.id() + " " + m.name())
                .fact("kind", "Kind", m.kind())
                .fact("created", "Registered", m.createdAt())
                .fact("path", "Directory", m.path());
        LmConfig c = dir.config();
        boolean scalar = "REWARD_MODEL".equals(m.kind()) || dir.scoreHead();
        s.fact("architecture", "Architecture", c == null ? "missing: " + dir.configProblem()
                : String.format(Locale.ROOT, "%s (%s): %s, %s%s, width %d, MLP width %d, context %d positions, vocabulary %d",
                c.architecture(scalar), scalar ? "trunk with a scalar reward head" : "language model",
                plural(c.num_hidden_layers(), "layer"), plural(c.num_attention_heads(), "head"),
                c.num_key_value_heads() == c.num_attention_heads() ? "" : " (" + c.num_key_value_heads() + " key/value)",
                c.hidden_size(), c.intermediate_size(), c.max_position_embeddings(), c.vocab_size()));
        s.fact("tokenizer", "Tokenizer", dir.tokenizer() == null ? (dir.exists() ? "missing: no tokenizer file in the directory"
                : "missing: the directory is not there") : dir.tokenizer());
        s.fact("parameters", "Parameters (stored tensors)", dir.parameters() == null ? "missing: " + dir.weightsProblem()
                : String.format(Locale.ROOT, "%,d (%s)%s", dir.parameters(), dir.dtypes(),
                dir.scoreHead() ? ", including the reward head" : ""));
        s.fact("parent", "Parent model", m.parentModelId() == null
                ? (run != null ? "none: trained from scratch" : "none recorded")
                : lineage.size() > 1 ? "#" + lineage.get(1).model().id() + " " + lineage.get(1).model().name() + " ("
                + lineage.get(1).model().kind() + ")" : "#" + m.parentModelId() + " (not in the registry)");
        s.fact("base", "Root of the lineage", lineage.size() == 1 ? "this model" : "#" + root.model().id() + " "
                + root.model().name() + " (" + root.model().kind() + ")");
        s.fact("run", "Run", run == null ? (m.runId() == null ? "none: registered without a run" : "#" + m.runId() + " (missing)")
                : "#" + run.id() + " " + run.name() + " (" + run.kind() + ", created " + run.createdAt() + ")");
        List<List<String>> hyper = new ArrayList<>();
        flatten("", config, hyper);
        hyper.sort(java.util.Comparator.comparing(r -> r.get(0)));
        if (run != null) s.table(List.of("Hyperparameter (run config)", "Value"), hyper);
        if (run != null && hyper.isEmpty()) s.note("The run's config is empty: every hyperparameter had its default.");
        return s;
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static void flatten(String prefix, JsonNode node, List<List<String>> rows) {
        node.properties().forEach(e -> {
            if (e.getValue().isObject()) flatten(prefix + e.getKey() + ".", e.getValue(), rows);
            else rows.add(List.of(prefix + e.getKey(), e.getValue().isString() ? e.getValue().asString() : e.getValue().toString()));
        });
    }

    private static Card.SectionBuilder intendedUse(String kind) {
        Card.SectionBuilder s = new Card.SectionBuilder("intended-use", "Intended use");
        switch (kind) {
            case ModelKinds.REWARD_MODEL -> s
                    .note("For: scoring candidate summaries of Reddit posts (TL;DR layout) by how likely the platform's "
                            + "labelers would prefer them; the reward in PPO runs; ranking samples and finding comparisons "
                            + "it is unsure about for the next labeling batch.")
                    .note("Not for: judging text outside that layout or domain, absolute quality scores (only differences "
                            + "between summaries of the same post are trained), or replacing human evaluation of a policy.");
            case ModelKinds.SFT -> s
                    .note("For: the initial policy of PPO runs and a baseline policy whose summaries go to labelers; "
                            + "generating a summary after a post in the TL;DR layout (SUBREDDIT/TITLE/POST/TL;DR:).")
                    .note("Not for: general text generation, facts about the world, or any use outside research on this platform.");
            case ModelKinds.POLICY -> s
                    .note("For: summaries of Reddit posts (TL;DR layout) to compare against other policies with human "
                            + "labelers; the next round of labeling.")
                    .note("Not for: use without human evaluation: it was optimised against a reward model, whose errors "
                            + "it may exploit (a high score is not a good summary).");
            default -> s.note("No intended use is recorded for models of kind " + kind + ".");
        }
        return s;
    }

    private Card.SectionBuilder trainingData(ModelRegistry.Model m, ModelRegistry.MadeBy run, JsonNode config, JsonNode metrics,
                                             SnapshotStatistics data, List<String> limitations) {
        Card.SectionBuilder s = new Card.SectionBuilder("training-data", "Training data");
        switch (m.kind()) {
            case ModelKinds.REWARD_MODEL -> {
                snapshotFacts(s, m, data, limitations);
                s.fact("train-examples", "Training examples", count(metrics, "train_examples"));
                s.fact("validation-examples", "Validation examples (held-out posts)", count(metrics, "validation_examples"));
                if (data != null && data.tiesLeftOut() > 0) {
                    limitations.add(data.tiesLeftOut() + (data.tiesLeftOut() == 1 ? " tie label" : " tie labels")
                            + " matched the snapshot's filter but ties are not frozen: the model never learnt from "
                            + "\"equally good\" answers.");
                }
            }
            case ModelKinds.SFT -> postsFacts(s, m, metrics, config, "posts", "Posts (reference summaries as completions)");
            case ModelKinds.POLICY -> {
                postsFacts(s, m, metrics, config, "prompts", "Prompts (posts in the TL;DR layout)");
                s.fact("reward-model", "Reward model", metrics.has("reward_model_id")
                        ? "#" + metrics.get("reward_model_id").asLong() : "missing");
                snapshotFacts(s, m, data, limitations);
            }
            default -> s.note("No training data is recorded for models of kind " + m.kind() + ".");
        }
        return s;
    }

    private void snapshotFacts(Card.SectionBuilder s, ModelRegistry.Model m, SnapshotStatistics d, List<String> limitations) {
        if (d == null) {
            s.fact("snapshot", "Label snapshot", m.snapshotId() == null ? "missing: none recorded" : "#" + m.snapshotId() + " (missing)");
            return;
        }
        LabelAgreement a = d.agreement();
        s.fact("snapshot", "Label snapshot", "#" + d.snapshot().id() + " " + d.snapshot().name())
                .fact("labels", "Labels", d.labels())
                .fact("comparisons", "Comparisons", d.comparisons())
                .fact("posts", "Posts", d.posts())
                .fact("subreddits", "Subreddits", d.subreddits().size() + " (" + DataCards.joined(d.subreddits()) + ")")
                .fact("batches", "Batches", d.batches().size() + " (" + String.join(", ", d.batches().stream().map(SnapshotStatistics.BatchCount::batch).toList()) + ")")
                .fact("labelers", "Labelers", d.labelers())
                .fact("tie-share", "Share of ties among the matched labels (ties are not frozen)",
                        DataCards.share(d.ties() + d.tiesLeftOut(), d.labels() + d.tiesLeftOut()))
                .fact("confidence", "Confidence (canonical 1–9)", DataCards.joined(d.confidence()))
                .fact("alpha", "Inter-labeler agreement (Krippendorff's α)", a.alpha() == null ? "not computable" : DataCards.fixed(a.alpha()))
                .note("The snapshot's data card: /research/snapshots/" + d.snapshot().id());
        if (d.labelers() < FEW_LABELERS) {
            limitations.add("Only " + plural(d.labelers(), "labeler") + " (fewer than "
                    + FEW_LABELERS + "): the preferences learnt are those of very few people.");
        }
        if (a.alpha() == null) {
            limitations.add("Inter-labeler agreement is unknown: no comparison in the snapshot has labels by two labelers, "
                    + "so the noise in the labels cannot be estimated.");
        } else if (a.alpha() < LOW_ALPHA) {
            limitations.add("Low inter-labeler agreement: α = " + DataCards.fixed(a.alpha()) + " (below " + LOW_ALPHA
                    + ", the least for tentative conclusions), pairwise agreement "
                    + DataCards.share(a.agreeingPairs(), a.pairs()) + ": the labels are noisy.");
        }
        if (d.comparisons() < FEW_COMPARISONS) {
            limitations.add("Small preference data set: " + d.comparisons() + " comparisons (fewer than "
                    + String.format(Locale.ROOT, "%,d", FEW_COMPARISONS) + ").");
        }
    }

    private void postsFacts(Card.SectionBuilder s, ModelRegistry.Model m, JsonNode metrics, JsonNode config, String key,
                            String label) {
        s.fact(key, label, metrics.has(key) ? Long.toString(metrics.get(key).asLong()) : "missing: not recorded with this model");
        s.fact("max-posts", "Limit (run config maxPosts)", config.has("maxPosts") ? config.get("maxPosts").asString() : "missing");
        PromptSet set = PromptSet.of(config);
        s.fact("prompt-set", "Prompt set", "split " + set.split() + (set.subreddit().isEmpty() ? ", every subreddit" : ", subreddit " + set.subreddit()));
        boolean recorded = m.runId() != null && jdbc.sql("SELECT EXISTS (SELECT 1 FROM run_posts WHERE run_id = ?)")
                .param(m.runId()).query(Boolean.class).single();
        if (recorded) {                                          // the posts the run read, as it recorded them
            List<SnapshotStatistics.Count> subreddits = jdbc.sql("""
                            SELECT p.subreddit, count(*) FROM run_posts rp JOIN posts p ON p.id = rp.post_id
                            WHERE rp.run_id = :run GROUP BY 1 ORDER BY 2 DESC, 1""")
                    .param("run", m.runId())
                    .query((rs, i) -> new SnapshotStatistics.Count(rs.getString(1), rs.getLong(2))).list();
            s.fact("post-ids", "Post ids", metrics.has("first_post_id") && metrics.has("last_post_id")
                    ? metrics.get("first_post_id").asLong() + "–" + metrics.get("last_post_id").asLong() + " (the run's prompt set, recorded)"
                    : "recorded with the run");
            s.fact("subreddits", "Subreddits", subreddits.size() + " (" + DataCards.joined(subreddits) + ")");
        } else if (metrics.has("first_post_id") && metrics.has("last_post_id")) {   // older runs: the first posts by id
            long first = metrics.get("first_post_id").asLong(), last = metrics.get("last_post_id").asLong();
            List<SnapshotStatistics.Count> subreddits = jdbc.sql("""
                            SELECT p.subreddit, count(*) FROM posts p
                            WHERE p.id BETWEEN :first AND :last AND EXISTS (SELECT 1 FROM summaries s WHERE s.post_id = p.id)
                            GROUP BY 1 ORDER BY 2 DESC, 1""")
                    .param("first", first).param("last", last)
                    .query((rs, i) -> new SnapshotStatistics.Count(rs.getString(1), rs.getLong(2))).list();
            s.fact("post-ids", "Post ids", first + "–" + last + " (the first posts by id that have a summary)");
            s.fact("subreddits", "Subreddits", subreddits.size() + " (" + DataCards.joined(subreddits) + ")");
        } else {
            s.fact("post-ids", "Post ids", "missing: not recorded with this model");
        }
    }

    private Card.SectionBuilder evaluation(ModelRegistry.Model m, JsonNode metrics, Evaluation e, List<String> limitations) {
        Card.SectionBuilder s = new Card.SectionBuilder("evaluation", "Evaluation results");
        switch (m.kind()) {
            case ModelKinds.REWARD_MODEL -> {
                if (e == null) {
                    s.fact("accuracy", "Validation accuracy", metrics.has("validation_accuracy")
                            ? number(metrics, "validation_accuracy", "%.3f") : "missing");
                    s.note("No evaluation is stored with this model (pairs, log loss and calibration are missing).");
                    limitations.add("No stored evaluation: its accuracy on held-out comparisons is unknown.");
                    break;
                }
                long correct = Math.round(e.accuracy() * e.pairs());
                s.fact("pairs", "Validation pairs", e.pairs())
                        .fact("accuracy", "Accuracy", DataCards.fixed(e.accuracy()) + (Double.isFinite(e.accuracy())
                                ? " (" + correct + " of " + e.pairs() + ")" : ""));
                if (e.pairs() > 0 && Double.isFinite(e.accuracy())) {
                    AccuracyInterval ci = AccuracyInterval.wilson95(correct, e.pairs());
                    s.fact("accuracy-interval", "Accuracy, 95% interval (Wilson)",
                            "[" + DataCards.fixed(ci.lower()) + ", " + DataCards.fixed(ci.upper()) + "]");
                    if (ci.upper() < 0.5) {
                        limitations.add("Worse than chance: the whole 95% interval of its accuracy lies below 0.5, so "
                                + "its preferences run against the labelers'.");
                    } else if (ci.lower() <= 0.5) {
                        limitations.add("Not distinguishable from chance: 0.5 lies inside the 95% interval of its accuracy.");
                    }
                    if (ci.halfWidth() > WIDE_INTERVAL) {
                        limitations.add("Small validation set: " + e.pairs() + " pairs give a 95% interval of ["
                                + DataCards.fixed(ci.lower()) + ", " + DataCards.fixed(ci.upper()) + "] for the accuracy "
                                + "(± " + DataCards.fixed(ci.halfWidth()) + "); differences between models smaller than "
                                + "that are not evidence.");
                    }
                } else {
                    s.fact("accuracy-interval", "Accuracy, 95% interval (Wilson)", "missing: no validation pairs");
                    limitations.add("No validation pairs: its accuracy on held-out comparisons is unknown.");
                }
                s.fact("log-loss", "Log loss", DataCards.fixed(e.logLoss()))
                        .fact("ece", "Expected calibration error", DataCards.fixed(e.expectedCalibrationError()));
                if (e.expectedCalibrationError() > HIGH_ECE) {
                    limitations.add("Poorly calibrated: expected calibration error " + DataCards.fixed(e.expectedCalibrationError())
                            + " (above " + HIGH_ECE + "): σ(r_A − r_B) is not a trustworthy probability.");
                }
            }
            case ModelKinds.SFT -> {
                s.fact("loss", "Final training loss", number(metrics, "loss", "%.4f"))
                        .fact("steps", "Steps", count(metrics, "steps"));
                limitations.add("Only the training loss is recorded: no held-out evaluation of its summaries is stored.");
            }
            case ModelKinds.POLICY -> {
                s.fact("score", "Final reward-model score", number(metrics, "score", "%.4f"))
                        .fact("kl", "Final KL from the initial policy", number(metrics, "kl", "%.4f"))
                        .fact("iterations", "PPO iterations", count(metrics, "iterations"));
                limitations.add("Its score is the reward model's (#" + (metrics.has("reward_model_id")
                        ? metrics.get("reward_model_id").asLong() : "missing") + "), not a human judgement: "
                        + "no human evaluation is recorded on this card.");
            }
            default -> s.note("No evaluation is recorded for models of kind " + m.kind() + ".");
        }
        return s;
    }

    private static String count(JsonNode metrics, String key) {
        JsonNode v = metrics.get(key);
        return v == null || v.isNull() ? "missing" : Long.toString(v.asLong());
    }

    private static String number(JsonNode metrics, String key, String format) {
        JsonNode v = metrics.get(key);
        if (v == null) return "missing";
        if (v.isNull()) return "not finite (stored as null)";
        return String.format(Locale.ROOT, format, v.asDouble());
    }

    private static JsonNode json(String text) {
        if (text == null || text.isBlank()) return JSON.createObjectNode();
        JsonNode n = JSON.readTree(text);
        return n.isObject() ? n : JSON.createObjectNode();
    }

    /** The model's key metrics: its top-level numbers (the stored evaluation is on its page). */
    public static Map<String, String> keyMetrics(String metricsJson) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        json(metricsJson).properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isNumber()) out.put(e.getKey(), v.isIntegralNumber() ? v.asString() : String.format(Locale.ROOT, "%.4f", v.asDouble()));
            else if (v.isNull()) out.put(e.getKey(), "–");
        });
        return out;
    }
}
