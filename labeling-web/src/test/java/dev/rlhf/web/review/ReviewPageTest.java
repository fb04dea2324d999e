package dev.rlhf.web.review;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.labeling.LabelSubmission;
import dev.rlhf.web.labeling.LabelSubmissionService;
import dev.rlhf.web.labeling.SkipRequest;
import dev.rlhf.web.labeling.SkipService;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * The review page lists flagged or noted labels newest first, filtered by batch, labeler and flag, fifty a page; the
 * comparison page shows the prompt, the responses, every label and every skip; notes and texts are escaped.
 */
@PlatformTest
class ReviewPageTest extends MockMvcTest {
    private static final String SCRIPT = "<script>alert('note')</script> A is copied";
    private static final Pattern LABEL_ROW = Pattern.compile("<tr data-label=\"(\\d+)\"");

    @Autowired
    LabelSubmissionService submissions;
    @Autowired
    SkipService skips;

    /** The labeler claims their next comparison and answers it; returns the label id. */
    private long label(SignedInUser labeler, int confidence, List<String> flags, String note) {
        long held = fixtures.heldAssignment(labeler.id());
        return submissions.submit(labeler.id(), new LabelSubmission(held, UUID.randomUUID().toString(), confidence, null,
                flags, note)).labelId();
    }

    private SignedInUser labeler() {
        return fixtures.signedIn(Role.LABELER);
    }

    private String page(SignedInUser admin, String url) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(url).with(user(admin))).andReturn().getResponse();
        assertThat(response.getStatus()).as(url).isEqualTo(200);
        return response.getContentAsString();
    }

    /** The label ids in the page's table of flagged and noted labels, in order. */
    private static List<Long> rows(String html) {
        String table = html.substring(html.indexOf("id=\"reviewed-labels\""), html.indexOf("</table>", html.indexOf("id=\"reviewed-labels\"")));
        List<Long> ids = new ArrayList<>();
        Matcher m = LABEL_ROW.matcher(table);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    @Test
    void filtersByBatchLabelerAndFlagNewestFirstAndEscapesNotes() throws Exception {
        SignedInUser admin = fixtures.signedIn(Role.ADMIN);
        SignedInUser first = labeler(), second = labeler(), quiet = labeler(), skipper = labeler();
        Batch a = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 4, false, 1);
        long offensive = label(first, 2, List.of("offensive", "other"), SCRIPT);
        long duplicate = label(second, 8, List.of("duplicate"), null);
        label(quiet, 3, List.of(), null);
        long skipped = fixtures.heldAssignment(skipper.id());
        skips.skip(skipper.id(), new SkipRequest(skipped, "cannot_judge", "<i>medical</i> question"));
        long comparison = fixtures.jdbc().sql("SELECT comparison_id FROM labels WHERE id = ?").param(offensive)
                .query(Long.class).single();
        Batch b = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 1);
        long noted = label(first, 4, List.of(), "just a note");

        assertThat(rows(page(admin, "/admin/reviews?batch=" + a.getId()))).containsExactly(duplicate, offensive);
        assertThat(rows(page(admin, "/admin/reviews?batch=" + a.getId() + "&flag=offensive"))).containsExactly(offensive);
        assertThat(rows(page(admin, "/admin/reviews?batch=" + a.getId() + "&flag=low_quality"))).isEmpty();
        assertThat(rows(page(admin, "/admin/reviews?labeler=" + first.id()))).containsExactly(noted, offensive);
        assertThat(rows(page(admin, "/admin/reviews?labeler=" + first.id() + "&batch=" + b.getId()))).containsExactly(noted);
        assertThat(rows(page(admin, "/admin/reviews?labeler=" + quiet.id()))).isEmpty();
        String all = page(admin, "/admin/reviews");
        assertThat(rows(all)).startsWith(noted, duplicate, offensive);

        String html = page(admin, "/admin/reviews?batch=" + a.getId());
        assertThat(html).doesNotContain("<script>alert").contains("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt; A is copied");
        assertThat(html).contains("offensive, other").contains("href=\"/admin/comparisons/" + comparison + "\"");
        // the batch's skips: one, why, escaped
        assertThat(html).contains("data-skip=").contains("Can&#39;t judge / needs expertise")
                .contains("&lt;i&gt;medical&lt;/i&gt; question").doesNotContain("<i>medical");
        assertThat(html).containsPattern("<span>1</span> skips");

        String detail = page(admin, "/admin/comparisons/" + comparison);
        String[] texts = fixtures.jdbc().sql("""
                        SELECT p.body, (SELECT string_agg(s.text, '|' ORDER BY cs.position) FROM comparison_summaries cs
                                        JOIN summaries s ON s.id = cs.summary_id WHERE cs.comparison_id = c.id)
                        FROM comparisons c JOIN posts p ON p.id = c.post_id WHERE c.id = ?""")
                .param(comparison).query((rs, n) -> new String[]{rs.getString(1), rs.getString(2)}).single();
        assertThat(detail).contains(escape(texts[0]));
        for (String response : texts[1].split("\\|")) {
            assertThat(detail).contains(escape(response));
        }
        assertThat(detail).contains("data-label=\"" + offensive + "\"").contains("data-label=\"" + duplicate + "\"")
                .contains(first.getUsername()).contains(second.getUsername()).contains(quiet.getUsername())
                .contains(skipper.getUsername());
        assertThat(detail).doesNotContain("<script>alert").contains("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;");
        assertThat(detail).doesNotContain("<i>medical").contains("&lt;i&gt;medical&lt;/i&gt; question");
        // canonical answers in words: labels speak of response 1 and 2
        assertThat(detail).containsPattern("Response [12] better \\(confidence [2-8] of 9\\)");
    }

    @Test
    void fiftyAPageNewestFirst() throws Exception {
        SignedInUser admin = fixtures.signedIn(Role.ADMIN);
        SignedInUser busy = labeler();
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 52);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 52; i++) {
            ids.add(label(busy, 2, List.of("low_quality"), "note " + i));
        }
        List<Long> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);

        String first = page(admin, "/admin/reviews?labeler=" + busy.id());
        assertThat(rows(first)).containsExactlyElementsOf(newestFirst.subList(0, 50));
        assertThat(first).contains("<span>52</span> labels").contains("id=\"next-page\"").doesNotContain("id=\"previous-page\"");
        String second = page(admin, "/admin/reviews?labeler=" + busy.id() + "&page=2");
        assertThat(rows(second)).containsExactlyElementsOf(newestFirst.subList(50, 52));
        assertThat(second).contains("id=\"previous-page\"").doesNotContain("id=\"next-page\"");
        assertThat(rows(page(admin, "/admin/reviews?labeler=" + busy.id() + "&flag=duplicate"))).isEmpty();
        assertThat(mvc.perform(get("/admin/reviews?page=0").with(user(admin))).andReturn().getResponse().getStatus())
                .isEqualTo(400);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
