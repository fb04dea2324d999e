package dev.rlhf.web.labeling;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** The rendered pages: the best-of-4 screen, and the research and admin overviews showing real counts. */
@PlatformTest
class LabelingPagesTest extends MockMvcTest {
    @Autowired
    AssignmentService assignments;
    @Autowired
    LabelSubmissionService submissions;

    @Test
    void bestOfFourPageShowsFourCandidatesAndNoPolicies() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.BEST_OF_4, 1, false, 1);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);
        String html = mvc.perform(get("/labeling").with(user(labeler))).andReturn().getResponse().getContentAsString();
        AssignmentView view = assignments.currentOrNext(labeler.id()).orElseThrow();
        for (int position = 0; position < 4; position++) {
            assertThat(html).contains("id=\"choice-" + position + "\"");
            assertThat(html).contains(view.candidates().get(position).replace("'", "&#39;"));
        }
        // The policies that wrote this comparison's candidates appear nowhere in the page.
        List<String> policies = fixtures.jdbc().sql("""
                        SELECT s.policy FROM assignments a
                        JOIN comparison_summaries cs ON cs.comparison_id = a.comparison_id
                        JOIN summaries s ON s.id = cs.summary_id WHERE a.id = ?""")
                .param(view.assignmentId()).query(String.class).list();
        assertThat(policies).hasSize(4).allSatisfy(policy -> assertThat(html).doesNotContain(policy));
        assertThat(html).doesNotContain("name=\"confidence\"");
    }

    @Test
    void researchAndAdminPagesShowTheBatchesRealProgress() throws Exception {
        Batch batch = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 2, true, 3);
        long labeler = fixtures.user(Role.LABELER).getId();
        AssignmentView view = assignments.currentOrNext(labeler).orElseThrow();
        submissions.submit(labeler, new LabelSubmission(view.assignmentId(), UUID.randomUUID().toString(), 4, null, null, null));

        String research = mvc.perform(get("/research").with(user(fixtures.signedIn(Role.RESEARCHER))))
                .andReturn().getResponse().getContentAsString();
        String row = research.substring(research.indexOf("data-batch=\"" + batch.getName() + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains("<td class=\"comparisons\">3</td>").contains("<span>1</span> / <span>6</span>")
                .contains("<td class=\"k\">2</td>");

        String admin = mvc.perform(get("/admin").with(user(fixtures.signedIn("admin"))))
                .andReturn().getResponse().getContentAsString();
        assertThat(admin).contains("data-user=\"labeler\"").contains("data-user=\"researcher\"")
                .contains("data-batch=\"" + batch.getName() + "\"").contains("demo-pairwise");
    }
}
