package dev.rlhf.web.ops;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** The actuator: health for anyone, the Prometheus scrape for admins and tokens, nothing else. */
@PlatformTest
class ActuatorTest extends MockMvcTest {
    static final JsonMapper JSON = JsonMapper.builder().build();


    private String scrape() throws Exception {
        MockHttpServletResponse r = mvc.perform(get("/actuator/prometheus").with(user(fixtures.signedIn(Role.ADMIN))))
                .andReturn().getResponse();
        assertThat(r.getStatus()).isEqualTo(200);
        return r.getContentAsString();
    }

    @Test
    void healthIsOpenWithTheStatusOnly() throws Exception {
        MockHttpServletResponse r = mvc.perform(get("/actuator/health")).andReturn().getResponse();
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(JSON.readTree(r.getContentAsString()).propertyNames()).containsExactly("status");
        assertThat(JSON.readTree(r.getContentAsString()).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void prometheusIsForAdminsAndHasThePlatformsMetrics() throws Exception {
        MockHttpServletResponse anonymous = mvc.perform(get("/actuator/prometheus")).andReturn().getResponse();
        assertThat(anonymous.getStatus()).isIn(302, 401);
        assertThat(mvc.perform(get("/actuator/prometheus").with(user(fixtures.signedIn(Role.LABELER)))).andReturn().getResponse()
                .getStatus()).isEqualTo(403);
        assertThat(mvc.perform(get("/actuator/prometheus").with(user(fixtures.signedIn(Role.RESEARCHER)))).andReturn().getResponse()
                .getStatus()).as("a researcher's session").isEqualTo(403);
        String body = scrape();
        assertThat(body).contains("rlhf_labels_submitted_total", "rlhf_labeling_submit_seconds_bucket",
                "rlhf_open_assignments", "rlhf_runs{state=\"QUEUED\"}", "rlhf_runs{state=\"RUNNING\"}",
                "rlhf_queue_depth", "rlhf_worker_heartbeat_age_seconds", "rlhf_import_jobs{state=\"FAILED\"}");
        // nothing else is exposed
        assertThat(mvc.perform(get("/actuator/env").with(user(fixtures.signedIn(Role.ADMIN)))).andReturn().getResponse().getStatus())
                .isIn(403, 404);
        assertThat(mvc.perform(get("/actuator/beans").with(user(fixtures.signedIn(Role.ADMIN)))).andReturn().getResponse().getStatus())
                .isIn(403, 404);
    }

    private static double value(String body, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(body);
        assertThat(m.find()).as(name).isTrue();
        return Double.parseDouble(m.group(2));
    }

    @Test
    void storingALabelCountsOne() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 2);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long first = fixtures.heldAssignment(labeler.id());
        double before = value(scrape(), "rlhf_labels_submitted_total");
        String body = "{\"assignmentId\":" + first + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":2}";
        for (int i = 0; i < 2; i++) { // the retry answers the stored label and is not counted again
            MockHttpServletResponse r = mvc.perform(post("/api/labeling/labels-and-next").with(user(labeler))
                    .with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON).content(body)).andReturn().getResponse();
            assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
        }
        assertThat(value(scrape(), "rlhf_labels_submitted_total")).isEqualTo(before + 1);
    }

    private MockHttpServletResponse scrapeWithTokenOf(Role role) throws Exception {
        MockHttpServletResponse made = mvc.perform(post("/api/tokens").with(user(fixtures.signedIn(role))).with(csrf().asHeader())
                .contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"prometheus\"}")).andReturn().getResponse();
        assertThat(made.getStatus()).as(made.getContentAsString()).isEqualTo(201);
        String token = JSON.readTree(made.getContentAsString()).get("token").asString();
        return mvc.perform(get("/actuator/prometheus").header("Authorization", "Bearer " + token)).andReturn().getResponse();
    }

    @Test
    void tokensOfAdminsAndResearchersScrape() throws Exception {
        for (Role role : new Role[]{Role.ADMIN, Role.RESEARCHER}) {
            MockHttpServletResponse r = scrapeWithTokenOf(role);
            assertThat(r.getStatus()).as(role.name()).isEqualTo(200);
            assertThat(r.getContentAsString()).contains("rlhf_queue_depth");
        }
        MockHttpServletResponse wrong = mvc.perform(get("/actuator/prometheus").header("Authorization", "Bearer rlhf_nope"))
                .andReturn().getResponse();
        assertThat(wrong.getStatus()).isEqualTo(401);
    }
}
