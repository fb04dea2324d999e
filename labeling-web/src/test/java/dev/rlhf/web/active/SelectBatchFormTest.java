package dev.rlhf.web.active;

import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.ComparisonStore;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The batch-selection form and the launch API refuse bad input naming the field, and queue nothing. */
@PlatformTest
class SelectBatchFormTest extends MockMvcTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ComparisonStore store;

    SignedInUser researcher;
    String tag;
    long rmA, rmB, sft;

    @BeforeEach
    void modelsAndAPool() {
        researcher = fixtures.signedIn(Role.RESEARCHER);
        tag = "form" + System.nanoTime();
        rmA = registry.register(tag + "-rm-a", "REWARD_MODEL", "/nowhere/a", null, null, null, null);
        rmB = registry.register(tag + "-rm-b", "REWARD_MODEL", "/nowhere/b", null, null, null, null);
        sft = registry.register(tag + "-sft", "SFT", "/nowhere/sft", null, null, null, null);
        long post = store.addPost(tag + "-post", "test", "t", "body");
        store.addSummary(post, "one", tag + "-p", false, null);
        store.addSummary(post, "two", tag + "-p", false, null);
    }

    /** A valid form (members as two checkboxes) with some fields changed; "members" takes ids separated by commas. */
    MockHttpServletRequestBuilder form(Map<String, String> changes) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kind", "SELECT_BATCH");
        values.put("name", "select " + tag);
        values.put("batchName", tag + "-batch");
        values.put("members", rmA + "," + rmB);
        values.put("batchSize", "10");
        values.put("posts", tag + "-post");
        values.put("sources", tag + "-p");
        values.putAll(changes);
        MockHttpServletRequestBuilder request = post("/research/runs").with(user(researcher)).with(csrf());
        values.forEach((k, v) -> request.param(k, k.equals("members") ? v.split(",") : new String[] {v}));
        return request;
    }

    @Test
    void theFormOffersTheRegisteredRewardModelsAndTheDefaults() throws Exception {
        String html = mvc.perform(get("/research/runs/new?kind=SELECT_BATCH").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("name=\"members\" value=\"" + rmA + "\"").contains("name=\"members\" value=\"" + rmB + "\"")
                .doesNotContain("name=\"members\" value=\"" + sft + "\"")
                .contains("value=\"STD_PROBABILITY\" selected").contains("value=\"DISAGREEMENT\" selected")
                .contains("value=\"RANDOM\"").contains("name=\"batchSize\" value=\"50\"");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsQueued() throws Exception {
        long before = fixtures.runCount();
        for (Map.Entry<String, List<String>> bad : Map.of(
                "members: no model 987654 in the registry", List.of("members", rmA + ",987654"),
                "members: an ensemble needs at least two different reward models, got 1", List.of("members", Long.toString(rmA)),
                "members: model " + sft + " is not a reward model (SFT)", List.of("members", rmA + "," + sft),
                "batchSize: must be at least 1", List.of("batchSize", "0"),
                "mode: best-of-4 is not supported here", List.of("mode", "BEST_OF_4"),
                "posts: no such post: " + tag + "-missing", List.of("posts", tag + "-missing"),
                "measure: must be one of [STD_PROBABILITY, STD_DELTA]", List.of("measure", "MAX"),
                "goldRate: goldRate must be between 0 and 0.5", List.of("goldRate", "0.9")).entrySet()) {
            mvc.perform(form(Map.of(bad.getValue().get(0), bad.getValue().get(1)))).andExpect(status().isBadRequest())
                    .andExpect(content().string(containsString("data-field=\"" + bad.getValue().get(0) + "\"")))
                    .andExpect(content().string(containsString(bad.getKey())));
        }
        mvc.perform(form(Map.of("batchSize", "-3"))).andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("batchSize: must be at least 1")))
                .andExpect(content().string(containsString("value=\"-3\"")));
        // the same over the API, members as a JSON array
        String body = "{\"kind\": \"SELECT_BATCH\", \"name\": \"x\", \"batchName\": \"" + tag + "-api\", \"members\": [" + rmA
                + ", 987654], \"batchSize\": 0, \"posts\": \"" + tag + "-post\", \"sources\": \"" + tag + "-p\"}";
        mvc.perform(post("/api/runs").with(user(researcher)).with(csrf()).contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.fields.members").value("no model 987654 in the registry"))
                .andExpect(jsonPath("$.fields.batchSize").value("must be at least 1"));
        mvc.perform(post("/api/runs").with(user(researcher)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"kind\": \"SELECT_BATCH\", \"name\": \"x\", \"batchName\": \"demo-pairwise\", \"members\": [" + rmA + ", " + rmB
                                + "], \"posts\": \"" + tag + "-post\", \"sources\": \"" + tag + "-p\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.fields.batchName").value("a batch named 'demo-pairwise' exists"));
        assertThat(fixtures.runCount()).isEqualTo(before);
    }

    @Test
    void aPoolWithNothingLeftIsRefused() throws Exception {
        long before = fixtures.runCount();
        // the post's only pair goes into a DRAFT batch: nothing is left to choose from
        mvc.perform(post("/admin/batches").with(user(fixtures.signedIn(Role.ADMIN))).with(csrf())
                        .param("name", tag + "-taken").param("mode", "PAIRWISE").param("posts", tag + "-post")
                        .param("sources", tag + "-p").param("goldRate", "0"))
                .andExpect(status().is3xxRedirection());
        mvc.perform(form(Map.of())).andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("posts: these posts have no candidate pairs")));
        assertThat(fixtures.runCount()).isEqualTo(before);
    }

    @Test
    void aValidFormQueuesOneSelectionRunWithItsConfig() throws Exception {
        String location = mvc.perform(form(Map.of("method", "RANDOM", "measure", "STD_DELTA", "seed", "5", "overlapK", "2",
                        "tiesAllowed", "true", "goldRate", "0", "priority", "4")))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        Map<String, Object> run = jdbc.sql("SELECT kind, state, config::text AS config FROM runs WHERE id = ?").param(id).query().singleRow();
        jdbc.sql("UPDATE runs SET state = 'CANCELLED' WHERE id = ? AND state = 'QUEUED'").param(id).update();
        assertThat(run).containsEntry("kind", "SELECT_BATCH");
        JsonNode config = JSON.readTree((String) run.get("config"));
        assertThat(config.path("members").toString()).isEqualTo("[" + rmA + "," + rmB + "]");
        assertThat(config.path("method").asString()).isEqualTo("RANDOM");
        assertThat(config.path("measure").asString()).isEqualTo("STD_DELTA");
        assertThat(config.path("batchSize").asInt()).isEqualTo(10);
        assertThat(config.path("overlapK").asInt()).isEqualTo(2);
        assertThat(config.path("tiesAllowed").asBoolean()).isTrue();
        assertThat(config.path("priority").asInt()).isEqualTo(4);
        assertThat(config.path("posts").toString()).isEqualTo("[\"" + tag + "-post\"]");
    }

    @Test
    void theRewardModelFormQueuesOneRunPerEnsembleMemberWithConsecutiveSeeds() throws Exception {
        long snapshot = jdbc.sql("INSERT INTO label_snapshots (name) VALUES (?) RETURNING id").param(tag + "-snap").query(Long.class).single();
        long before = fixtures.runCount();
        mvc.perform(post("/research/runs").with(user(researcher)).with(csrf()).param("kind", "REWARD_MODEL")
                        .param("name", tag + " rm").param("snapshotId", Long.toString(snapshot)).param("ensembleSize", "0"))
                .andExpect(status().isBadRequest()).andExpect(content().string(containsString("ensembleSize: must be between 1 and 10")));
        assertThat(fixtures.runCount()).isEqualTo(before);
        mvc.perform(post("/research/runs").with(user(researcher)).with(csrf()).param("kind", "REWARD_MODEL")
                        .param("name", tag + " rm").param("snapshotId", Long.toString(snapshot)).param("seed", "7").param("ensembleSize", "3"))
                .andExpect(redirectedUrl("/research/runs"));
        List<Map<String, Object>> queued = jdbc.sql("SELECT name, config::text AS config FROM runs WHERE name LIKE ? ORDER BY id")
                .param(tag + " rm%").query().listOfRows();
        jdbc.sql("UPDATE runs SET state = 'CANCELLED' WHERE name LIKE ? AND state = 'QUEUED'").param(tag + " rm%").update();
        assertThat(queued).extracting(r -> r.get("name")).containsExactly(tag + " rm · seed 7", tag + " rm · seed 8", tag + " rm · seed 9");
        assertThat(queued).extracting(r -> JSON.readTree((String) r.get("config")).path("seed").asInt()).containsExactly(7, 8, 9);
        // one split by post for the whole ensemble: the first member's seed
        assertThat(queued).extracting(r -> JSON.readTree((String) r.get("config")).path("splitSeed").asInt()).containsExactly(7, 7, 7);
    }
}
