package dev.rlhf.web.runs;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardScorer;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.evaluation.EvaluationFixture;
import dev.rlhf.web.evaluation.EvaluationFixture.Outcome;
import dev.rlhf.web.evaluation.EvaluationStore;
import dev.rlhf.web.evaluation.HeldOutPosts;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A human-evaluation run through the queue with a tiny registered policy and reward model: it samples one summary per
 * held-out post, opens a batch of policy-vs-reference comparisons with the reward model's scores, and the batch is
 * labelled through the labeler's API until it is full.
 */
@PlatformTest
class EvaluationRunTest extends OwnWorkerTest {
    @Autowired
    EvaluationStore evaluations;
    @Autowired
    HeldOutPosts heldOut;

    @Test
    void anEvaluationRunSamplesHeldOutPostsAndItsBatchIsLabelled() throws Exception {
        String tag = "eval" + System.nanoTime();
        RunTestSupport.TinyModels tiny = RunTestSupport.tinyPolicyAndRewardModel(registry, dir, tag);
        long policyId = tiny.policyId(), rmId = tiny.rewardModelId();
        for (int i = 0; i < 7; i++) EvaluationFixture.postWithComparison(jdbc, tag, i, i % 2 == 0 ? "valid1" : "test");
        List<HeldOutPosts.Post> expected = heldOut.find(policyId, null, rmId, 6);
        assertThat(expected).hasSize(6);
        jdbc.sql("UPDATE batches SET state = 'CLOSED' WHERE state = 'OPEN'").update();

        Map<String, String> form = new HashMap<>(Map.of("kind", "EVALUATION", "name", tag, "baseModelId", Long.toString(policyId),
                "rewardModelId", Long.toString(rmId), "postCount", "6", "overlapK", "2", "temperature", "1.0",
                "topK", "20", "topP", "0.95", "maxNewTokens", "16"));
        form.put("seed", "3");
        RunLauncher.Result launched = launcher.launch(form, null);
        assertThat(launched.errors()).isEmpty();
        long id = launched.runId();
        startWorker("w-eval", Duration.ofSeconds(30));
        Run run = succeeded("the evaluation run", id, Duration.ofSeconds(90));
        assertThat(run.outputModelId()).as("an evaluation registers no model").isNull();
        assertThat(run.log()).contains("6 held-out posts", "batch", "opened with 6 comparisons");

        EvaluationStore.Evaluation e = evaluations.byRun(id).orElseThrow();
        assertThat(e.policyModelId()).isEqualTo(policyId);
        assertThat(e.policyName()).isEqualTo(tag + "-sft");
        assertThat(e.againstReference()).isTrue();
        assertThat(e.rewardModelId()).isEqualTo(rmId);
        assertThat(e.postCount()).isEqualTo(6);
        assertThat(e.batchState()).isEqualTo("OPEN");
        assertThat(e.overlapK()).isEqualTo(2);

        // one comparison per held-out post: the policy's new summary against the post's reference summary
        record Side(long comparison, long post, int position, String policy, boolean reference, String text, String prompt) {}
        List<Side> sides = jdbc.sql("""
                        SELECT c.id, c.post_id, cs.position, s.policy, s.is_reference, s.text,
                               'SUBREDDIT: r/' || p.subreddit || E'\\nTITLE: ' || p.title || E'\\nPOST: ' || p.body || E'\\nTL;DR:'
                        FROM comparisons c JOIN comparison_summaries cs ON cs.comparison_id = c.id
                        JOIN summaries s ON s.id = cs.summary_id JOIN posts p ON p.id = c.post_id
                        WHERE c.batch_id = ? ORDER BY c.id, cs.position""")
                .param(e.batchId()).query((rs, i) -> new Side(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4),
                        rs.getBoolean(5), rs.getString(6), rs.getString(7))).list();
        assertThat(sides).hasSize(12);
        assertThat(sides.stream().map(Side::post).distinct().toList())
                .containsExactlyElementsOf(expected.stream().map(HeldOutPosts.Post::id).toList());
        assertThat(sides.stream().filter(Side::reference).count()).isEqualTo(6);
        assertThat(sides.stream().filter(s -> !s.reference()).map(Side::policy).distinct().toList()).containsExactly(tag + "-sft");
        assertThat(sides.stream().filter(s -> !s.reference()).map(Side::position).distinct().count())
                .as("the policy's summary is drawn to both canonical positions").isEqualTo(2);
        List<EvaluationStore.Pair> pairs = evaluations.pairs(e.id());
        assertThat(pairs).hasSize(6);
        for (EvaluationStore.Pair p : pairs) {
            Side policySide = sides.stream().filter(s -> s.comparison() == p.comparisonId() && !s.reference()).findFirst().orElseThrow();
            assertThat(p.policyPosition()).isEqualTo(policySide.position());
        }

