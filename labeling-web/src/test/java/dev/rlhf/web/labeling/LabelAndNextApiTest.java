package dev.rlhf.web.labeling;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** {@code POST /api/labeling/labels-and-next}: one request stores the label and hands out the next assignment. */
@PlatformTest
class LabelAndNextApiTest extends MockMvcTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();


    private MockHttpServletResponse labelAndNext(SignedInUser labeler, String body) throws Exception {
        return mvc.perform(post("/api/labeling/labels-and-next").with(user(labeler)).with(csrf().asHeader())
                .contentType(MediaType.APPLICATION_JSON).content(body)).andReturn().getResponse();
    }

    @Test
    void storesTheLabelAndAnswersTheNextAssignmentTheSameOnARetry() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 2);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long first = fixtures.heldAssignment(labeler.id());
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

    private void showInOrder(long assignmentId, Integer... displayOrder) {
        fixtures.jdbc().sql("UPDATE assignments SET display_order = ? WHERE id = ?").params(displayOrder, assignmentId)
                .update();
    }

    private List<Object> stored(long assignmentId) {
        return fixtures.jdbc().sql("SELECT choice, confidence FROM labels WHERE assignment_id = ?").param(assignmentId)
                .query((rs, n) -> java.util.Arrays.asList(rs.getObject(1), rs.getObject(2))).single();
    }

    private static List<Object> receipt(JsonNode label) {
        return java.util.Arrays.asList(label.get("choice").isNull() ? null : label.get("choice").asInt(),
                label.get("confidence").isNull() ? null : label.get("confidence").asInt());
    }

    /**
     * The receipt repeats the answer in screen terms whatever the hidden display order: screen confidence 2 is
     * (choice 0, confidence 2) with summary 0 on the left and with summary 1 on the left, first time and on a retry,
     * on both endpoints; only the stored label is canonical.
     */
    @Test
    void theReceiptSpeaksInScreenTermsWhateverTheHiddenOrder() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 3);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long first = fixtures.heldAssignment(labeler.id());
        showInOrder(first, 1, 0);
        String firstBody = "{\"assignmentId\":" + first + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":2}";
        JsonNode answer = JSON.readTree(labelAndNext(labeler, firstBody).getContentAsString());
        assertThat(receipt(answer.get("label"))).containsExactly(0, 2);
        assertThat(stored(first)).containsExactly(1, 8);
        // a retry is judged by the two-step path, which reads the stored (canonical) label back
        assertThat(receipt(JSON.readTree(labelAndNext(labeler, firstBody).getContentAsString()).get("label")))
                .containsExactly(0, 2);
        MockHttpServletResponse retryOnLabels = mvc.perform(post("/api/labeling/labels").with(user(labeler))
                .with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON).content(firstBody)).andReturn().getResponse();
        assertThat(receipt(JSON.readTree(retryOnLabels.getContentAsString()))).containsExactly(0, 2);

        long second = answer.get("next").get("assignmentId").asLong();
        showInOrder(second, 0, 1);
        JsonNode secondAnswer = JSON.readTree(labelAndNext(labeler,
                "{\"assignmentId\":" + second + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":2}")
                .getContentAsString());
        assertThat(receipt(secondAnswer.get("label"))).containsExactly(0, 2);
        assertThat(stored(second)).containsExactly(0, 2);

        long third = secondAnswer.get("next").get("assignmentId").asLong();
        showInOrder(third, 1, 0);
        MockHttpServletResponse onLabels = mvc.perform(post("/api/labeling/labels").with(user(labeler))
                .with(csrf().asHeader()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + third + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":7}"))
                .andReturn().getResponse();
        assertThat(onLabels.getStatus()).isEqualTo(201);
        assertThat(receipt(JSON.readTree(onLabels.getContentAsString()))).containsExactly(1, 7);
        assertThat(stored(third)).containsExactly(0, 3);
    }

    /** Best-of-4: the receipt's choice is the screen position picked, not the canonical index stored. */
    @Test
    void aBestOfFourReceiptNamesTheScreenPosition() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.BEST_OF_4, 1, false, 1);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long held = fixtures.heldAssignment(labeler.id());
        showInOrder(held, 2, 3, 0, 1);
        String body = "{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"choice\":1}";
        JsonNode answer = JSON.readTree(labelAndNext(labeler, body).getContentAsString());
        assertThat(receipt(answer.get("label"))).containsExactly(1, null);
        assertThat(stored(held)).containsExactly(3, null);
        assertThat(receipt(JSON.readTree(labelAndNext(labeler, body).getContentAsString()).get("label")))
                .containsExactly(1, null);
    }

    @Test
    void refusalsNameTheFieldStoreNothingAndHandOutNothing() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 2);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        long held = fixtures.heldAssignment(labeler.id());
        long labelsBefore = fixtures.labelCount();

        MockHttpServletResponse tie = labelAndNext(labeler,
                "{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":5}");
        assertThat(tie.getStatus()).isEqualTo(400);
        assertThat(tie.getContentAsString()).contains("\"field\":\"confidence\"");
        MockHttpServletResponse noKey = labelAndNext(labeler, "{\"assignmentId\":" + held + ",\"confidence\":3}");
        assertThat(noKey.getStatus()).isEqualTo(400);
        assertThat(noKey.getContentAsString()).contains("\"field\":\"idempotencyKey\"");
        SignedInUser other = fixtures.signedIn(Role.LABELER);
        MockHttpServletResponse notYours = labelAndNext(other,
                "{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":3}");
        assertThat(notYours.getStatus()).isEqualTo(403);
        assertThat(notYours.getContentAsString()).contains("\"field\":\"assignmentId\"");

        assertThat(fixtures.labelCount()).isEqualTo(labelsBefore);
        // the refused labeler still holds the same assignment; the other labeler was given none by the refusal
        assertThat(fixtures.heldAssignment(labeler.id())).isEqualTo(held);
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM assignments WHERE labeler_id = ?").param(other.id())
                .query(Long.class).single()).isZero();
    }
}
