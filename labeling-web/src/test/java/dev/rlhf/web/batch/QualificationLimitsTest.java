package dev.rlhf.web.batch;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.labeling.LabelerStatsQuery;
import dev.rlhf.web.quality.QualificationTests;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Qualification cannot be brute-forced: attempts are limited with a cool-down between them, a labeler learns only
 * passed or not (never a score or which items were wrong), and qualification items are gold of their own, apart from
 * the gold that scores labelers.
 */
@PlatformTest
class QualificationLimitsTest extends MockMvcTest {
    @Autowired
    FileImporter importer;
    @Autowired
    QualificationTests qualification;
    @Autowired
    LabelerStatsQuery stats;
    @Autowired
    BatchBuilder batches;

    @TempDir
    Path dir;

    @AfterEach
    void retireTests() {
        fixtures.jdbc().sql("UPDATE qualification_tests SET active = false").update();
    }

    private String page(SignedInUser labeler) throws Exception {
        return mvc.perform(get("/labeling/qualification").with(user(labeler))).andReturn().getResponse().getContentAsString();
    }

    /** Answers attempt {@code attemptId} of {@code page}, every item right or every item wrong. */
    private MockHttpServletResponse submit(SignedInUser labeler, long attemptId, String page, boolean wrong) throws Exception {
        return mvc.perform(QualificationPage.answers(post("/labeling/qualification").with(csrf()).with(user(labeler))
                        .param("attemptId", String.valueOf(attemptId)), QualificationPage.answersFor(page, wrong)))
                .andReturn().getResponse();
    }

    private String submitWrong(SignedInUser labeler) throws Exception {
        String page = page(labeler);
        MockHttpServletResponse result = submit(labeler, QualificationPage.attemptId(page), page, true);
        assertThat(result.getStatus()).isEqualTo(200);
        return result.getContentAsString();
    }

    /** A qualification test ({@code run}-test, pass mark 1.0) on the two gold items of six posts imported for it. */
    private QualificationTests.Test qualificationTest(String run, Integer maxAttempts, Integer coolDownMinutes) {
        return qualification.create(run + "-test", new BigDecimal("1.0"),
                GoldSource.importSixPostsTwoGold(importer, fixtures, dir, run), maxAttempts, coolDownMinutes);
    }

    private long attempts(SignedInUser labeler) {
        return fixtures.jdbc().sql("SELECT count(*) FROM qualification_attempts WHERE user_id = ?").param(labeler.id())
                .query(Long.class).single();
    }

    @Test
    void attemptsAreLimitedAndTheLabelerLearnsOnlyWhetherTheyPassed() throws Exception {
        String run = "limit" + System.nanoTime();
        qualificationTest(run, 2, 0);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);

        String first = submitWrong(labeler);
        assertThat(first).contains("Not passed").contains("1</span> attempt(s) left")
                .doesNotContain(" right").doesNotContain("%").doesNotContain("summary 1").doesNotContain("summary 2");
        String lastPage = page(labeler);
        long lastAttempt = QualificationPage.attemptId(lastPage);
        String second = submitWrong(labeler);
        assertThat(second).contains("Not passed").contains("You have used every attempt").doesNotContain("%");

