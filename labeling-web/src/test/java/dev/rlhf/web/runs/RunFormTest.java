package dev.rlhf.web.runs;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The run form and the launch API refuse impossible values, naming the field, and queue nothing. */
@PlatformTest
class RunFormTest extends MockMvcTest {
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RunTypes types;

    @Test
    void formShowsTheTrainerDefaults() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String html = mvc.perform(get("/research/runs/new").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("name=\"learningRate\"").contains("value=\"0.001\"").contains("name=\"steps\"")
                .contains("value=\"200\"").contains("name=\"maxGradNorm\"").contains("value=\"1.0\"");
        // the shared header: the page's title and the researcher's navigation
        assertThat(html).contains("RLHF · launch a run").contains("href=\"/research/models\"")
                .contains("href=\"/research/evaluations\"").doesNotContain("href=\"/admin/accounts\"");
    }

    private static final java.util.regex.Pattern LEGEND = java.util.regex.Pattern.compile(
            "^<fieldset class=\"form-group\" id=\"group-[^\"]+\">\\s*<legend>([^<]+)</legend>");

    /** The form's groups by legend: each group's markup, up to the next group (or the end of the form). */
    static Map<String, String> fieldsets(String html) {
        String form = html.substring(html.indexOf("id=\"run-form\""), html.indexOf("</form>", html.indexOf("id=\"run-form\"")));
        Map<String, String> groups = new java.util.LinkedHashMap<>();
        String mark = "<fieldset class=\"form-group\"";
        for (int i = form.indexOf(mark); i >= 0; ) {
            int next = form.indexOf(mark, i + 1);
            String block = form.substring(i, next < 0 ? form.length() : next);
            var m = LEGEND.matcher(block);
            assertThat(m.find()).as(block).isTrue();
            groups.put(m.group(1), block);
            i = next;
        }
        return groups;
    }

    @Test
    void everyKindsOwnHelpLineNamesAFieldOfItsFormAndReplacesTheSharedOne() throws Exception {
        java.util.Properties lines = new java.util.Properties();
        try (var in = FieldHelp.class.getResourceAsStream("field-help.properties")) {
            lines.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        int own = 0;
        for (String key : lines.stringPropertyNames()) {
            if (!key.contains(".")) continue;
            own++;
            RunKind kind = RunKind.valueOf(key.substring(0, key.indexOf('.')));
            String field = key.substring(key.indexOf('.') + 1);
            assertThat(types.get(kind).fields()).as(key).filteredOn(f -> f.name().equals(field)).singleElement()
                    .satisfies(f -> assertThat(f.help()).isEqualTo(lines.getProperty(key)));
        }
        assertThat(own).isGreaterThan(50);
        assertThat(types.get(RunKind.PPO).fields()).filteredOn(f -> f.name().equals("baseModelId")).singleElement()
                .satisfies(f -> assertThat(f.help()).isEqualTo("the policy to start from (an SFT model); also the frozen reference of the KL penalty"));
        assertThat(types.get(RunKind.SFT).fields()).filteredOn(f -> f.name().equals("learningRate")).singleElement()
                .satisfies(f -> assertThat(f.help()).isEqualTo(FieldHelp.of("learningRate")));
    }

    @Test
    void everyFormShowsItsFieldsInFieldsetsEachWithItsHelpAndItsDefault() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        Map<RunKind, List<String>> legends = Map.of(
                RunKind.SFT, List.of("Model", "Data", "Optimisation"),
                RunKind.REWARD_MODEL, List.of("Model", "Data", "Optimisation", "Reward model details"),
                RunKind.PPO, List.of("Model", "Data", "Optimisation", "PPO details"),
                RunKind.DPO, List.of("Model", "Data", "Optimisation", "DPO details"),
                RunKind.RLOO, List.of("Model", "Data", "Optimisation", "RLOO details"),
                RunKind.EVALUATION, List.of("Model", "Data", "Evaluation", "Sampling"),
                RunKind.SELECT_BATCH, List.of("Model", "Data", "Selection", "New batch"));
        for (var kind : legends.entrySet()) {
            String html = mvc.perform(get("/research/runs/new?kind=" + kind.getKey()).with(user(researcher)))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            Map<String, String> fieldsets = fieldsets(html);
            assertThat(fieldsets.keySet()).as(kind.getKey().name()).containsExactlyElementsOf(kind.getValue());
            List<FormField> fields = types.get(kind.getKey()).fields();
            for (FormField f : fields) {
                String where = kind.getKey() + " " + f.name();
                assertThat(f.help()).as(where).isNotBlank();
                assertThat(fieldsets.get(f.group())).as(where).isNotNull()
                        .contains("id=\"field-" + f.name() + "\"")
                        .contains(f.name().equals("members") ? "id=\"members\"" : "name=\"" + f.name() + "\"")
                        .contains("<small class=\"field-hint\" id=\"hint-" + f.name() + "\">" + org.springframework.web.util.HtmlUtils.htmlEscape(f.help(), "UTF-8") + "</small>")
                        .contains("<small class=\"field-default\" id=\"default-" + f.name() + "\">default: "
                                + (f.defaultValue().isEmpty() ? "(empty)" : org.springframework.web.util.HtmlUtils.htmlEscape(f.defaultValue(), "UTF-8")) + "</small>");
            }
            // the selects are in their groups, from the fields' metadata
            if (kind.getKey() != RunKind.SELECT_BATCH) {
                assertThat(fieldsets.get("Model")).as(kind.getKey().name()).contains("<select name=\"baseModelId\">");
            }
        }
        // the trainers' own defaults
        assertThat(types.get(RunKind.PPO).fields()).filteredOn(f -> f.name().equals("klCoef")).singleElement()
                .satisfies(f -> assertThat(f.defaultValue()).isEqualTo(String.valueOf(dev.rlhf.ppo.PpoConfig.defaults().klCoef())))
                .satisfies(f -> assertThat(f.group()).isEqualTo("PPO details"));
        assertThat(types.get(RunKind.DPO).fields()).filteredOn(f -> f.name().equals("snapshotId")).singleElement()
                .satisfies(f -> assertThat(f.group()).isEqualTo("Data"));
        assertThat(types.get(RunKind.RLOO).fields()).filteredOn(f -> f.name().equals("rewardModelId")).singleElement()
                .satisfies(f -> assertThat(f.group()).isEqualTo("Model"));
        assertThat(types.get(RunKind.EVALUATION).fields()).filteredOn(f -> f.name().equals("opponentModelId")).singleElement()
                .satisfies(f -> assertThat(f.group()).isEqualTo("Model"));
    }

