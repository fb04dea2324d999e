package dev.rlhf.web.api;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.importing.FeedbackLines;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@PlatformTest
class OpenApiDocumentTest extends MockMvcTest {
    @Test
    void theApiIsDocumentedAndServedToSignedInUsers() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String body = mvc.perform(get("/v3/api-docs").with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        JsonNode doc = FeedbackLines.JSON.readTree(body);
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        assertThat(doc.get("info").get("title").asString()).isEqualTo("RLHF labeling platform API");
        JsonNode paths = doc.get("paths");
        assertThat(paths.propertyNames()).contains("/api/imports", "/api/imports/{id}", "/api/exports/{format}",
                "/api/batches", "/api/batches/{id}/state", "/api/labels", "/api/quality/labelers",
                "/api/quality/batches", "/api/accounts", "/api/gold", "/api/qualification-tests", "/api/labeling/next",
                "/api/labeling/labels", "/api/labeling/labels-and-next");
        assertThat(paths.get("/api/imports").get("post").get("parameters").toString()).contains("kind").contains("wait");
        assertThat(paths.get("/api/exports/{format}").get("get").get("parameters").toString())
                .contains("batch").contains("split").contains("labeler").contains("from").contains("to");
        // the label endpoints read their body as a tree (strict types) but document it as a LabelSubmission
        assertThat(paths.get("/api/labeling/labels-and-next").get("post").get("requestBody").toString())
                .contains("LabelSubmission");
        assertThat(doc.get("components").get("schemas").get("LabelSubmission").get("properties").propertyNames())
                .contains("assignmentId", "idempotencyKey", "confidence", "choice", "flags", "note");
        mvc.perform(get("/swagger-ui/index.html").with(user(researcher))).andExpect(status().isOk());
    }
}