        // no third attempt: the page says so and opens none; the last attempt cannot be answered again
        String after = page(labeler);
        assertThat(QualificationPage.hasAttempt(after)).isFalse();
        assertThat(after).contains("You have used all").contains("2</span> attempts");
        assertThat(attempts(labeler)).isEqualTo(2);
        assertThat(submit(labeler, lastAttempt, lastPage, false).getStatus()).isEqualTo(404);
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM qualification_results WHERE user_id = ? AND passed")
                .param(labeler.id()).query(Long.class).single()).isZero();
        assertThat(mvc.perform(get("/labeling").with(user(labeler))).andReturn().getResponse().getRedirectedUrl())
                .isEqualTo("/labeling/qualification");
    }

    @Test
    void aCoolDownSeparatesAttempts() throws Exception {
        String run = "cool" + System.nanoTime();
        qualificationTest(run, 3, 60);
        SignedInUser labeler = fixtures.signedIn(Role.LABELER);

        assertThat(submitWrong(labeler)).contains("2</span> attempt(s) left; the next one opens at");
        String waiting = page(labeler);
        assertThat(QualificationPage.hasAttempt(waiting)).isFalse();
        assertThat(waiting).contains("Your next attempt").contains("opens at");
        assertThat(attempts(labeler)).isEqualTo(1);

        // an hour and a minute later (the last attempt moved back in time) the next attempt opens and can be passed
        fixtures.jdbc().sql("UPDATE qualification_attempts SET submitted_at = submitted_at - interval '61 minutes' WHERE user_id = ?")
                .param(labeler.id()).update();
        String open = page(labeler);
        assertThat(submit(labeler, QualificationPage.attemptId(open), open, false).getContentAsString()).contains("Passed");
    }

    private String refusedTest(SignedInUser admin, String name, String source) throws Exception {
        long testsBefore = fixtures.jdbc().sql("SELECT count(*) FROM qualification_tests").query(Long.class).single();
        MockHttpServletResponse refusal = mvc.perform(post("/api/qualification-tests").with(user(admin)).with(csrf())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"" + name + "\",\"passMark\":1,\"goldBatch\":\"" + source + "\"}"))
                .andReturn().getResponse();
        assertThat(refusal.getStatus()).isEqualTo(400);
        assertThat(refusal.getContentAsString()).contains("\"field\":\"goldBatch\"");
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM qualification_tests").query(Long.class).single())
                .isEqualTo(testsBefore);
        return refusal.getContentAsString();
    }

    /** A labeler's DONE assignment and label (canonical choice 0) on a comparison, as if labelled on the platform. */
    private void labelled(long labelerId, long comparison, String key) {
        long assignment = fixtures.jdbc().sql("""
                        INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at, completed_at)
                        VALUES (?, ?, '{0,1}', 'DONE', now(), now()) RETURNING id""")
                .params(comparison, labelerId).query(Long.class).single();
        fixtures.jdbc().sql("""
                        INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, idempotency_key)
                        VALUES (?, ?, ?, 0, 2, 5, ?)""").params(assignment, comparison, labelerId, key).update();
    }

    @Test
    void goldThatScoredLabelersCannotBecomeAQualificationTest() throws Exception {
        SignedInUser admin = fixtures.signedIn(Role.ADMIN);
        // a gold copy of post 1's gold in another batch (what a batch built with a gold rate holds) scores labelers
        String copied = "copied" + System.nanoTime();
        String source = GoldSource.importSixPostsTwoGold(importer, fixtures, dir, copied);
        long original = GoldSource.comparisonOf(fixtures, copied, 1);
        long batch = fixtures.jdbc().sql("INSERT INTO batches (name, mode, overlap_k) VALUES (?, 'PAIRWISE', 1) RETURNING id")
                .param(copied + "-scoring").query(Long.class).single();
        long copy = fixtures.jdbc().sql("""
                        INSERT INTO comparisons (post_id, batch_id, candidate_count, is_gold) SELECT post_id, ?, 2, true
                        FROM comparisons WHERE id = ? RETURNING id""").params(batch, original).query(Long.class).single();
        fixtures.jdbc().sql("""
                        INSERT INTO comparison_summaries (comparison_id, position, summary_id)
                        SELECT ?, position, summary_id FROM comparison_summaries WHERE comparison_id = ?""")
                .params(copy, original).update();
        fixtures.jdbc().sql("INSERT INTO gold_answers (comparison_id, choice, confidence) VALUES (?, 0, 2)").param(copy).update();
        assertThat(refusedTest(admin, copied + "-test", source))
                .contains("comparison " + original + " is also gold in batch " + copied + "-scoring");

        // gold that labelers answered on the platform has scored them
        String answered = "answered" + System.nanoTime();
        String answeredSource = GoldSource.importSixPostsTwoGold(importer, fixtures, dir, answered);
        long gold2 = GoldSource.comparisonOf(fixtures, answered, 2);
        labelled(fixtures.user(Role.LABELER).getId(), gold2, "scored-" + answered);
        assertThat(refusedTest(admin, answered + "-test", answeredSource))
                .contains("comparison " + gold2 + " was labelled by labelers");
    }

    @Test
    void qualificationGoldIsNeverMixedIntoBatchesNorCountedAsGoldAgreement() throws Exception {
        String run = "apart" + System.nanoTime();
        String other = "other" + System.nanoTime();
        GoldSource.importSixPostsTwoGold(importer, fixtures, dir, other);
        var test = qualificationTest(run, null, null);
        assertThat(test.maxAttempts()).isEqualTo(QualificationTests.DEFAULT_MAX_ATTEMPTS);
        SignedInUser admin = fixtures.signedIn(Role.ADMIN);

        // the gold a batch mixes in: the other run's gold, never the qualification items
        List<Long> pooledPosts = batches.goldPool(2, true).stream().map(BatchBuilder.Gold::postId).toList();
        long item = GoldSource.comparisonOf(fixtures, run, 1);
        long otherGold = GoldSource.comparisonOf(fixtures, other, 1);
        assertThat(pooledPosts).contains(postOf(otherGold))
                .doesNotContain(postOf(item), postOf(GoldSource.comparisonOf(fixtures, run, 2)));

        // new gold for the same post and summaries as a qualification item is refused
        long sameQuestion = fixtures.jdbc().sql("""
                        INSERT INTO comparisons (post_id, batch_id, candidate_count) SELECT post_id, NULL, 2 FROM comparisons
                        WHERE id = ? RETURNING id""").param(item).query(Long.class).single();
        fixtures.jdbc().sql("""
                        INSERT INTO comparison_summaries (comparison_id, position, summary_id)
                        SELECT ?, 1 - position, summary_id FROM comparison_summaries WHERE comparison_id = ?""")
                .params(sameQuestion, item).update();
        MockHttpServletResponse gold = mvc.perform(post("/api/gold").with(user(admin)).with(csrf())
                .contentType(MediaType.APPLICATION_JSON).content("{\"comparisonId\":" + sameQuestion + ",\"choice\":0}"))
                .andReturn().getResponse();
        assertThat(gold.getStatus()).isEqualTo(409);
        assertThat(gold.getContentAsString()).contains("qualification item");

        // a labeler's label on a qualification item does not count as gold agreement
        var labeler = fixtures.user(Role.LABELER);
        labelled(labeler.getId(), item, "q-" + run);
        assertThat(stats.of(labeler.getId()).labelsTotal()).isEqualTo(1);
        assertThat(stats.of(labeler.getId()).goldCompared()).isZero();
    }

    private long postOf(long comparison) {
        return fixtures.jdbc().sql("SELECT post_id FROM comparisons WHERE id = ?").param(comparison).query(Long.class).single();
    }
}
