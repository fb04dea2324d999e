package dev.rlhf.web.labeling;

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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** Forged and malformed posts get a 4xx that names the field, and store nothing. */
@PlatformTest
class BadInputTest extends MockMvcTest {
    SignedInUser labeler;
    long assignmentId;
    long labelsBefore;

    @BeforeEach
    void holdAnAssignmentInANoTiesBatch() {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 2);
        labeler = fixtures.signedIn(Role.LABELER);
        assignmentId = fixtures.heldAssignment(labeler.id());
        labelsBefore = fixtures.labelCount();
    }

    private MockHttpServletRequestBuilder form(String... fields) {
        MockHttpServletRequestBuilder request = post("/labeling/labels").with(user(labeler));
        for (int i = 0; i < fields.length; i += 2) {
            request.param(fields[i], fields[i + 1]);
        }
        return request;
    }

    private String key() {
        return UUID.randomUUID().toString();
    }

    private void refused(MockHttpServletRequestBuilder request, int status, String field) throws Exception {
        MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getContentAsString()).contains(field);
        assertThat(fixtures.labelCount()).as("nothing stored").isEqualTo(labelsBefore);
        assertThat(fixtures.jdbc().sql("SELECT state FROM assignments WHERE id = ?").param(assignmentId)
                .query(String.class).single()).isEqualTo("ACTIVE");
    }

    @Test
    void confidenceOutOfRange() throws Exception {
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "0").with(csrf()), 400, "confidence");
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "10").with(csrf()), 400, "confidence");
    }

    @Test
    void confidenceNotANumberOrMissing() throws Exception {
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "A-ish").with(csrf()), 400, "confidence");
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key()).with(csrf()), 400, "confidence");
    }

    @Test
    void tieOnABatchWithoutTies() throws Exception {
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "5").with(csrf()), 400, "confidence");
    }

    @Test
    void bestOfFourChoiceOnAPairwiseComparison() throws Exception {
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "choice", "1").with(csrf()), 400, "choice");
    }

    @Test
    void missingOrMalformedIdempotencyKey() throws Exception {
        refused(form("assignmentId", "" + assignmentId, "confidence", "3").with(csrf()), 400, "idempotencyKey");
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", "a b;drop", "confidence", "3").with(csrf()), 400, "idempotencyKey");
    }

    @Test
    void unknownOrForeignAssignment() throws Exception {
        refused(form("assignmentId", "987654321", "idempotencyKey", key(), "confidence", "3").with(csrf()), 404, "assignmentId");
        refused(form("assignmentId", "not-a-number", "idempotencyKey", key(), "confidence", "3").with(csrf()), 400, "assignmentId");
        SignedInUser other = fixtures.signedIn(Role.LABELER);
        refused(post("/labeling/labels").with(user(other)).with(csrf()).param("assignmentId", "" + assignmentId)
                .param("idempotencyKey", key()).param("confidence", "3"), 403, "assignmentId");
    }

    @Test
    void unknownFlagAndOverlongNote() throws Exception {
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "3", "flag", "boring").with(csrf()), 400, "flags");
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "3", "note", "x".repeat(2001)).with(csrf()), 400, "note");
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "3", "note", "nul\u0000byte").with(csrf()), 400, "note");
    }

    @Test
    void missingOrForgedCsrfToken() throws Exception {
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "3"), 403, "_csrf");
        refused(form("assignmentId", "" + assignmentId, "idempotencyKey", key(), "confidence", "3").with(csrf().useInvalidToken()), 403, "_csrf");
    }

    @Test
    void apiNamesTheFieldToo() throws Exception {
        refused(post("/api/labeling/labels").with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + assignmentId + ",\"idempotencyKey\":\"" + key() + "\",\"confidence\":10}"), 400, "\"field\":\"confidence\"");
        refused(post("/api/labeling/labels").with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + assignmentId + ",\"idempotencyKey\":\"" + key() + "\",\"confidence\":\"high\"}"), 400, "\"field\":\"confidence\"");
        refused(post("/api/labeling/labels").with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + assignmentId + ",\"confidence\":3}"), 400, "\"field\":\"idempotencyKey\"");
        refused(post("/api/labeling/labels").with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                .content("{not json"), 400, "\"status\":400");
        refused(post("/api/labeling/labels").with(user(labeler)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + assignmentId + ",\"idempotencyKey\":\"" + key() + "\",\"confidence\":3}"), 403, "_csrf");
    }

    /** JSON types are strict: nothing is rounded, parsed from a string or turned into a string; each refusal names the field. */
    @Test
    void apiTypesAreStrict() throws Exception {
        String start = "{\"assignmentId\":" + assignmentId + ",\"idempotencyKey\":\"" + key() + "\",";
        for (String endpoint : List.of("/api/labeling/labels", "/api/labeling/labels-and-next")) {
            for (String[] bad : new String[][]{
                    {"\"confidence\":2.7", "confidence"}, {"\"confidence\":\"3\"", "confidence"},
                    {"\"confidence\":1e0", "confidence"}, {"\"confidence\":3.0", "confidence"},
                    {"\"confidence\":3,\"note\":123", "note"}, {"\"confidence\":3,\"note\":[\"x\"]", "note"},
                    {"\"confidence\":3,\"flags\":\"unsuitable\"", "flags"}, {"\"confidence\":3,\"flags\":[1]", "flags"},
                    {"\"confidence\":3,\"confidnce\":3", "confidnce"}, {"\"confidence\":3,\"choice\":true", "choice"}}) {
                refused(post(endpoint).with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                        .content(start + bad[0] + "}"), 400, "\"field\":\"" + bad[1] + "\"");
            }
            refused(post(endpoint).with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"assignmentId\":\"" + assignmentId + "\",\"idempotencyKey\":\"" + key() + "\",\"confidence\":3}"),
                    400, "\"field\":\"assignmentId\"");
            refused(post(endpoint).with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"assignmentId\":" + assignmentId + ",\"idempotencyKey\":12345678,\"confidence\":3}"),
                    400, "\"field\":\"idempotencyKey\"");
            refused(post(endpoint).with(user(labeler)).with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                    .content("[3]"), 400, "JSON object");
        }
    }

    @Test
    void aValidFormIsStoredAndRedirectsToTheNextComparison() throws Exception {
        MockHttpServletResponse response = mvc.perform(form("assignmentId", "" + assignmentId, "idempotencyKey", key(),
                "confidence", "3", "flag", "unsuitable", "note", "fine").with(csrf())).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(response.getRedirectedUrl()).isEqualTo("/labeling");
        assertThat(fixtures.labelCount()).isEqualTo(labelsBefore + 1);
    }
}