    @Test
    void thePpoFormOffersRewardWhiteningOffByDefault() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String html = mvc.perform(get("/research/runs/new?kind=PPO").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("name=\"whitenRewards\" value=\"false\"")
                .contains("true: scale each batch&#39;s per-token rewards to unit variance, mean kept, before GAE");
        launchRefused(researcher, "{\"kind\": \"PPO\", \"name\": \"x\", \"whitenRewards\": \"sometimes\"}", "whitenRewards",
                "PPO config field whitenRewards must be true or false, was \"sometimes\"");
    }

    @Test
    void everyTrainerFormOffersThePrecisionAndAnUnknownOneIsRefusedNamingTheField() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        for (String kind : List.of("SFT", "REWARD_MODEL", "PPO")) {
            mvc.perform(get("/research/runs/new?kind=" + kind).with(user(researcher))).andExpect(status().isOk())
                    .andExpect(content().string(org.hamcrest.Matchers.containsString("name=\"precision\" value=\"FLOAT32\"")));
        }
        long before = fixtures.runCount();
        Map<String, String> refusals = Map.of(
                "SFT", "must be one of [FLOAT32, BFLOAT16, FLOAT16]",
                "REWARD_MODEL", "must be one of [FLOAT32, BFLOAT16, FLOAT16]",
                "PPO", "PPO config field precision must be one of FLOAT32, BFLOAT16, FLOAT16, was \"fp8\"");
        for (var e : refusals.entrySet()) {
            launchRefused(researcher, "{\"kind\": \"" + e.getKey() + "\", \"name\": \"x\", \"precision\": \"fp8\"}",
                    "precision", e.getValue());
        }
        assertThat(fixtures.runCount()).isEqualTo(before);
        long id = queuedRun(runForm(researcher, "name", "half", "steps", "5000", "precision", "float16"));
        assertThat(jdbc.sql("SELECT config ->> 'precision' FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualToIgnoringCase("float16");
        mvc.perform(post("/research/runs/" + id + "/cancel").with(user(researcher)).with(csrf()));
    }

    @Test
    void negativeLearningRateIsRefusedNamingTheField() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        long before = fixtures.runCount();
        refusedShowing(runForm(researcher, "name", "bad lr", "learningRate", "-0.001"),
                "learningRate: must be a positive number", "value=\"-0.001\"");
        launchRefused(researcher, "{\"name\": \"bad lr\", \"learningRate\": -1e-5}", "learningRate",
                "must be a positive number");
        assertThat(fixtures.runCount()).isEqualTo(before);
    }

