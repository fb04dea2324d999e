package dev.rlhf.web.runs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardScorer;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.active.SelectedComparisons;
import dev.rlhf.web.batch.BatchBuilder;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchSpec;
import dev.rlhf.web.batch.ComparisonStore;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Active learning through the queue. The ensemble is two reward models whose weights are constructed: the same random
 * trunk, one with head w and one with head −w, so member B's Δr is exactly −(member A's Δr): they agree on pairs whose
 * summaries A scores alike and disagree the more the further apart A scores them. The test scores the pool itself
 * and computes every pair's disagreement by hand; the selected batch must hold exactly the N pairs with the highest.
 */
@PlatformTest
class SelectBatchRunTest extends OwnWorkerTest {
    @Autowired
    ComparisonStore store;
    @Autowired
    BatchBuilder builder;
    @Autowired
    SelectedComparisons selections;

    record Summary(long id, long postId, String prompt, String text) {
    }

    record Pair(Summary a, Summary b) {
        List<Long> ids() {
            return List.of(a.id(), b.id());
        }
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void theBatchHoldsTheNMostDisputedUnlabelledPairsWithTheBatchOptions() throws Exception {
        dev.rlhf.lm.OfflineEngine.use();
        String tag = "al" + System.nanoTime();
        // 4 posts × 4 summaries from two sources (one summary of another source, not in the pool) → 24 pairs
        List<String> postIds = new ArrayList<>();
        List<List<Summary>> posts = new ArrayList<>();
        String[] words = {"great", "fine", "poor", "odd", "calm", "bold", "late", "soon"};
        for (int p = 0; p < 4; p++) {
            String source = tag + "-post-" + p;
            String body = "Post " + p + " about the " + words[p] + " day at work and what happened next.";
            long postId = store.addPost(source, "test", "Title " + p, body);
            String prompt = new PostInfo(source, body, "Title " + p, "test").prompt();
            List<Summary> summaries = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                String text = words[(p + s) % words.length] + " summary " + s + " of post " + p;
                summaries.add(new Summary(store.addSummary(postId, text, tag + (s % 2 == 0 ? "-x" : "-y"), false, null), postId, prompt, text));
            }
            store.addSummary(postId, "left out " + p, tag + "-other", false, null);
            postIds.add(source);
            posts.add(summaries);
        }
        List<Pair> all = new ArrayList<>();
        for (List<Summary> s : posts) {
            for (int i = 0; i < s.size(); i++) for (int j = i + 1; j < s.size(); j++) all.add(new Pair(s.get(i), s.get(j)));
        }
        // taken before the run: one pair labelled (in a CLOSED batch, summaries in the other canonical order), one pair
        // in a DRAFT batch (not closed, so it will be labelled)
        Pair labelled = all.get(0), drafted = all.get(7);
        long closedBatch = builder.buildChosen(new BatchSpec(tag + "-labelled", BatchMode.PAIRWISE, 1, false, BigDecimal.ZERO, 0, null, null),
                List.of(new BatchBuilder.Chosen(labelled.a().postId(), List.of(labelled.b().id(), labelled.a().id()))), null).batch().id();
        long comparison = jdbc.sql("SELECT id FROM comparisons WHERE batch_id = ?").param(closedBatch).query(Long.class).single();
        long labeler = fixtures.user(Role.LABELER).getId();
        long assignment = jdbc.sql("""
                        INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at, completed_at)
                        VALUES (?, ?, '{0,1}', 'DONE', now(), now()) RETURNING id""").params(comparison, labeler).query(Long.class).single();
        jdbc.sql("""
                        INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, idempotency_key)
                        VALUES (?, ?, ?, 0, 2, 5, ?)""").params(assignment, comparison, labeler, "key-" + tag).update();
        jdbc.sql("UPDATE batches SET state = 'CLOSED' WHERE id = ?").param(closedBatch).update();
        builder.buildChosen(new BatchSpec(tag + "-drafted", BatchMode.PAIRWISE, 1, false, BigDecimal.ZERO, 0, null, null),
                List.of(new BatchBuilder.Chosen(drafted.a().postId(), drafted.ids())), null);
        List<Pair> pool = all.stream().filter(p -> p != labelled && p != drafted).toList();

