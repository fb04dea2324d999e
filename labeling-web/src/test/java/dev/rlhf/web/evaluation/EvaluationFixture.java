package dev.rlhf.web.evaluation;

import dev.rlhf.web.account.SignedInUser;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** Helpers of the evaluation tests: held-out posts in the database, and labelling through the labeler's JSON API. */
public final class EvaluationFixture {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a labeler answers about the policy's summary. */
    public enum Outcome { WIN, TIE, LOSS }

    private EvaluationFixture() {
    }

    /**
     * A post with a reference summary and one comparison in split {@code split} (in a CLOSED batch of its own, as an
     * imported validation set would be); returns the post id.
     */
    public static long postWithComparison(JdbcClient jdbc, String tag, int i, String split) {
        long post = jdbc.sql("INSERT INTO posts (source_id, subreddit, title, body) VALUES (?, 'relationships', ?, ?) RETURNING id")
                .params(tag + "-" + i, "Title " + i + " " + tag, "I am writing about thing number " + i + " of " + tag
                        + ". It went well and then it did not.")
                .query(Long.class).single();
        long ref = jdbc.sql("INSERT INTO summaries (post_id, text, policy, is_reference) VALUES (?, ?, 'ref', true) RETURNING id")
                .params(post, "reference summary " + i + " of " + tag).query(Long.class).single();
        long other = jdbc.sql("INSERT INTO summaries (post_id, text, policy) VALUES (?, ?, 'sup1') RETURNING id")
                .params(post, "another summary " + i + " of " + tag).query(Long.class).single();
        long batch = jdbc.sql("INSERT INTO batches (name, mode, overlap_k, state, imported) VALUES (?, 'PAIRWISE', 1, 'CLOSED', true) RETURNING id")
                .param(tag + "-source-" + i).query(Long.class).single();
        long comparison = jdbc.sql("INSERT INTO comparisons (post_id, batch_id, candidate_count, split) VALUES (?, ?, 2, ?) RETURNING id")
                .params(post, batch, split).query(Long.class).single();
        jdbc.sql("INSERT INTO comparison_summaries (comparison_id, position, summary_id) VALUES (?, 0, ?), (?, 1, ?)")
                .params(comparison, ref, comparison, other).update();
        return post;
    }

    /**
     * The labeler asks for work ({@code POST /api/labeling/next}) and answers it ({@code POST /api/labeling/labels}):
     * {@code plan} tells, from the texts on screen, the outcome for the summary {@code isPolicy} picks out; the
     * answer is given on the screen's 9-point scale (2: left clearly better, 8: right clearly better, 5: tie), so
     * the platform's own screen → canonical conversion stores it. Returns the post body shown, null when no work.
     */
    public static String labelNext(MockMvc mvc, SignedInUser labeler, Function<JsonNode, Outcome> plan,
                            Function<String, Boolean> isPolicy) throws Exception {
        MockHttpServletResponse next = mvc.perform(post("/api/labeling/next").with(user(labeler)).with(csrf().asHeader()))
                .andReturn().getResponse();
        if (next.getStatus() == 204) return null;
        assertThat(next.getStatus()).as(next.getContentAsString()).isEqualTo(200);
        String raw = next.getContentAsString();
        JsonNode work = JSON.readTree(raw);
        assertThat(raw).as("the labeler never sees a policy name").doesNotContain("policy").doesNotContain("summaryId");
        Outcome outcome = plan.apply(work);
        boolean policyLeft = isPolicy.apply(work.get("candidates").get(0).asString());
        assertThat(isPolicy.apply(work.get("candidates").get(1).asString())).isNotEqualTo(policyLeft);
        int confidence = switch (outcome) {
            case TIE -> 5;
            case WIN -> policyLeft ? 2 : 8;
            case LOSS -> policyLeft ? 8 : 2;
        };
        MockHttpServletResponse stored = mvc.perform(post("/api/labeling/labels").with(user(labeler)).with(csrf().asHeader())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"assignmentId\":" + work.get("assignmentId").asLong() + ",\"idempotencyKey\":\""
                        + UUID.randomUUID() + "\",\"confidence\":" + confidence + "}")).andReturn().getResponse();
        assertThat(stored.getStatus()).as(stored.getContentAsString()).isEqualTo(201);
        return work.get("body").asString();
    }
}
