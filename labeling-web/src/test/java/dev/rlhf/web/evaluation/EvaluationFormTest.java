package dev.rlhf.web.evaluation;

import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.runs.RunQueue;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The human-evaluation form and the launch API: defaults shown; every impossible value refused with its field named,
 * nothing queued; no held-out posts refused naming {@code postCount}; a valid form queues an EVALUATION run.
 */
@PlatformTest
class EvaluationFormTest extends MockMvcTest {
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    RunQueue queue;

    MockHttpServletRequestBuilder form(SignedInUser who, String... fields) {
        return runForm(who, fields).param("kind", "EVALUATION");
    }

    @Test
    void theFormShowsTheSamplingDefaultsAndTheHeldOutRule() throws Exception {
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);
        String html = mvc.perform(get("/research/runs/new?kind=EVALUATION").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("name=\"opponentModelId\"", "the reference summaries", "name=\"rewardModelId\"",
                "none (no predicted win rate)", "name=\"temperature\"", "value=\"0.7\"", "name=\"topP\"", "name=\"topK\"",
                "name=\"maxNewTokens\"", "value=\"48\"", "name=\"overlapK\"", "name=\"postCount\"", "id=\"held-out-rule\"");
    }

    @Test
    void impossibleValuesAreRefusedNamingTheField() throws Exception {
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);
        String tag = "evalform" + System.nanoTime();
        long policy = registry.register(tag + "-policy", "POLICY", "/nowhere/p", null, null, null, null);
        long rm = registry.register(tag + "-rm", "REWARD_MODEL", "/nowhere/rm", null, null, null, null);
        String p = Long.toString(policy), r = Long.toString(rm);
        long before = fixtures.runCount();

        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "temperature", "-1"),
                "temperature: must be ≥ 0 (0 is greedy)", "value=\"-1\"");
        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "topP", "0"), "topP: must be in (0, 1]");
        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "topK", "-3", "maxNewTokens", "0"),
                "topK: must be ≥ 0", "maxNewTokens: must be between 1 and 512");
        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "overlapK", "21", "postCount", "0"),
                "overlapK: must be between 1 and 20", "postCount: must be between 1 and 5000");
        refusedShowing(form(researcher, "name", tag), "baseModelId: is required");
        refusedShowing(form(researcher, "name", tag, "baseModelId", r),
                "baseModelId: model " + rm + " is REWARD_MODEL, not POLICY or SFT");
        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "rewardModelId", p),
                "rewardModelId: model " + policy + " is POLICY, not REWARD_MODEL");
        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "opponentModelId", p),
                "opponentModelId: must differ from the policy");
        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "opponentModelId", "987654321"),
                "opponentModelId: no model 987654321 in the registry");
        refusedShowing(form(researcher, "name", tag, "baseModelId", p, "tiesAllowed", "maybe", "seed", "x"),
                "tiesAllowed: must be true or false", "seed: must be a whole number");
        launchRefused(researcher,
                "{\"kind\": \"EVALUATION\", \"name\": \"x\", \"baseModelId\": " + policy + ", \"temperature\": \"NaN\"}",
                "temperature", "must be a finite number");
        assertThat(fixtures.runCount()).isEqualTo(before);
    }

    @Test
    void withoutHeldOutPostsTheFormSaysSoAndAValidFormQueuesTheRun() throws Exception {
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);
        String tag = "evalnone" + System.nanoTime();
        EvaluationFixture.postWithComparison(jdbc, tag, 0, "valid2");
        // a policy whose SFT run read every post in the database: nothing is held out from it
        long sftRun = jdbc.sql("""
                        INSERT INTO runs (name, kind, state, config, started_at, finished_at)
                        VALUES (?, 'SFT', 'SUCCEEDED', '{"maxPosts": 100000000}', now(), now()) RETURNING id""")
                .param(tag).query(Long.class).single();
        long sawEverything = registry.register(tag + "-sft", "SFT", "/nowhere/sft", null, sftRun, null, null);
        long child = registry.register(tag + "-ppo", "POLICY", "/nowhere/ppo", sawEverything, null, null, null);
        long before = fixtures.runCount();
        for (long model : new long[]{sawEverything, child}) {
            refusedShowing(form(researcher, "name", tag, "baseModelId", Long.toString(model)),
                    "postCount: there are no held-out posts for these models");
        }
        assertThat(fixtures.runCount()).isEqualTo(before);

        long fresh = registry.register(tag + "-fresh", "POLICY", "/nowhere/fresh", null, null, null, null);
        String location = mvc.perform(form(researcher, "name", tag, "baseModelId", Long.toString(fresh), "postCount", "3"))
                .andExpect(status().is3xxRedirection()).andExpect(redirectedUrlPattern("/research/runs/*"))
                .andReturn().getResponse().getRedirectedUrl();
        long runId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        queue.cancel(runId);   // the model files do not exist; the run is only queued here
        var run = queue.find(runId).orElseThrow();
        assertThat(run.kind()).isEqualTo("EVALUATION");
        assertThat(run.baseModelId()).isEqualTo(fresh);
        assertThat(run.config()).contains("\"policyModelId\": " + fresh, "\"postCount\": 3", "\"temperature\": 0.7");
    }
}