        // the stored rewards are the reward model's scores of (post, summary), scored again here
        try (NDManager manager = NDManager.newBaseManager(); RewardModel rm = RewardModel.load(dir.resolve("rm"), manager)) {
            RewardScorer scorer = new RewardScorer(rm, new ByteTokenizer());
            for (EvaluationStore.Pair p : pairs) {
                List<Side> two = sides.stream().filter(s -> s.comparison() == p.comparisonId()).toList();
                Side policySide = two.stream().filter(s -> !s.reference()).findFirst().orElseThrow();
                Side refSide = two.stream().filter(Side::reference).findFirst().orElseThrow();
                double[] r = scorer.score(List.of(new RewardScorer.Candidate(policySide.prompt(), policySide.text()),
                        new RewardScorer.Candidate(refSide.prompt(), refSide.text())));
                assertThat(p.policyReward()).isCloseTo(r[0], within(1e-4));
                assertThat(p.opponentReward()).isCloseTo(r[1], within(1e-4));
            }
        }
        assertThat(queue.samplesOf(id, 20)).hasSize(6).allSatisfy(s -> assertThat(s.reward()).isNotNull());

        // before any label: no rate yet, on the page and in the API
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);
        JsonNode empty = EvaluationFixture.JSON.readTree(mvc.perform(get("/api/evaluations/" + e.id()).with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(empty.get("labels").asLong()).isZero();
        assertThat(empty.get("sides").get(0).get("human").get("rate").asString()).isEqualTo("NaN");
        assertThat(mvc.perform(get("/research/evaluations/" + e.id()).with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).contains("id=\"evaluation-labels\">0<", "no label", "class=\"rate\"");
        assertThat(mvc.perform(get("/research/evaluations?run=" + id).with(user(researcher))).andReturn().getResponse()
                .getRedirectedUrl()).isEqualTo("/research/evaluations/" + e.id());

        // labelled through the labeler API: one labeler always prefers the policy, the other always says tie
        Set<String> policyTexts = new java.util.HashSet<>(sides.stream().filter(s -> !s.reference()).map(Side::text).toList());
        SignedInUser prefersPolicy = fixtures.signedIn(Role.LABELER);
        SignedInUser saysTie = fixtures.signedIn(Role.LABELER);
        for (int i = 0; i < 6; i++) {
            assertThat(EvaluationFixture.labelNext(mvc, prefersPolicy, w -> Outcome.WIN, policyTexts::contains)).isNotNull();
            assertThat(EvaluationFixture.labelNext(mvc, saysTie, w -> Outcome.TIE, policyTexts::contains)).isNotNull();
        }
        SignedInUser third = fixtures.signedIn(Role.LABELER);
        assertThat(EvaluationFixture.labelNext(mvc, third, w -> Outcome.WIN, policyTexts::contains))
                .as("K = 2: the batch is full").isNull();

        JsonNode report = EvaluationFixture.JSON.readTree(mvc.perform(get("/api/evaluations/" + e.id())
                        .with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(report.get("labels").asLong()).isEqualTo(12);
        JsonNode human = report.get("sides").get(0).get("human");
        assertThat(human.get("wins").asLong()).isEqualTo(6);
        assertThat(human.get("ties").asLong()).isEqualTo(6);
        assertThat(human.get("losses").asLong()).isEqualTo(0);
        assertThat(human.get("rate").asDouble()).isEqualTo(0.75);   // (6 + 6/2) / 12
        assertThat(report.get("sides").get(0).get("rewardModel").get("pairs").asLong()).isEqualTo(6);
        assertThat(report.get("sides")).hasSize(1);
    }
}