        // the ensemble: member A = trunk + head 4w, member B = the same trunk + head −4w
        ByteTokenizer tokenizer = new ByteTokenizer();
        GPT2Config shape = GPT2Config.of(tokenizer.vocabSize(), 256, 16, 1, 1);
        Path dirA = dir.resolve("member-a"), dirB = dir.resolve("member-b");
        Map<Long, Double> rewardA = new HashMap<>(), rewardB = new HashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            try (RewardModel base = RewardModel.fromScratch(shape, manager, 11)) {
                NDArray w = base.head().namedTensors().get(ScalarHead.WEIGHT).mul(4);
                NDArray b = base.head().namedTensors().get(ScalarHead.BIAS);
                new RewardModel(base.trunk(), ScalarHead.fromTensors(Map.of(ScalarHead.WEIGHT, w, ScalarHead.BIAS, b), manager)).save(dirA, tokenizer);
                new RewardModel(base.trunk(), ScalarHead.fromTensors(Map.of(ScalarHead.WEIGHT, w.neg(), ScalarHead.BIAS, b), manager)).save(dirB, tokenizer);
            }
            List<Summary> summaries = posts.stream().flatMap(List::stream).toList();
            List<RewardScorer.Candidate> candidates = summaries.stream().map(s -> new RewardScorer.Candidate(s.prompt(), s.text())).toList();
            for (Path member : List.of(dirA, dirB)) {
                try (RewardModel m = RewardModel.load(member, manager)) {
                    double[] r = new RewardScorer(m, tokenizer).score(candidates);
                    for (int i = 0; i < r.length; i++) (member == dirA ? rewardA : rewardB).put(summaries.get(i).id(), r[i]);
                }
            }
        }
        long memberA = registry.register(tag + "-a", "REWARD_MODEL", dirA.toString(), null, null, null, null);
        long memberB = registry.register(tag + "-b", "REWARD_MODEL", dirB.toString(), null, null, null, null);

        // disagreement by hand: population std of the members' σ(Δr) (two members: half their distance) and of Δr
        Map<Pair, double[]> deltas = new LinkedHashMap<>();
        for (Pair p : pool) {
            double dA = rewardA.get(p.a().id()) - rewardA.get(p.b().id());
            double dB = rewardB.get(p.a().id()) - rewardB.get(p.b().id());
            assertThat(dB).as("member B is member A mirrored").isCloseTo(-dA, within(1e-4));
            deltas.put(p, new double[] {dA, dB});
        }
        Map<Pair, Double> stdProbability = new HashMap<>(), stdDelta = new HashMap<>();
        deltas.forEach((p, d) -> {
            stdProbability.put(p, Math.abs(sigmoid(d[0]) - sigmoid(d[1])) / 2);
            stdDelta.put(p, Math.abs(d[0] - d[1]) / 2);
        });
        int n = 6;
        List<Pair> ranked = new ArrayList<>(pool);
        ranked.sort(Comparator.comparingDouble((Pair p) -> stdProbability.get(p)).reversed());
        assertThat(stdProbability.get(ranked.get(n - 1)) - stdProbability.get(ranked.get(n)))
                .as("the fixture separates rank %d from rank %d", n, n + 1).isGreaterThan(1e-5);
        assertThat(stdProbability.get(ranked.get(0)) / stdProbability.get(ranked.get(ranked.size() - 1)))
                .as("the members agree on some pairs far more than on others").isGreaterThan(10);

        Map<String, String> form = new HashMap<>(Map.of("kind", "SELECT_BATCH", "name", tag + " select",
                "batchName", tag + "-disputed", "members", memberA + ", " + memberB, "batchSize", Integer.toString(n),
                "posts", String.join(" ", postIds), "sources", tag + "-x, " + tag + "-y"));
        form.putAll(Map.of("overlapK", "2", "tiesAllowed", "true", "goldRate", "0.2", "priority", "7"));
        RunLauncher.Result launched = launcher.launch(form, null);
        assertThat(launched.errors()).isEmpty();
        long runId = launched.runId();
        startWorker("w-select", Duration.ofSeconds(30));
        Run run = succeeded("the selection run", runId, Duration.ofSeconds(90));
        assertThat(run.outputModelId()).isNull();
        assertThat(run.step()).isEqualTo(run.totalSteps()).isEqualTo(2 * 16);

