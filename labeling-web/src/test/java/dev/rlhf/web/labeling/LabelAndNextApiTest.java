package dev.rlhf.web.labeling;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** {@code POST /api/labeling/labels-and-next}: one request stores the label and hands out the next assignment. */
@PlatformTest
class LabelAndNextApiTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    AssignmentService assignments;

    private MockHttpServletResponse labelAndNext(SignedInUser labeler, String body) throws Exception {
        return mvc.perform(post("/api/labeling/labels-and-next").with(user(labeler)).with(csrf().asHeader())
                .contentType(MediaType.APPLICATION_JSON).content(body)).andReturn().getResponse();
    }

    @Test
    void storesTheLabelAndAnswersTheNextAssignmentTheSameOnARetry() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 2);
        SignedInUser labeler = fixtures.signedIn(fixtures.user(Role.LABELER));
        long first = assignments.currentOrNext(labeler.id()).orElseThrow().assignmentId();
        String body = "{\"assignmentId\":" + first + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":2}";

        MockHttpServletResponse response = labelAndNext(labeler, body);
        assertThat(response.getStatus()).isEqualTo(201);
        JsonNode answer = JSON.readTree(response.getContentAsString());
        assertThat(answer.get("label").get("assignmentId").asLong()).isEqualTo(first);
        long next = answer.get("next").get("assignmentId").asLong();
        assertThat(next).isNotEqualTo(first);
        assertThat(answer.get("next").get("candidates")).hasSize(2);
        assertThat(response.getContentAsString()).doesNotContain("policy").doesNotContain("summaryId");

        // a retry with the same key: the same label, the same next assignment, one row
        MockHttpServletResponse retry = labelAndNext(labeler, body);
        assertThat(retry.getStatus()).isEqualTo(201);
        JsonNode again = JSON.readTree(retry.getContentAsString());
        assertThat(again.get("label")).isEqualTo(answer.get("label"));
        assertThat(again.get("next").get("assignmentId").asLong()).isEqualTo(next);
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(1);

        // the last comparison: the label is stored and next is null
        MockHttpServletResponse last = labelAndNext(labeler,
                "{\"assignmentId\":" + next + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":8}");
        assertThat(last.getStatus()).isEqualTo(201);
        assertThat(JSON.readTree(last.getContentAsString()).get("next").isNull()).isTrue();
        assertThat(fixtures.labelsOfBatch(batch.getId())).isEqualTo(2);
    }

    @Test
    void refusalsNameTheFieldStoreNothingAndHandOutNothing() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 2);
        SignedInUser labeler = fixtures.signedIn(fixtures.user(Role.LABELER));
        long held = assignments.currentOrNext(labeler.id()).orElseThrow().assignmentId();
        long labelsBefore = fixtures.labelCount();

        MockHttpServletResponse tie = labelAndNext(labeler,
                "{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":5}");
        assertThat(tie.getStatus()).isEqualTo(400);
        assertThat(tie.getContentAsString()).contains("\"field\":\"confidence\"");
        MockHttpServletResponse noKey = labelAndNext(labeler, "{\"assignmentId\":" + held + ",\"confidence\":3}");
        assertThat(noKey.getStatus()).isEqualTo(400);
        assertThat(noKey.getContentAsString()).contains("\"field\":\"idempotencyKey\"");
        SignedInUser other = fixtures.signedIn(fixtures.user(Role.LABELER));
        MockHttpServletResponse notYours = labelAndNext(other,
                "{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":3}");
        assertThat(notYours.getStatus()).isEqualTo(403);
        assertThat(notYours.getContentAsString()).contains("\"field\":\"assignmentId\"");

        assertThat(fixtures.labelCount()).isEqualTo(labelsBefore);
        // the refused labeler still holds the same assignment; the other labeler was given none by the refusal
        assertThat(assignments.currentOrNext(labeler.id()).orElseThrow().assignmentId()).isEqualTo(held);
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM assignments WHERE labeler_id = ?").param(other.id())
                .query(Long.class).single()).isZero();
    }
}
