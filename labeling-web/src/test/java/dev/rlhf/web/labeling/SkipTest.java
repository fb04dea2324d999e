package dev.rlhf.web.labeling;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchProgressQuery;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * {@code POST /api/labeling/skips} and {@code POST /labeling/skips}: the skip is stored, the slot goes back to the pool
 * for another labeler (never to the one who skipped), the next assignment comes with the answer, a retry stores
 * nothing new, refusals name the field and store nothing, and skips are counted.
 */
@PlatformTest
class SkipTest extends MockMvcTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    AssignmentService assignments;
    @Autowired
    LabelerStatsQuery stats;
    @Autowired
    BatchProgressQuery progress;

    private MockHttpServletResponse skip(SignedInUser labeler, String body) throws Exception {
        return mvc.perform(post("/api/labeling/skips").with(user(labeler)).with(csrf().asHeader())
                .contentType(MediaType.APPLICATION_JSON).content(body)).andReturn().getResponse();
    }

    private long skipsOfBatch(long batchId) {
        return fixtures.jdbc().sql("SELECT count(*) FROM skips WHERE batch_id = ?").param(batchId).query(Long.class).single();
    }

    private long comparisonOf(long assignmentId) {
        return fixtures.jdbc().sql("SELECT comparison_id FROM assignments WHERE id = ?").param(assignmentId)
                .query(Long.class).single();
    }

    @Test
    void aSkipGivesTheSlotToAnotherLabelerNeverBackToTheSkipper() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 2, false, 2);
        SignedInUser skipper = fixtures.signedIn(Role.LABELER);
        AssignmentView held = assignments.currentOrNext(skipper.id()).orElseThrow();
        long skipped = comparisonOf(held.assignmentId());

        MockHttpServletResponse response = skip(skipper, "{\"assignmentId\":" + held.assignmentId()
                + ",\"reason\":\"broken_output\",\"text\":\"  summary B is empty  \"}");
        assertThat(response.getStatus()).isEqualTo(201);
        JsonNode answer = JSON.readTree(response.getContentAsString());
        assertThat(answer.get("assignmentId").asLong()).isEqualTo(held.assignmentId());
        assertThat(answer.get("reason").asString()).isEqualTo("broken_output");
        assertThat(answer.get("text").asString()).isEqualTo("summary B is empty");
        long next = answer.get("next").get("assignmentId").asLong();
        assertThat(comparisonOf(next)).isNotEqualTo(skipped);

        Map<String, Object> row = fixtures.jdbc().sql("""
                        SELECT s.comparison_id, s.labeler_id, s.batch_id, s.reason, s.text, a.state, c.open_slots
                        FROM skips s JOIN assignments a ON a.id = s.assignment_id JOIN comparisons c ON c.id = s.comparison_id
                        WHERE s.id = ?""").param(answer.get("skipId").asLong()).query().singleRow();
        assertThat(row).containsEntry("comparison_id", skipped).containsEntry("labeler_id", skipper.id())
                .containsEntry("batch_id", batch.getId()).containsEntry("reason", "broken_output")
                .containsEntry("state", "EXPIRED").containsEntry("open_slots", 2);

        // a retry answers the skip stored first and stores nothing
        MockHttpServletResponse retry = skip(skipper, "{\"assignmentId\":" + held.assignmentId() + ",\"reason\":\"other\"}");
        assertThat(retry.getStatus()).isEqualTo(201);
        JsonNode again = JSON.readTree(retry.getContentAsString());
        assertThat(again.get("skipId")).isEqualTo(answer.get("skipId"));
        assertThat(again.get("reason").asString()).isEqualTo("broken_output");
        assertThat(again.get("next").get("assignmentId").asLong()).isEqualTo(next);
        assertThat(skipsOfBatch(batch.getId())).isEqualTo(1);

        // another labeler gets the skipped comparison's slot
        SignedInUser other = fixtures.signedIn(Role.LABELER);
        assertThat(comparisonOf(fixtures.heldAssignment(other.id()))).isEqualTo(skipped);

        // the skipper, once done with the other comparison, is not given the skipped one again (it still has a slot)
        MockHttpServletResponse labelled = mvc.perform(post("/api/labeling/labels-and-next").with(user(skipper))
                .with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + next + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":3}"))
                .andReturn().getResponse();
        assertThat(labelled.getStatus()).isEqualTo(201);
        assertThat(JSON.readTree(labelled.getContentAsString()).get("next").isNull()).isTrue();

        assertThat(stats.of(skipper.id()).skipsTotal()).isEqualTo(1);
        assertThat(stats.of(other.id()).skipsTotal()).isZero();
        assertThat(progress.all().stream().filter(b -> b.id() == batch.getId()).findFirst().orElseThrow().skips())
                .isEqualTo(1);
    }

    @Test
    void refusalsNameTheFieldAndStoreNothing() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 3);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long held = fixtures.heldAssignment(labeler.id());
        SignedInUser stranger = fixtures.signedIn(Role.LABELER);
        long strangers = fixtures.heldAssignment(stranger.id());

        String[][] cases = {
                {"{\"reason\":\"other\"}", "400", "assignmentId"},
                {"{\"assignmentId\":" + held + "}", "400", "reason"},
                {"{\"assignmentId\":" + held + ",\"reason\":\"bored\"}", "400", "reason"},
                {"{\"assignmentId\":" + held + ",\"reason\":\"other\",\"text\":\"" + "x".repeat(2001) + "\"}", "400", "text"},
                {"{\"assignmentId\":" + held + ",\"reason\":\"other\",\"text\":5}", "400", "text"},
                {"{\"assignmentId\":\"" + held + "\",\"reason\":\"other\"}", "400", "assignmentId"},
                {"{\"assignmentId\":" + held + ",\"reason\":\"other\",\"why\":\"x\"}", "400", "why"},
                {"{\"assignmentId\":999999999,\"reason\":\"other\"}", "404", "assignmentId"},
                {"{\"assignmentId\":" + strangers + ",\"reason\":\"other\"}", "403", "assignmentId"},
        };
        for (String[] c : cases) {
            MockHttpServletResponse response = skip(labeler, c[0]);
            assertThat(response.getStatus()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(JSON.readTree(response.getContentAsString()).get("field").asString()).as(c[0]).isEqualTo(c[2]);
        }
        assertThat(skipsOfBatch(batch.getId())).isZero();

        // an answered assignment cannot be skipped (409), nor one whose lease ran out (410)
        mvc.perform(post("/api/labeling/labels").with(user(labeler)).with(csrf().asHeader())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":2}"));
        assertThat(skip(labeler, "{\"assignmentId\":" + held + ",\"reason\":\"other\"}").getStatus()).isEqualTo(409);
        fixtures.expireLease(strangers);
        assertThat(skip(stranger, "{\"assignmentId\":" + strangers + ",\"reason\":\"other\"}").getStatus()).isEqualTo(410);
        assertThat(skipsOfBatch(batch.getId())).isZero();
    }

    @Test
    void theFormSkipsAndTheNextPageShowsTheNextComparison() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.BEST_OF_4, 1, false, 2);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long held = fixtures.heldAssignment(labeler.id());

        MockHttpServletResponse response = mvc.perform(post("/labeling/skips").with(user(labeler)).with(csrf())
                .param("assignmentId", String.valueOf(held)).param("reason", "cannot_judge").param("text", ""))
                .andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(response.getRedirectedUrl()).isEqualTo("/labeling");
        assertThat(fixtures.jdbc().sql("SELECT reason || '/' || coalesce(text, '-') FROM skips WHERE assignment_id = ?")
                .param(held).query(String.class).single()).isEqualTo("cannot_judge/-");
        AssignmentView next = assignments.currentOrNext(labeler.id()).orElseThrow();
        assertThat(next.assignmentId()).isNotEqualTo(held);

        MockHttpServletResponse forged = mvc.perform(post("/labeling/skips").with(user(labeler)).with(csrf())
                .param("assignmentId", "abc").param("reason", "other")).andReturn().getResponse();
        assertThat(forged.getStatus()).isEqualTo(400);
        assertThat(forged.getContentAsString()).contains("assignmentId");
        assertThat(skipsOfBatch(batch.getId())).isEqualTo(1);
    }
}