        SelectedComparisons.Selection selection = selections.ofRun(runId).orElseThrow();
        assertThat(selection.method()).isEqualTo("DISAGREEMENT");
        assertThat(selection.measure()).isEqualTo("STD_PROBABILITY");
        assertThat(selection.members()).containsExactly(memberA, memberB);
        assertThat(selection.poolPairs()).isEqualTo(pool.size()).isEqualTo(22);
        assertThat(selection.poolMeanDisagreement())
                .isCloseTo(stdProbability.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow(), within(1e-6));
        List<SelectedComparisons.Row> rows = selections.rows(selection.batchId());
        assertThat(rows).hasSize(n);
        for (int i = 0; i < n; i++) {
            Pair expected = ranked.get(i);
            SelectedComparisons.Row row = rows.get(i);
            assertThat(row.rank()).isEqualTo(i + 1);
            assertThat(List.of(row.summaryA(), row.summaryB())).as("rank %d", i + 1).containsExactly(expected.a().text(), expected.b().text());
            assertThat(row.disagreement()).isCloseTo(stdProbability.get(expected), within(1e-6));
            assertThat(row.stdDelta()).isCloseTo(stdDelta.get(expected), within(1e-5));
            assertThat(row.memberDeltas().get(0)).isCloseTo(deltas.get(expected)[0], within(1e-5));
            assertThat(row.memberDeltas().get(1)).isCloseTo(deltas.get(expected)[1], within(1e-5));
        }
        List<List<Long>> chosenIds = jdbc.sql("""
                        SELECT array_agg(cs.summary_id ORDER BY cs.position) FROM comparisons c
                        JOIN comparison_summaries cs ON cs.comparison_id = c.id
                        WHERE c.batch_id = ? AND NOT c.is_gold GROUP BY c.id""").param(selection.batchId())
                .query((rs, i) -> List.of(((Long[]) rs.getArray(1).getArray()))).list();
        assertThat(chosenIds).containsExactlyInAnyOrderElementsOf(ranked.subList(0, n).stream().map(Pair::ids).toList())
                .doesNotContain(labelled.ids(), drafted.ids());

