package dev.rlhf.web.api;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * A NUL character in any text of the API or the forms (run, snapshot, batch, account, qualification-test and gold
 * texts, export filters, a label's note) is 400 naming the field (its JSON path for bodies), and nothing is stored.
 */
@PlatformTest
class TextInputTest extends MockMvcTest {
    /** The JSON escape of the NUL character, as a client sends it. */
    private static final String NUL_JSON = "\\u0000";
    private static final List<String> TABLES = List.of("runs", "label_snapshots", "batches", "users",
            "qualification_tests", "gold_answers", "labels");


    SignedInUser admin;
    List<Long> rowsBefore;

    @BeforeEach
    void signIn() {
        admin = fixtures.signedIn(Role.ADMIN);
        rowsBefore = rows();
    }

    private List<Long> rows() {
        return TABLES.stream().map(t -> fixtures.jdbc().sql("SELECT count(*) FROM " + t).query(Long.class).single()).toList();
    }

    private void refusedJson(String path, String body, String field) throws Exception {
        refused(post(path).with(user(admin)).with(csrf()).contentType(MediaType.APPLICATION_JSON).content(body),
                "\"field\":\"" + field + "\"");
    }

    private void refused(MockHttpServletRequestBuilder request, String field) throws Exception {
        MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(400);
        assertThat(response.getContentAsString()).contains(field).contains("NUL character");
        assertThat(rows()).as("nothing stored").isEqualTo(rowsBefore);
    }

    @Test
    void jsonBodiesNameTheField() throws Exception {
        refusedJson("/api/runs", "{\"kind\":\"SFT\",\"name\":\"run" + NUL_JSON + "\"}", "name");
        refusedJson("/api/snapshots", "{\"name\":\"snap" + NUL_JSON + "\"}", "name");
        refusedJson("/api/batches", "{\"name\":\"b" + NUL_JSON + "\",\"mode\":\"PAIRWISE\",\"overlapK\":1,"
                + "\"posts\":[\"p\"],\"sources\":[\"reference\"]}", "name");
        refusedJson("/api/batches", "{\"name\":\"b\",\"mode\":\"PAIRWISE\",\"overlapK\":1,"
                + "\"posts\":[\"p\",\"q" + NUL_JSON + "\"],\"sources\":[\"reference\"]}", "posts[1]");
        refusedJson("/api/accounts", "{\"username\":\"nul-user\",\"password\":\"long-enough-password\",\"role\":\"LABELER\","
                + "\"pseudonym\":\"x" + NUL_JSON + "\"}", "pseudonym");
        refusedJson("/api/qualification-tests", "{\"name\":\"t" + NUL_JSON + "\",\"passMark\":0.5,\"goldBatch\":\"b\"}", "name");
        refusedJson("/api/gold", "{\"comparisonId\":1,\"choice\":0,\"rationale\":\"r" + NUL_JSON + "\"}", "rationale");
        refusedJson("/api/runs", "{\"kind\":\"SFT\",\"name\":\"n\",\"x" + NUL_JSON + "\":\"1\"}", "(a key)");
    }

    @Test
    void formsAndQueryParametersNameTheField() throws Exception {
        refused(post("/research/runs").with(user(admin)).with(csrf()).param("kind", "SFT").param("name", "run\u0000"), "name");
        refused(post("/research/snapshots").with(user(admin)).with(csrf()).param("name", "snap\u0000"), "name");
        refused(post("/admin/batches").with(user(admin)).with(csrf()).param("name", "b\u0000").param("mode", "PAIRWISE")
                .param("posts", "p").param("sources", "reference"), "name");
        refused(post("/admin/accounts").with(user(admin)).with(csrf()).param("username", "nul-user")
                .param("password", "long-enough-password").param("role", "LABELER").param("pseudonym", "x\u0000"), "pseudonym");
        refused(post("/admin/qualification").with(user(admin)).with(csrf()).param("name", "t\u0000").param("passMark", "0.5")
                .param("goldBatch", "b"), "name");
        refused(get("/api/exports/comparisons").with(user(admin)).param("batch", "b\u0000"), "batch");
        refused(get("/api/exports/pairs").with(user(admin)).param("labeler", "l\u0000"), "labeler");
        refused(get("/api/labels").with(user(admin)).param("batch", "b\u0000"), "batch");
    }

    @Test
    void aLabelsNoteNamesTheFieldOnTheApiAndTheForm() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 1);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long held = fixtures.heldAssignment(labeler.id());
        rowsBefore = rows();
        refused(post("/api/labeling/labels-and-next").with(user(labeler)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + held + ",\"idempotencyKey\":\"nul-note-key\",\"confidence\":2,\"note\":\"n"
                        + NUL_JSON + "\"}"), "\"field\":\"note\"");
        refused(post("/labeling/labels").with(user(labeler)).with(csrf()).param("assignmentId", "" + held)
                .param("idempotencyKey", "nul-note-form").param("confidence", "2").param("note", "n\u0000"), "note");
    }
}
