package dev.rlhf.web.batch;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.importing.FeedbackLines;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.labeling.AssignmentService;
import dev.rlhf.web.labeling.AssignmentView;
import dev.rlhf.web.labeling.LabelSubmission;
import dev.rlhf.web.labeling.LabelSubmissionService;
import dev.rlhf.web.quality.QualificationTests;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * An admin builds a batch from imported posts and summary sources with a gold rate, opens, pauses and resumes
 * it; gold arrives at the rate on the same page as real work; a paused labeler gets no work; a new labeler must
 * pass the qualification test first, and a labeler at work when a test is activated gets no further work until
 * passing it.
 */
@PlatformTest
class BatchBuildingAndOnboardingTest extends MockMvcTest {
    @Autowired
    FileImporter importer;
    @Autowired
    AssignmentService assignments;
    @Autowired
    LabelSubmissionService submissions;
    @Autowired
    QualificationTests qualification;

    @TempDir
    Path dir;

    private String sourceData(String run) {
        return GoldSource.importSixPostsTwoGold(importer, fixtures, dir, run);
    }

    @Test
    void buildOpenPauseResumeWithGoldThatLooksLikeRealWork() throws Exception {
        String run = "build" + System.nanoTime();
        sourceData(run);
        SignedInUser admin = fixtures.signedIn(Role.ADMIN);
        String posts = "\"" + run + "-p1\",\"" + run + "-p2\",\"" + run + "-p3\",\"" + run + "-p4\",\"" + run + "-p5\",\""
                + run + "-p6\",\"" + run + "-missing\"";
        String body = mvc.perform(post("/api/batches").with(csrf()).with(user(admin)).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"" + run + "-new\",\"mode\":\"PAIRWISE\",\"overlapK\":1,\"tiesAllowed\":false,"
                                + "\"goldRate\":0.25,\"priority\":5,\"posts\":[" + posts + "],\"sources\":[\"reference\",\"sup\"]}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.comparisons").value(6))
                .andExpect(jsonPath("$.gold").value(2))   // round(0.25 · 6 / 0.75)
                .andExpect(jsonPath("$.skipped[0]").value(run + "-missing: no such post"))
                .andReturn().getResponse().getContentAsString();
        long batchId = FeedbackLines.JSON.readTree(body).get("id").longValue();
        assertThat(fixtures.jdbc().sql("SELECT state FROM batches WHERE id = ?").param(batchId).query(String.class).single())
                .isEqualTo("DRAFT");
        assertThat(fixtures.jdbc().sql("""
                        SELECT count(*) FROM comparisons c JOIN gold_answers g ON g.comparison_id = c.id
                        WHERE c.batch_id = ? AND c.is_gold""").param(batchId).query(Long.class).single()).isEqualTo(2);
        // bad input names the field
        mvc.perform(post("/api/batches").with(csrf()).with(user(admin)).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"" + run + "-x\",\"mode\":\"BEST_OF_4\",\"tiesAllowed\":true,\"posts\":[\"a\"],\"sources\":[\"ref\"]}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("tiesAllowed"));

        fixtures.jdbc().sql("UPDATE batches SET state = 'CLOSED' WHERE state = 'OPEN'").update();
        state(admin, batchId, "OPEN");
        long labeler = fixtures.user(Role.LABELER).getId();
        SignedInUser labelerUser = fixtures.signedIn(fixtures.jdbc().sql("SELECT username FROM users WHERE id = ?")
                .param(labeler).query(String.class).single());

        Set<String> goldShapes = new HashSet<>();
        Set<String> realShapes = new HashSet<>();
        int gold = 0;
        for (int i = 0; i < 8; i++) {
            if (i == 3) {
                // a paused labeler gets no new work; resumed, they do
                mvc.perform(post("/api/accounts/" + labeler + "/paused").with(csrf()).with(user(admin))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"value\":true}")).andExpect(status().isOk());
                assertThat(assignments.currentOrNext(labeler)).isEmpty();
                mvc.perform(post("/api/accounts/" + labeler + "/paused").with(csrf()).with(user(admin))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"value\":false}")).andExpect(status().isOk());
                // pausing ended the labeler's session: the one signed in before is sent to the login page
                assertThat(mvc.perform(get("/labeling").with(user(labelerUser))).andReturn().getResponse()
                        .getRedirectedUrl()).endsWith("/login");
                labelerUser = fixtures.signedIn(labelerUser.username());
                // pausing the batch stops work too, resuming brings it back
                state(admin, batchId, "PAUSED");
                assertThat(assignments.currentOrNext(labeler)).isEmpty();
                state(admin, batchId, "OPEN");
            }
            String html = mvc.perform(get("/labeling").with(user(labelerUser))).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            AssignmentView view = assignments.currentOrNext(labeler).orElseThrow();
            boolean isGold = fixtures.jdbc().sql("""
                            SELECT c.is_gold FROM assignments a JOIN comparisons c ON c.id = a.comparison_id WHERE a.id = ?""")
                    .param(view.assignmentId()).query(Boolean.class).single();
            (isGold ? goldShapes : realShapes).add(shape(html));
            assertThat(html.toLowerCase()).doesNotContain("gold answer").doesNotContain("is_gold");
            gold += isGold ? 1 : 0;
            submissions.submit(labeler, new LabelSubmission(view.assignmentId(), "k-" + UUID.randomUUID(), 2, null, null, null));
        }
        assertThat(gold).isEqualTo(2);
        assertThat(assignments.currentOrNext(labeler)).isEmpty();
        assertThat(goldShapes).hasSize(1);
        assertThat(goldShapes).isEqualTo(realShapes);
        state(admin, batchId, "CLOSED");
        mvc.perform(post("/api/batches/" + batchId + "/state").with(csrf()).with(user(admin))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"state\":\"OPEN\"}"))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("state"));
    }

    private void state(SignedInUser admin, long batchId, String state) throws Exception {
        mvc.perform(post("/api/batches/" + batchId + "/state").with(csrf()).with(user(admin))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"state\":\"" + state + "\"}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value(state));
    }


    /**
     * Each attempt draws its own order: over twenty labelers' attempts both items come first and each summary is
     * shown on both sides (the chance that twenty fair draws all agree is about 2 in a million), a reload shows the
     * same attempt again, and answering by what is shown passes whatever the sides.
     */
    @Test
    void eachQualificationAttemptShowsTheItemsInItsOwnOrder() throws Exception {
        String run = "shuffle" + System.nanoTime();
        var test = qualification.create(run + "-test", new BigDecimal("1.0"), sourceData(run), null, null);
        try {
            Set<String> firstItems = new HashSet<>();
            Set<String> leftOfPost1 = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                SignedInUser labeler = fixtures.signedIn(Role.LABELER);
                String page = mvc.perform(get("/labeling/qualification").with(user(labeler)))
                        .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
                String reload = mvc.perform(get("/labeling/qualification").with(user(labeler)))
                        .andReturn().getResponse().getContentAsString();
                assertThat(QualificationPage.attemptId(reload)).isEqualTo(QualificationPage.attemptId(page));
                Map<Integer, String[]> shown = QualificationPage.shownItems(page);
                assertThat(shown).hasSize(2);
                assertThat(QualificationPage.shownItems(reload).get(0)).containsExactly(shown.get(0));
                firstItems.add(shown.get(0)[0].substring(shown.get(0)[0].length() - 1));
                Map<String, String> right = new java.util.HashMap<>();
                for (Map.Entry<Integer, String[]> item : shown.entrySet()) {
                    String left = item.getValue()[0];
                    if (left.endsWith(" 1")) {
                        leftOfPost1.add(left);
                    }
                    boolean leftBetter = left.equals("Reference summary 1") || left.equals("Sampled summary 2");
                    right.put("answer-" + item.getKey(), leftBetter ? "2" : "8");
                }
                mvc.perform(QualificationPage.answers(post("/labeling/qualification").with(csrf()).with(user(labeler))
                                .param("attemptId", String.valueOf(QualificationPage.attemptId(page))), right))
                        .andExpect(status().isOk());
                assertThat(fixtures.jdbc().sql("SELECT passed FROM qualification_results WHERE user_id = ?")
                        .param(labeler.id()).query(Boolean.class).single()).as("attempt %d", i).isTrue();
            }
            assertThat(firstItems).as("which item comes first").containsExactlyInAnyOrder("1", "2");
            assertThat(leftOfPost1).as("which summary of post 1 is on the left")
                    .containsExactlyInAnyOrder("Reference summary 1", "Sampled summary 1");
        } finally {
            qualification.deactivate(test.id());
        }
    }

    /** The page's HTML with every text and attribute value blanked: what is left is its shape. */
    private static String shape(String html) {
        return html.replaceAll(">[^<]*<", "><").replaceAll("=\"[^\"]*\"", "=\"\"");
    }

    @Test
    void aNewLabelerMustPassTheQualificationTestFirst() throws Exception {
        String run = "qual" + System.nanoTime();
        String source = sourceData(run);
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 2);
        // a labeler already at work when the test is activated
        SignedInUser atWork = fixtures.signedIn(Role.LABELER);
        long held = fixtures.heldAssignment(atWork.id());
        var test = qualification.create(run + "-test", new BigDecimal("1.0"), source, 3, 0);
        try {
            assertThat(test.items()).isEqualTo(2);
            var labeler = fixtures.user(Role.LABELER);
            SignedInUser signedIn = fixtures.signedIn(labeler);
            mvc.perform(get("/labeling").with(user(signedIn))).andExpect(redirectedUrl("/labeling/qualification"));
            mvc.perform(post("/api/labeling/next").with(csrf()).with(user(signedIn)))
                    .andExpect(status().isForbidden()).andExpect(jsonPath("$.field").value("qualification"));
            // the gate is in the claim too: no path hands real work to a labeler who has not passed
            assertThat(assignments.currentOrNext(labeler.getId())).isEmpty();
            assertThat(fixtures.jdbc().sql("SELECT count(*) FROM assignments WHERE labeler_id = ?")
                    .param(labeler.getId()).query(Long.class).single()).isZero();

            // the labeler at work: the answer to the held assignment is stored, no next assignment comes with it,
            // and the next request for work is sent to the test
            mvc.perform(post("/api/labeling/labels-and-next").with(user(atWork)).with(csrf().asHeader())
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID()
                                    + "\",\"confidence\":3}"))
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.label.assignmentId").value(held))
                    .andExpect(jsonPath("$.next").doesNotExist());
            assertThat(fixtures.jdbc().sql("SELECT count(*) FROM labels WHERE assignment_id = ?")
                    .param(held).query(Long.class).single()).isEqualTo(1);
            assertThat(fixtures.jdbc().sql("SELECT count(*) FROM assignments WHERE labeler_id = ? AND state = 'ACTIVE'")
                    .param(atWork.id()).query(Long.class).single()).isZero();
            mvc.perform(post("/api/labeling/next").with(csrf()).with(user(atWork)))
                    .andExpect(status().isForbidden()).andExpect(jsonPath("$.field").value("qualification"));

            String page = mvc.perform(get("/labeling/qualification").with(user(signedIn))).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            assertThat(page).contains("Reference summary 1").contains("Sampled summary 2");
            // gold: post 1 → its reference summary better, post 2 → its sampled summary better; the attempt put
            // each item at its own place with its own sides, so answer by what the page shows
            Map<Integer, String[]> shown = QualificationPage.shownItems(page);
            long attempt = QualificationPage.attemptId(page);
            Map<String, String> wrongFirst = new java.util.HashMap<>();
            Map<String, String> right = new java.util.HashMap<>();
            for (Map.Entry<Integer, String[]> item : shown.entrySet()) {
                String better = item.getValue()[0].equals("Reference summary 1") || item.getValue()[0].equals("Sampled summary 2")
                        ? "1" : "9";
                String worse = better.equals("1") ? "8" : "2";
                boolean post1 = item.getValue()[0].endsWith(" 1");
                wrongFirst.put("answer-" + item.getKey(), post1 ? worse : better);
                right.put("answer-" + item.getKey(), better);
            }
            mvc.perform(QualificationPage.answers(post("/labeling/qualification").with(csrf()).with(user(signedIn))
                            .param("attemptId", String.valueOf(attempt)), wrongFirst))
                    .andExpect(status().isOk());
            mvc.perform(get("/labeling").with(user(signedIn))).andExpect(redirectedUrl("/labeling/qualification"));
            // the closed attempt cannot be answered again; the next visit opens a new one
            mvc.perform(QualificationPage.answers(post("/labeling/qualification").with(csrf()).with(user(signedIn))
                            .param("attemptId", String.valueOf(attempt)), right))
                    .andExpect(status().isNotFound());
            String again = mvc.perform(get("/labeling/qualification").with(user(signedIn))).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            assertThat(QualificationPage.attemptId(again)).isNotEqualTo(attempt);
            right.clear();
            for (Map.Entry<Integer, String[]> item : QualificationPage.shownItems(again).entrySet()) {
                boolean leftBetter = item.getValue()[0].equals("Reference summary 1") || item.getValue()[0].equals("Sampled summary 2");
                right.put("answer-" + item.getKey(), leftBetter ? "1" : "7");
            }
            mvc.perform(QualificationPage.answers(post("/labeling/qualification").with(csrf()).with(user(signedIn))
                            .param("attemptId", String.valueOf(QualificationPage.attemptId(again))), right))
                    .andExpect(status().isOk());
            mvc.perform(get("/labeling").with(user(signedIn))).andExpect(status().isOk());
            List<Map<String, Object>> results = fixtures.jdbc().sql("""
                            SELECT score, passed FROM qualification_results WHERE user_id = ? ORDER BY id""")
                    .param(labeler.getId()).query().listOfRows();
            assertThat(results).hasSize(2);
            assertThat(((BigDecimal) results.get(0).get("score"))).isEqualByComparingTo("0.5");
            assertThat(results.get(0).get("passed")).isEqualTo(false);
            assertThat(((BigDecimal) results.get(1).get("score"))).isEqualByComparingTo("1");
            assertThat(results.get(1).get("passed")).isEqualTo(true);
        } finally {
            qualification.deactivate(test.id());
        }
    }
}
