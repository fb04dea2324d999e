package dev.rlhf.web.quality;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.batch.ComparisonStore;
import dev.rlhf.web.importing.FeedbackLines;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.importing.ImportKind;
import dev.rlhf.web.importing.ImportProgress;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.rlhf.web.importing.FeedbackLines.comparison;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A fixture whose answers are known. Labelers w1, w2, w3 each answer the four comparisons U1-U4 of one batch;
 * a researcher answers U3 and U4; U1 and U3 have gold answers (0 and 0).
 * <pre>
 *        w1   w2   w3   researcher  gold
 *   U1   0    0    0    -           0
 *   U2   1    1    1    -           -
 *   U3   0    0    1    0           0
 *   U4   1    tie  1    1           -
 * </pre>
 * By hand: coincidences (each ordered pair within a unit of 3 values weighs 1/2): o00 = 3 + 1 = 4, o11 = 3 + 1 = 4,
 * o01 = o10 = 1, o1t = ot1 = 1; n = 12, n0 = 5, n1 = 6, nt = 1. D_o = 4/12, D_e = (144 - 25 - 36 - 1) / (12 · 11)
 * = 82/132, alpha = 1 - (4/12)/(82/132) = 1 - 132/246 = 19/41 = 0.46341. Pairwise agreement: 3 + 3 + 1 + 1 of 12
 * pairs = 2/3. Per labeler (pairs with the two others): w1 6/8, w2 5/8, w3 5/8. With the researcher: w1 2/2,
 * w2 1/2, w3 1/2. Gold: w1 2/2, w2 2/2, w3 1/2 → only w3 is flagged (threshold 0.6, at least 2 gold answers).
 */
@PlatformTest
class AgreementFiguresTest extends MockMvcTest {
    @Autowired
    FileImporter importer;
    @Autowired
    AgreementQuery agreement;
    @Autowired
    ComparisonStore comparisons;

    @TempDir
    Path dir;