        // the batch options: K, ties, gold rate (G = round(0.2·6 / 0.8) = 2), priority; built as a pairwise DRAFT
        Map<String, Object> batch = jdbc.sql("SELECT * FROM batches WHERE id = ?").param(selection.batchId()).query().singleRow();
        assertThat(batch).containsEntry("name", tag + "-disputed").containsEntry("mode", "PAIRWISE").containsEntry("overlap_k", 2)
                .containsEntry("ties_allowed", true).containsEntry("priority", 7).containsEntry("state", "DRAFT");
        assertThat((BigDecimal) batch.get("gold_rate")).isEqualByComparingTo("0.2");
        assertThat(jdbc.sql("SELECT count(*) FROM comparisons WHERE batch_id = ? AND is_gold").param(selection.batchId()).query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM comparisons c JOIN gold_answers g ON g.comparison_id = c.id WHERE c.batch_id = ?")
                .param(selection.batchId()).query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT DISTINCT open_slots FROM comparisons WHERE batch_id = ?").param(selection.batchId()).query(Integer.class).list()).containsExactly(2);

        // the run lists the chosen pairs with their disagreement: samples (rank 1 first), log, metrics, pages, export
        List<RunQueue.Sample> samples = queue.samplesOf(runId, 20);
        assertThat(samples).hasSize(n);
        assertThat(samples.get(0).prompt()).startsWith("#1 post ");
        assertThat(samples.get(0).completion()).contains(ranked.get(0).a().text()).contains(ranked.get(0).b().text());
        assertThat(samples.get(0).reward()).isCloseTo(stdProbability.get(ranked.get(0)), within(1e-6));
        assertThat(run.log()).contains("pool: 22 candidate pairs on 4 posts").contains("scored 32 summaries").contains("#1 post ").contains("#6 post ");
        assertThat(queue.metricsOf(runId, -1)).extracting(RunQueue.MetricPoint::name)
                .contains("pool_pairs", "pool_mean_disagreement", "batch_mean_disagreement");
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String runPage = mvc.perform(get("/research/runs/" + runId).with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(runPage).contains("Selected batch").contains(tag + "-disputed").contains("ensemble disagreement");
        String batchPage = mvc.perform(get("/research/batches/" + selection.batchId() + "/selection").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        for (SelectedComparisons.Row row : rows) {
            assertThat(batchPage).contains("data-comparison=\"" + row.comparisonId() + "\"").contains("data-value=\"" + row.disagreement() + "\"");
        }
        mvc.perform(get("/api/batches/" + selection.batchId() + "/disagreements").with(user(researcher)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.selection.runId").value(runId))
                .andExpect(jsonPath("$.comparisons.length()").value(n))
                .andExpect(jsonPath("$.comparisons[0].rank").value(1))
                .andExpect(jsonPath("$.comparisons[0].disagreement").value(rows.get(0).disagreement()))
                .andExpect(jsonPath("$.comparisons[0].summaryA").value(ranked.get(0).a().text()));

        // the baseline: 5 at random (seed 3) from the same pool, which no longer holds the first batch's pairs (DRAFT),
        // by std of Δr; the draw is the seeded shuffle of the pool in its order (post, then summary ids)
        List<Pair> remaining = pool.stream().filter(p -> !ranked.subList(0, n).contains(p)).toList();
        form.putAll(Map.of("name", tag + " random", "batchName", tag + "-random", "method", "RANDOM", "measure", "STD_DELTA",
                "batchSize", "5", "seed", "3", "goldRate", "0"));
        long randomRun = launcher.launch(form, null).runId();
        RunTestSupport.await("the random selection run", Duration.ofSeconds(90), () -> queue.state(randomRun).finished());
        assertThat(queue.state(randomRun)).as("log %s", queue.find(randomRun).orElseThrow().log()).isEqualTo(RunState.SUCCEEDED);
        SelectedComparisons.Selection random = selections.ofRun(randomRun).orElseThrow();
        assertThat(random.method()).isEqualTo("RANDOM");
        assertThat(random.poolPairs()).isEqualTo(remaining.size()).isEqualTo(16);
        List<Pair> shuffled = new ArrayList<>(remaining);
        Collections.shuffle(shuffled, new Random(3));
        List<SelectedComparisons.Row> randomRows = selections.rows(random.batchId());
        assertThat(randomRows).extracting(r -> r.summaryA() + " | " + r.summaryB())
                .containsExactlyElementsOf(shuffled.subList(0, 5).stream().map(p -> p.a().text() + " | " + p.b().text()).toList());
        for (int i = 0; i < 5; i++) {
            assertThat(randomRows.get(i).disagreement()).isCloseTo(stdDelta.get(shuffled.get(i)), within(1e-5));
        }
        assertThat(random.poolMeanDisagreement())
                .isCloseTo(remaining.stream().mapToDouble(stdDelta::get).average().orElseThrow(), within(1e-5));
        assertThat(jdbc.sql("SELECT count(*) FROM comparisons WHERE batch_id = ? AND is_gold").param(random.batchId()).query(Long.class).single()).isZero();

        // the research overview lists both selections with their batch and pool means, to compare
        String overview = mvc.perform(get("/research").with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(overview).contains(tag + "-disputed").contains(tag + "-random").contains("at random (baseline)")
                .contains("data-value=\"" + selection.batchMeanDisagreement() + "\"")
                .contains("data-value=\"" + random.poolMeanDisagreement() + "\"");
        assertThat(selection.batchMeanDisagreement()).isGreaterThan(selection.poolMeanDisagreement());
    }
}
