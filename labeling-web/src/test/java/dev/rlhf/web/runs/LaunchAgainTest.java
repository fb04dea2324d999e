package dev.rlhf.web.runs;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.util.HtmlUtils;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * "Launch again with changes": the run page links to its kind's form filled in with the run's stored config; the
 * form, changed in one field and queued, starts a new run with that change and every other value kept. The compare
 * page lists every config field of the runs, the differing ones first and marked.
 */
@PlatformTest
class LaunchAgainTest extends MockMvcTest {
    private static final Pattern INPUT = Pattern.compile("<input[^>]*?name=\"([^\"]+)\"[^>]*?value=\"([^\"]*)\"");
    private static final Pattern SELECT = Pattern.compile("<select name=\"([^\"]+)\">(.*?)</select>", Pattern.DOTALL);
    private static final Pattern SELECTED = Pattern.compile("<option value=\"([^\"]*)\" selected=\"selected\"");
    private static final Pattern ROW = Pattern.compile("<tr class=\"(differs|same)\" data-field=\"([^\"]+)\" data-differs=\"(true|false)\">(.*?)</tr>", Pattern.DOTALL);

    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;

    @AfterEach
    void empty() {
        RunTestSupport.emptyQueue(jdbc);
    }

    /** The values the form would send as it is shown: every input's value and every select's chosen option. */
    static Map<String, String> formValues(String html) {
        int start = html.indexOf("id=\"run-form\"");
        String form = html.substring(start, html.indexOf("</form>", start));
        Map<String, String> values = new LinkedHashMap<>();
        Matcher s = SELECT.matcher(form);
        while (s.find()) {
            Matcher o = SELECTED.matcher(s.group(2));
            values.put(s.group(1), o.find() ? o.group(1) : "");
        }
        Matcher i = INPUT.matcher(form);
        while (i.find()) {
            if (!i.group(1).equals("_csrf")) values.put(i.group(1), HtmlUtils.htmlUnescape(i.group(2)));
        }
        return values;
    }

    long launch(UserDetails researcher, Map<String, String> values) throws Exception {
        MockHttpServletRequestBuilder req = post("/research/runs").with(user(researcher)).with(csrf());
        values.forEach((k, v) -> req.param(k, v));
        String location = mvc.perform(req).andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        jdbc.sql("UPDATE runs SET state = 'CANCELLED' WHERE id = ? AND state IN ('QUEUED', 'RUNNING')").param(id).update();
        return id;
    }

    String config(long run, String path) {
        return jdbc.sql("SELECT config #>> CAST(? AS text[]) FROM runs WHERE id = ?").param("{" + path + "}").param(run)
                .query(String.class).single();
    }

    @Test
    void anSftRunIsLaunchedAgainWithOneValueChangedAndTheOthersKept() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        long source = launch(researcher, Map.of("kind", "SFT", "name", "first sft", "steps", "5000",
                "learningRate", "0.002", "promptSplit", "train", "nEmbd", "32"));

        String page = mvc.perform(get("/research/runs/" + source).with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"launch-again\" href=\"/research/runs/new?kind=SFT&amp;from=" + source + "\"");

        String form = mvc.perform(get("/research/runs/new").param("kind", "SFT").param("from", Long.toString(source))
                .with(user(researcher))).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(form).contains("id=\"launched-from\"");
        Map<String, String> values = formValues(form);
        assertThat(values).containsEntry("kind", "SFT").containsEntry("name", "first sft (again)")
                .containsEntry("steps", "5000").containsEntry("learningRate", "0.002").containsEntry("promptSplit", "train")
                .containsEntry("nEmbd", "32").containsEntry("baseModelId", "");

        values.put("steps", "4000");
        long again = launch(researcher, values);
        assertThat(again).isNotEqualTo(source);
        assertThat(jdbc.sql("SELECT name FROM runs WHERE id = ?").param(again).query(String.class).single()).isEqualTo("first sft (again)");
        assertThat(config(again, "steps")).isEqualTo("4000");
        assertThat(config(again, "learningRate")).isEqualTo("0.002");
        assertThat(config(again, "promptSplit")).isEqualTo("train");
        assertThat(config(again, "nEmbd")).isEqualTo("32");
        assertThat(config(source, "steps")).isEqualTo("5000");

        // the new run records where it came from, and its page leads back there and to the comparison of the two
        assertThat(jdbc.sql("SELECT launched_from FROM runs WHERE id = ?").param(again).query(Long.class).single()).isEqualTo(source);
        assertThat(jdbc.sql("SELECT launched_from FROM runs WHERE id = ?").param(source).query(Long.class).optional()).isEmpty();
        String againPage = mvc.perform(get("/research/runs/" + again).with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(againPage).contains("id=\"launched-from\"").contains("href=\"/research/runs/" + source + "\"")
                .contains("href=\"/research/runs/compare?ids=" + source + "," + again + "\"");
        assertThat(page).doesNotContain("id=\"launched-from\"");

        // a form naming a run that does not exist queues nothing and names the field
        long before = jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single();
        MockHttpServletRequestBuilder bad = post("/research/runs").with(user(researcher)).with(csrf());
        values.put("launchedFrom", "999999999");
        values.forEach((k, v) -> bad.param(k, v));
        assertThat(mvc.perform(bad).andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString())
                .contains("launchedFrom: no run 999999999 to launch again from");
        assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).isEqualTo(before);