    @Test
    void figuresMatchTheHandComputedValues() throws Exception {
        String run = "agr" + System.nanoTime();
        String batch = run + "-batch";
        var researcher = fixtures.user(Role.RESEARCHER);
        String[][] answers = {
                // w1, w2, w3, researcher ("-" = no label, "t" = tie)
                {"0", "0", "0", "-"},
                {"1", "1", "1", "-"},
                {"0", "0", "1", "0"},
                {"1", "t", "1", "1"}};
        // the labelers' answers come from a file; the researcher's are made on the platform (an imported worker is
        // never a login account, so a file cannot answer for the researcher)
        String[] workers = {run + "-w1", run + "-w2", run + "-w3"};
        List<Object> lines = new ArrayList<>();
        for (int u = 0; u < answers.length; u++) {
            for (int w = 0; w < workers.length; w++) {
                String answer = answers[u][w];
                if (answer.equals("-")) {
                    continue;
                }
                Integer choice = answer.equals("t") ? null : Integer.valueOf(answer);
                Integer confidence = choice == null ? 5 : choice == 0 ? 3 : 7;
                lines.add(comparison(run + "-U" + (u + 1), batch, "train", workers[w], choice, confidence,
                        "ref", "Reference of U" + (u + 1), "sup", "Sample of U" + (u + 1)));
            }
        }
        importer.importFile(ImportKind.COMPARISONS, FeedbackLines.write(dir, "agreement.jsonl", lines), "agreement.jsonl",
                null, ImportProgress.NONE);
        for (int u = 0; u < answers.length; u++) {
            if (!answers[u][3].equals("-")) {
                int choice = Integer.parseInt(answers[u][3]);
                long comparison = fixtures.jdbc().sql("""
                                SELECT c.id FROM comparisons c JOIN posts p ON p.id = c.post_id JOIN batches b ON b.id = c.batch_id
                                WHERE p.source_id = ? AND b.name = ?""")
                        .params(run + "-U" + (u + 1), batch).query(Long.class).single();
                long assignment = fixtures.jdbc().sql("""
                                INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at, completed_at)
                                VALUES (?, ?, '{0,1}', 'DONE', now(), now()) RETURNING id""")
                        .params(comparison, researcher.getId()).query(Long.class).single();
                fixtures.jdbc().sql("""
                                INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, idempotency_key)
                                VALUES (?, ?, ?, ?, ?, 12, ?)""")
                        .params(assignment, comparison, researcher.getId(), choice, choice == 0 ? 3 : 7, run + "-r" + u).update();
            }
        }
        for (String unit : List.of("U1", "U3")) {
            long comparison = fixtures.jdbc().sql("""
                            SELECT c.id FROM comparisons c JOIN posts p ON p.id = c.post_id WHERE p.source_id = ?""")
                    .param(run + "-" + unit).query(Long.class).single();
            comparisons.addGoldAnswer(comparison, 0, 2, "the reference keeps the facts");
        }
        // w1's labels get times as if made here: 10, 20, 30, 40 s → median 25 s, 4 labels per 100 s = 144 per hour
        fixtures.jdbc().sql("""
                        UPDATE labels l SET imported = false, seconds_spent = 10 * (SELECT count(*) FROM labels x
                            WHERE x.labeler_id = l.labeler_id AND x.id <= l.id)
                        WHERE l.labeler_id = (SELECT id FROM users WHERE pseudonym = ?)""")
                .param(run + "-w1").update();

        long batchId = fixtures.jdbc().sql("SELECT id FROM batches WHERE name = ?").param(batch).query(Long.class).single();
        BatchAgreement figures = agreement.batch(batchId);
        assertThat(figures.labels()).isEqualTo(12);
        assertThat(figures.comparisonsWithOverlap()).isEqualTo(4);
        assertThat(figures.pairs()).isEqualTo(12);
        assertThat(figures.pairwiseAgreement()).isCloseTo(8.0 / 12, within(1e-12));
        assertThat(figures.alpha()).isCloseTo(19.0 / 41, within(1e-12));

        Map<String, LabelerQuality> labelers = agreement.labelers().stream()
                .filter(q -> q.pseudonym().startsWith(run))
                .collect(Collectors.toMap(LabelerQuality::pseudonym, Function.identity()));
        LabelerQuality w1 = labelers.get(run + "-w1");
        LabelerQuality w2 = labelers.get(run + "-w2");
        LabelerQuality w3 = labelers.get(run + "-w3");
        assertThat(w1.labelerPairs()).isEqualTo(8);
        assertThat(w1.labelerAgreement()).isEqualTo(6.0 / 8);
        assertThat(w2.labelerAgreement()).isEqualTo(5.0 / 8);
        assertThat(w3.labelerAgreement()).isEqualTo(5.0 / 8);
        assertThat(w1.researcherPairs()).isEqualTo(2);
        assertThat(w1.researcherAgreement()).isEqualTo(1.0);
        assertThat(w2.researcherAgreement()).isEqualTo(0.5);
        assertThat(w3.researcherAgreement()).isEqualTo(0.5);
        assertThat(w1.goldCompared()).isEqualTo(2);
        assertThat(w1.goldAgreement()).isEqualTo(1.0);
        assertThat(w2.goldAgreement()).isEqualTo(1.0);
        assertThat(w3.goldAgreement()).isEqualTo(0.5);
        assertThat(w1.flagged()).isFalse();
        assertThat(w2.flagged()).isFalse();
        assertThat(w3.flagged()).isTrue();
        assertThat(w3.flagReason()).contains("gold agreement below 60%");
        assertThat(w1.medianSeconds()).isEqualTo(25.0);
        assertThat(w1.labelsPerHour()).isCloseTo(144.0, within(1e-9));
        assertThat(w2.medianSeconds()).isNull();
        // researchers are compared against, never ranked
        assertThat(agreement.labelers()).noneMatch(q -> q.pseudonym().equals(researcher.getPseudonym()));

        // the dashboard shows the same figures, and no reward-model numbers before a reward model exists
        var viewer = fixtures.signedIn(Role.RESEARCHER);
        String page = mvc.perform(get("/research/quality").with(user(viewer))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("0.463").contains("No reward model exists yet");
        mvc.perform(get("/api/quality/batches/" + batchId).with(user(viewer)))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("\"alpha\":0.4634146341")));
    }
}
