package dev.rlhf.web.runs;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.evaluation.EvaluationFixture;
import dev.rlhf.web.evaluation.EvaluationFixture.Outcome;
import dev.rlhf.web.evaluation.EvaluationStore;
import dev.rlhf.web.evaluation.MethodComparison;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The methods page for one snapshot: a DPO policy trained on it and its SFT parent are listed unevaluated, the page's
 * button queues their human evaluations, the worker samples them (with the KL of each policy's samples to the SFT
 * model), labelers answer, and the page then shows each method's win rate, interval and KL, plotted.
 */
@PlatformTest
class MethodsPageTest extends OwnWorkerTest {
    @Autowired
    EvaluationStore evaluations;
    @Autowired
    MethodComparison comparison;

    @Test
    void listsThePoliciesOfASnapshotLaunchesTheirEvaluationsAndShowsWinRateAgainstKl() throws Exception {
        String tag = "methods" + System.nanoTime();
        RunTestSupport.TinyModels tiny = RunTestSupport.tinyPolicyAndRewardModel(registry, dir, tag);
        long snapshot = fixtures.syntheticSnapshot(dir, tag);
        Map<String, String> form = new HashMap<>(Map.of("kind", "DPO", "name", tag + "-dpo", "snapshotId", Long.toString(snapshot),
                "baseModelId", Long.toString(tiny.policyId()), "steps", "3", "batchSize", "4", "maxLength", "257",
                "learningRate", "0.01", "warmupSteps", "0"));
        long dpoRun = launcher.launch(form, null).runId();
        startWorker("w-methods", Duration.ofSeconds(30));
        Run run = succeeded("the DPO run", dpoRun, Duration.ofSeconds(90));
        long dpoModel = run.outputModelId();

        for (int i = 0; i < 6; i++) EvaluationFixture.postWithComparison(jdbc, tag, i, "test");
        jdbc.sql("UPDATE batches SET state = 'CLOSED' WHERE state = 'OPEN'").update();
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);
        String before = mvc.perform(get("/research/methods?snapshot=" + snapshot).with(user(researcher)))
                .andReturn().getResponse().getContentAsString();
        assertThat(before).contains("data-method=\"DPO\"", "data-method=\"SFT\"", "none yet", "Launch the 2 missing evaluations");

        String location = mvc.perform(post("/research/methods/evaluations").param("snapshot", Long.toString(snapshot))
                        .param("postCount", "3").with(user(researcher)).with(csrf()))
                .andReturn().getResponse().getRedirectedUrl();
        assertThat(location).isEqualTo("/research/methods?snapshot=" + snapshot);
        List<Long> evalRuns = jdbc.sql("SELECT id FROM runs WHERE kind = 'EVALUATION' AND name LIKE ? ORDER BY id")
                .param("snapshot " + snapshot + ": %").query(Long.class).list();
        assertThat(evalRuns).hasSize(2);
        for (long id : evalRuns) {
            Run e = succeeded("evaluation run " + id, id, Duration.ofSeconds(90));
            assertThat(e.log()).contains("KL of ");
        }

        // every labeler always prefers the policy's summary, until the batches are full
        java.util.Set<String> policyTexts = new java.util.HashSet<>(jdbc.sql("""
                        SELECT s.text FROM evaluations e JOIN evaluation_comparisons ec ON ec.evaluation_id = e.id
                        JOIN comparison_summaries cs ON cs.comparison_id = ec.comparison_id AND cs.position = ec.policy_position
                        JOIN summaries s ON s.id = cs.summary_id WHERE e.run_id IN (:runs)""")
                .param("runs", evalRuns).query(String.class).list());
        for (int l = 0; l < 4; l++) {
            SignedInUser labeler = fixtures.signedIn(Role.LABELER);
            while (EvaluationFixture.labelNext(mvc, labeler, w -> Outcome.WIN, policyTexts::contains) != null) {
                // labels until no work is left for this labeler
            }
        }
        List<MethodComparison.Row> rows = comparison.rows(snapshot);
        assertThat(rows).extracting(MethodComparison.Row::method).containsExactlyInAnyOrder("SFT", "DPO");
        MethodComparison.Row sft = rows.stream().filter(r -> r.method().equals("SFT")).findFirst().orElseThrow();
        MethodComparison.Row dpo = rows.stream().filter(r -> r.method().equals("DPO")).findFirst().orElseThrow();
        assertThat(sft.modelId()).isEqualTo(tiny.policyId());
        assertThat(dpo.modelId()).isEqualTo(dpoModel);
        assertThat(sft.kl()).as("the SFT model is its own reference").isEqualTo(0.0);
        assertThat(dpo.kl()).as("KL of the DPO policy's samples").isNotNull().isFinite().isNotEqualTo(0.0);
        for (MethodComparison.Row r : rows) {
            assertThat(r.labels()).isPositive();
            assertThat(r.winRate()).isEqualTo(1.0);
            assertThat(r.interval().exists()).isTrue();
        }
        String after = mvc.perform(get("/research/methods?snapshot=" + snapshot).with(user(researcher)))
                .andReturn().getResponse().getContentAsString();
        assertThat(after).contains("id=\"win-rate-vs-kl\"", "class=\"rate\">1.000<").doesNotContain("missing evaluation");
        assertThat(after.split("class=\"point\"", -1)).hasSize(3);
    }
}