        // a refused relaunch shows the form again still saying which run it comes from
        MockHttpServletRequestBuilder refused = post("/research/runs").with(user(researcher)).with(csrf());
        values.put("launchedFrom", Long.toString(source));
        values.put("steps", "-1");
        values.forEach((k, v) -> refused.param(k, v));
        assertThat(mvc.perform(refused).andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString())
                .contains("data-field=\"steps\"").contains("id=\"launched-from\"")
                .contains("name=\"launchedFrom\" value=\"" + source + "\"");
        assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void aPpoRunIsLaunchedAgainWithItsNestedConfigAndTheCompareePageMarksWhatDiffers() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String tag = "again-" + System.nanoTime();
        long policy = registry.register(tag + "-sft", "SFT", "/nonexistent/" + tag, null, null, null, null);
        long rewardModel = registry.register(tag + "-rm", "REWARD_MODEL", "/nonexistent/" + tag, null, null, null, null);
        long source = launch(researcher, Map.of("kind", "PPO", "name", "first ppo", "baseModelId", Long.toString(policy),
                "rewardModelId", Long.toString(rewardModel), "klCoef", "0.07", "iterations", "9", "maxPosts", "12"));

        String page = mvc.perform(get("/research/runs/" + source).with(user(researcher))).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("href=\"/research/runs/new?kind=PPO&amp;from=" + source + "\"");
        Map<String, String> values = formValues(mvc.perform(get("/research/runs/new?kind=PPO&from=" + source).with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(values).containsEntry("kind", "PPO").containsEntry("name", "first ppo (again)")
                .containsEntry("baseModelId", Long.toString(policy)).containsEntry("rewardModelId", Long.toString(rewardModel))
                .containsEntry("klCoef", "0.07").containsEntry("iterations", "9").containsEntry("maxPosts", "12");

        values.put("klCoef", "0.2");
        long again = launch(researcher, values);
        assertThat(config(again, "ppo,klCoef")).isEqualTo("0.2");
        assertThat(config(again, "ppo,iterations")).isEqualTo("9");
        assertThat(config(again, "maxPosts")).isEqualTo("12");
        assertThat(config(again, "rewardModelId")).isEqualTo(Long.toString(rewardModel));
        assertThat(jdbc.sql("SELECT base_model_id FROM runs WHERE id = ?").param(again).query(Long.class).single()).isEqualTo(policy);

        String compare = mvc.perform(get("/research/runs/compare?ids=" + source + "," + again).with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(compare).contains("<section id=\"config-diff\">");
        List<String[]> rows = new ArrayList<>();
        Matcher m = ROW.matcher(compare);
        while (m.find()) rows.add(new String[] {m.group(2), m.group(1), m.group(4)});
        Map<String, String> marked = new LinkedHashMap<>();
        rows.forEach(r -> marked.put(r[0], r[1]));
        assertThat(marked).containsEntry("ppo.klCoef", "differs").containsEntry("ppo.iterations", "same")
                .containsEntry("maxPosts", "same").containsEntry("kind", "same").containsEntry("rewardModelId", "same");
        String klRow = rows.stream().filter(r -> r[0].equals("ppo.klCoef")).findFirst().orElseThrow()[2];
        assertThat(klRow).contains("<td>0.07</td>").contains("<td>0.2</td>").contains("≠");
        // the differing rows come first
        List<String> order = rows.stream().map(r -> r[1]).toList();
        assertThat(order.indexOf("same")).isGreaterThan(order.lastIndexOf("differs"));
        assertThat(rows.stream().filter(r -> r[1].equals("differs")).map(r -> r[0]).toList())
                .containsExactlyInAnyOrder("ppo.klCoef");
    }

    @Test
    void aRunOfEveryKindWithAFormOpensItsFormPrefilled() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        for (RunKind kind : RunKind.values()) {
            long run = jdbc.sql("INSERT INTO runs (name, kind, state, config) VALUES (?, ?, 'CANCELLED', CAST('{}' AS jsonb)) RETURNING id")
                    .param("old " + kind).param(kind.name()).query(Long.class).single();
            String page = mvc.perform(get("/research/runs/" + run).with(user(researcher))).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            assertThat(page).contains("from=" + run);
            String form = mvc.perform(get("/research/runs/new?kind=" + kind + "&from=" + run).with(user(researcher)))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            assertThat(form).as(kind.name()).contains("value=\"old " + kind + " (again)\"");
        }
        mvc.perform(get("/research/runs/new?kind=SFT&from=987654321").with(user(researcher))).andExpect(status().isNotFound());
    }
}