    @Test
    void missingModelIsRefusedNamingTheField() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        long before = fixtures.runCount();
        refusedShowing(runForm(researcher, "name", "no such model", "baseModelId", "987654"),
                "baseModelId: no model 987654 in the registry");
        launchRefused(researcher, "{\"name\": \"x\", \"baseModelId\": 987654, \"steps\": 0}", "baseModelId",
                "no model 987654 in the registry");
        launchRefused(researcher, "{\"name\": \"x\", \"steps\": 0}", "steps", "must be positive");
        assertThat(fixtures.runCount()).isEqualTo(before);
    }

    @Test
    void aPromptSetThatIsNotASplitOrHoldsNoPostIsRefusedNamingTheField() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        long before = fixtures.runCount();
        refusedShowing(runForm(researcher, "name", "bad split", "promptSplit", "holdout"),
                "promptSplit: must be one of any, train, valid, valid1, valid2, test");
        launchRefused(researcher, "{\"name\": \"x\", \"promptSubreddit\": \"no-such-subreddit\"}", "promptSplit",
                "no post with a summary in this prompt set (up to 1000 posts, subreddit no-such-subreddit)");
        assertThat(fixtures.runCount()).isEqualTo(before);
        long id = queuedRun(runForm(researcher, "name", "train split", "promptSplit", "train", "steps", "5000"));
        assertThat(jdbc.sql("SELECT config ->> 'promptSplit' FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("train");
        mvc.perform(post("/research/runs/" + id + "/cancel").with(user(researcher)).with(csrf()));
    }

    @Test
    void aValidFormQueuesTheRunAndCancelStopsIt() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        long id = queuedRun(runForm(researcher, "name", "queued from the form", "steps", "5000"));
        assertThat(jdbc.sql("SELECT created_by FROM runs WHERE id = ?").param(id).query(Long.class).single())
                .isEqualTo(researcher.id());
        assertThat(jdbc.sql("SELECT config ->> 'steps' FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("5000");
        mvc.perform(post("/research/runs/" + id + "/cancel").with(user(researcher)).with(csrf()))
                .andExpect(status().is3xxRedirection());
        assertThat(jdbc.sql("SELECT state FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("CANCELLED");
        mvc.perform(get("/research/runs/" + id).with(user(researcher))).andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("CANCELLED")));
    }

    @Test
    void rewardModelFormNeedsAnExistingSnapshotAndAPositiveLearningRate() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        long before = fixtures.runCount();
        refusedShowing(runForm(researcher, "kind", "REWARD_MODEL", "name", "rm", "learningRate", "-1"),
                "snapshotId: is required", "learningRate: must be a positive number");
        launchRefused(researcher, "{\"kind\": \"REWARD_MODEL\", \"name\": \"rm\", \"snapshotId\": 987654}", "snapshotId",
                "no label snapshot 987654");
        assertThat(fixtures.runCount()).isEqualTo(before);

        String name = "form-snapshot-" + System.nanoTime();
        mvc.perform(post("/research/snapshots").with(user(researcher)).with(csrf()).param("name", name).param("batch", "no-such-batch"))
                .andExpect(status().is3xxRedirection());
        long snapshot = jdbc.sql("SELECT id FROM label_snapshots WHERE name = ?").param(name).query(Long.class).single();
        mvc.perform(post("/api/snapshots").with(user(researcher)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"" + name + "\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.fields.name").value("a snapshot named " + name + " exists"));
        long id = queuedRun(runForm(researcher, "kind", "REWARD_MODEL", "name", "rm from the form",
                "snapshotId", Long.toString(snapshot)));
        assertThat(jdbc.sql("SELECT kind || ' ' || snapshot_id FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("REWARD_MODEL " + snapshot);
        mvc.perform(post("/api/runs/" + id + "/cancel").with(user(researcher)).with(csrf())).andExpect(status().isOk());
        mvc.perform(get("/research/runs/new?kind=REWARD_MODEL").with(user(researcher))).andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString(name)));
    }

    @Test
    void rewardModelLearningCurveFractionsAreCheckedAndStoredInTheConfig() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String name = "curve-snapshot-" + System.nanoTime();
        mvc.perform(post("/research/snapshots").with(user(researcher)).with(csrf()).param("name", name).param("batch", "no-such-batch"))
                .andExpect(status().is3xxRedirection());
        long snapshot = jdbc.sql("SELECT id FROM label_snapshots WHERE name = ?").param(name).query(Long.class).single();
        long before = fixtures.runCount();
        for (String bad : java.util.List.of("0.5, 1.5", "half")) {
            refusedShowing(runForm(researcher, "kind", "REWARD_MODEL", "name", "curve", "snapshotId", Long.toString(snapshot),
                    "learningCurve", bad), "learningCurve: ");
        }
        assertThat(fixtures.runCount()).isEqualTo(before);
        long id = queuedRun(runForm(researcher, "kind", "REWARD_MODEL", "name", "curve", "snapshotId", Long.toString(snapshot),
                "learningCurve", "0.25, 0.5"));
        assertThat(jdbc.sql("SELECT config->>'learningCurve' FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("[0.25, 0.5]");
        mvc.perform(post("/api/runs/" + id + "/cancel").with(user(researcher)).with(csrf())).andExpect(status().isOk());
        mvc.perform(get("/research/runs/new?kind=REWARD_MODEL").with(user(researcher)))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("name=\"learningCurve\"")));
    }
}
