package dev.rlhf.web.batch;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.importing.FeedbackLines;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * A batch's instructions: set when it is built (form and API) or later, at most 4,000 characters (refused naming
 * {@code instructions}, nothing changed), blank removes them, and labelers get them with each assignment.
 */
@PlatformTest
class BatchInstructionsTest extends MockMvcTest {
    @Autowired
    FileImporter importer;

    @TempDir
    Path dir;

    private String stored(long batchId) {
        return (String) fixtures.jdbc().sql("SELECT instructions FROM batches WHERE id = ?").param(batchId).query()
                .singleRow().get("instructions");
    }

    private MockHttpServletResponse setByApi(SignedInUser admin, long batchId, String json) throws Exception {
        return mvc.perform(post("/api/batches/" + batchId + "/instructions").with(csrf()).with(user(admin))
                .contentType(MediaType.APPLICATION_JSON).content(json)).andReturn().getResponse();
    }

    @Test
    void builtWithInstructionsOnTheFormAndTheApi() throws Exception {
        String run = "instr" + System.nanoTime();
        GoldSource.importSixPostsTwoGold(importer, fixtures, dir, run);
        SignedInUser admin = fixtures.signedIn(Role.ADMIN);

        MockHttpServletResponse form = mvc.perform(post("/admin/batches").with(csrf()).with(user(admin))
                .param("name", run + "-form").param("mode", "PAIRWISE").param("overlapK", "1").param("goldRate", "0")
                .param("posts", run + "-p1 " + run + "-p2").param("sources", "reference, sup")
                .param("instructions", "  Read the whole post.\r\nThen choose.  ")).andReturn().getResponse();
        assertThat(form.getStatus()).isEqualTo(302);
        long formBatch = fixtures.jdbc().sql("SELECT id FROM batches WHERE name = ?").param(run + "-form").query(Long.class).single();
        assertThat(stored(formBatch)).isEqualTo("Read the whole post.\nThen choose.");

        MockHttpServletResponse api = mvc.perform(post("/api/batches").with(csrf()).with(user(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"" + run + "-api\",\"mode\":\"PAIRWISE\",\"posts\":[\"" + run + "-p3\"],"
                        + "\"sources\":[\"reference\",\"sup\"],\"instructions\":\"Ignore typos.\"}"))
                .andReturn().getResponse();
        assertThat(api.getStatus()).isEqualTo(201);
        assertThat(stored(FeedbackLines.JSON.readTree(api.getContentAsString()).get("id").longValue())).isEqualTo("Ignore typos.");

        MockHttpServletResponse tooLong = mvc.perform(post("/api/batches").with(csrf()).with(user(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"" + run + "-long\",\"mode\":\"PAIRWISE\",\"posts\":[\"" + run + "-p4\"],"
                        + "\"sources\":[\"reference\",\"sup\"],\"instructions\":\"" + "x".repeat(4001) + "\"}"))
                .andReturn().getResponse();
        assertThat(tooLong.getStatus()).isEqualTo(400);
        JsonNode error = FeedbackLines.JSON.readTree(tooLong.getContentAsString());
        assertThat(error.get("field").asString()).isEqualTo("instructions");
        assertThat(error.get("message").asString()).contains("4001").contains("4000");
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM batches WHERE name = ?").param(run + "-long")
                .query(Long.class).single()).isZero();

        MockHttpServletResponse tooLongOnTheForm = mvc.perform(post("/admin/batches").with(csrf()).with(user(admin))
                .param("name", run + "-form-long").param("mode", "PAIRWISE").param("posts", run + "-p5")
                .param("sources", "reference").param("instructions", "y".repeat(4001))).andReturn().getResponse();
        assertThat(tooLongOnTheForm.getStatus()).isEqualTo(400);
        assertThat(tooLongOnTheForm.getContentAsString()).contains("instructions: instructions are 4001 characters long");
    }

    @Test
    void changedLaterAndHandedOutWithEachAssignment() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 2, false, 2);
        SignedInUser admin = fixtures.signedIn(Role.ADMIN);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);

        MockHttpServletResponse set = setByApi(admin, batch.getId(), "{\"instructions\":\"Line one\\nLine two\"}");
        assertThat(set.getStatus()).isEqualTo(200);
        assertThat(FeedbackLines.JSON.readTree(set.getContentAsString()).get("instructions").asString())
                .isEqualTo("Line one\nLine two");
        JsonNode next = FeedbackLines.JSON.readTree(mvc.perform(post("/api/labeling/next").with(csrf()).with(user(labeler)))
                .andReturn().getResponse().getContentAsString());
        assertThat(next.get("instructions").asString()).isEqualTo("Line one\nLine two");

        MockHttpServletResponse tooLong = setByApi(admin, batch.getId(), "{\"instructions\":\"" + "z".repeat(4001) + "\"}");
        assertThat(tooLong.getStatus()).isEqualTo(400);
        assertThat(FeedbackLines.JSON.readTree(tooLong.getContentAsString()).get("field").asString()).isEqualTo("instructions");
        assertThat(stored(batch.getId())).isEqualTo("Line one\nLine two");

        // the page's form; a blank text removes them, and the next assignment comes without
        MockHttpServletResponse cleared = mvc.perform(post("/admin/batches/" + batch.getId() + "/instructions")
                .with(csrf()).with(user(admin)).param("instructions", "   ")).andReturn().getResponse();
        assertThat(cleared.getStatus()).isEqualTo(302);
        assertThat(stored(batch.getId())).isNull();
        long held = next.get("assignmentId").asLong();
        MockHttpServletResponse labelled = mvc.perform(post("/api/labeling/labels-and-next").with(csrf().asHeader())
                .with(user(labeler)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + held + ",\"idempotencyKey\":\"instr-" + System.nanoTime() + "\",\"confidence\":2}"))
                .andReturn().getResponse();
        JsonNode after = FeedbackLines.JSON.readTree(labelled.getContentAsString()).get("next");
        assertThat(after.get("assignmentId").asLong()).isNotEqualTo(held);
        assertThat(after.get("instructions").isNull()).isTrue();

        // labels-and-next hands them out in the same statement as the claim
        setByApi(admin, batch.getId(), "{\"instructions\":\"Back again\"}");
        SignedInUser second = fixtures.signedIn(Role.LABELER);
        JsonNode claimed = FeedbackLines.JSON.readTree(mvc.perform(post("/api/labeling/next").with(csrf()).with(user(second)))
                .andReturn().getResponse().getContentAsString());
        JsonNode secondNext = FeedbackLines.JSON.readTree(mvc.perform(post("/api/labeling/labels-and-next").with(csrf().asHeader())
                .with(user(second)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + claimed.get("assignmentId").asLong() + ",\"idempotencyKey\":\"instr2-"
                        + System.nanoTime() + "\",\"confidence\":8}"))
                .andReturn().getResponse().getContentAsString()).get("next");
        assertThat(secondNext.get("instructions").asString()).isEqualTo("Back again");
    }
}
