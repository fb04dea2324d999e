package dev.rlhf.web.importing;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockMultipartFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * TRL preference pairs in a comparisons upload: detected from the file's first line, each pair a pairwise comparison
 * (chosen first) in the imported batch named after the file, the file's choice the label of {@code imported:trl};
 * re-importing adds nothing; a bad line imports nothing and is named with its line and field.
 */
@PlatformTest
class TrlImportTest extends MockMvcTest {
    @Autowired
    FileImporter importer;

    @TempDir
    Path dir;

    private long rows() {
        return fixtures.jdbc().sql("""
                SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM summaries) + (SELECT count(*) FROM comparisons)
                     + (SELECT count(*) FROM users) + (SELECT count(*) FROM batches) + (SELECT count(*) FROM labels)
                     + (SELECT count(*) FROM assignments)""").query(Long.class).single();
    }

    private static String pair(String prompt, String chosen, String rejected) {
        return "{\"prompt\":\"" + prompt + "\",\"chosen\":\"" + chosen + "\",\"rejected\":\"" + rejected + "\"}";
    }

    @Test
    void pairsInBothFormsBecomeImportedPairwiseComparisonsWithTheirChoice() throws Exception {
        String run = "trl" + System.nanoTime();
        List<String> lines = List.of(
                pair(run + " What is the capital of France?", "Paris.", "Lyon."),
                pair(run + " What is the capital of France?", "It is Paris.", "Marseille."),
                "",
                "{\"prompt\":[{\"role\":\"user\",\"content\":\"" + run + " Name a prime.\"}],"
                        + "\"chosen\":[{\"role\":\"assistant\",\"content\":\"7\"}],"
                        + "\"rejected\":[{\"role\":\"assistant\",\"content\":\"8\"}]}",
                "{\"chosen\":[{\"role\":\"user\",\"content\":\"" + run + " Say hi.\"},{\"role\":\"assistant\",\"content\":\"Hi!\"}],"
                        + "\"rejected\":[{\"role\":\"user\",\"content\":\"" + run + " Say hi.\"},{\"role\":\"assistant\",\"content\":\"No.\"}]}");
        byte[] file = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        var admin = fixtures.signedIn(Role.ADMIN);
        var waiting = mvc.perform(multipart("/api/imports").file(new MockMultipartFile("file", run + ".jsonl",
                        "application/jsonl", file)).param("kind", "COMPARISONS").param("wait", "true").with(csrf()).with(user(admin)))
                .andExpect(request().asyncStarted()).andReturn();
        mvc.perform(asyncDispatch(waiting))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.state").value("SUCCEEDED"))
                .andExpect(jsonPath("$.rowsTotal").value(4))
                .andExpect(jsonPath("$.rowsImported").value(4));

        Map<String, Object> batch = fixtures.jdbc().sql("SELECT id, mode, state, imported, overlap_k FROM batches WHERE name = ?")
                .param(run).query().singleRow();
        assertThat(batch).containsEntry("mode", "PAIRWISE").containsEntry("state", "CLOSED").containsEntry("imported", true)
                .containsEntry("overlap_k", 1);
        List<Map<String, Object>> comparisons = fixtures.jdbc().sql("""
                        SELECT p.body, p.subreddit, p.source_id, c.split,
                               (SELECT s.text FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                                WHERE cs.comparison_id = c.id AND cs.position = 0) AS first,
                               (SELECT s.policy FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                                WHERE cs.comparison_id = c.id AND cs.position = 0) AS first_policy,
                               (SELECT s.text FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                                WHERE cs.comparison_id = c.id AND cs.position = 1) AS second,
                               l.choice, l.confidence, l.imported, u.username
                        FROM comparisons c JOIN posts p ON p.id = c.post_id
                        JOIN labels l ON l.comparison_id = c.id JOIN users u ON u.id = l.labeler_id
                        WHERE c.batch_id = ? ORDER BY c.id""")
                .param(batch.get("id")).query().listOfRows();
        assertThat(comparisons).hasSize(4);
        // comparisons are written in the order of their source ids, not of the lines
        assertThat(comparisons).extracting(c -> c.get("body") + " | " + c.get("first") + " | " + c.get("second"))
                .containsExactlyInAnyOrder(run + " What is the capital of France? | Paris. | Lyon.",
                        run + " What is the capital of France? | It is Paris. | Marseille.",
                        run + " Name a prime. | 7 | 8", run + " Say hi. | Hi! | No.");
        for (Map<String, Object> c : comparisons) {
            assertThat(c).containsEntry("choice", 0).containsEntry("confidence", null).containsEntry("imported", true)
                    .containsEntry("username", "imported:trl").containsEntry("first_policy", "trl-chosen")
                    .containsEntry("split", "train").containsEntry("subreddit", "");
            assertThat((String) c.get("source_id")).startsWith("trl:");
        }
        // two pairs of one prompt share its post
        assertThat(comparisons.stream().map(c -> c.get("source_id")).distinct().count()).isEqualTo(3);

        // the same file again: nothing new
        long before = rows();
        ImportJob again = importer.importFile(ImportKind.COMPARISONS, FeedbackLines.write(dir, run + ".jsonl", lines),
                run + ".jsonl", admin.id(), ImportProgress.NONE);
        assertThat(again.rowsImported()).isZero();
        assertThat(again.rowsSkipped()).isEqualTo(4);
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aBadLineImportsNothingAndIsNamedWithItsLineAndField() {
        String run = "trlbad" + System.nanoTime();
        List<String> good = List.of(pair(run + " a", "yes", "no"), pair(run + " b", "yes", "no"));
        assertBad(run + "1", List.of(good.get(0), good.get(1), "{\"prompt\":\"" + run + " c\",\"chosen\":\"yes\"}"),
                3, "rejected", "line 3: rejected: is required");
        assertBad(run + "2", List.of(good.get(0), "{\"prompt\":\"p\",\"chosen\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"rejected\":\"no\"}"), 2, "chosen", "has no message with role \"assistant\"");
        assertBad(run + "3", List.of(good.get(0), good.get(1), pair(run + " d", "same", "same")), 3, "rejected",
                "is the same text as chosen");
        assertBad(run + "4", List.of(good.get(0), pair(run + " e", "x".repeat(ImportLimits.SUMMARY + 1), "no")), 2, "chosen",
                "is longer than 10000 characters");
        // one format a file: a summarize-from-feedback line in a file of pairs, and a pair in a comparisons file
        String feedback = FeedbackLines.JSON.writeValueAsString(FeedbackLines.comparison(run + "-post", run + "-b", "train",
                "w1", 0, 2, "ref", "Reference", "sup", "Sample"));
        assertBad(run + "5", List.of(good.get(0), feedback), 2, "chosen", "this file holds TRL preference pairs");
        assertBad(run + "6", List.of(feedback, good.get(0)), 2, "summaries",
                "this file holds summarize-from-feedback comparisons (as its first line does); this line is a TRL preference pair");
    }

    private void assertBad(String name, List<String> lines, long line, String field, String reason) {
        long before = rows();
        Path file = FeedbackLines.write(dir, name + ".jsonl", lines);
        assertThatThrownBy(() -> importer.importFile(ImportKind.COMPARISONS, file, name + ".jsonl", null, ImportProgress.NONE))
                .isInstanceOfSatisfying(BadLineException.class, bad -> {
                    assertThat(bad.line()).as(name).isEqualTo(line);
                    assertThat(bad.field()).as(name + ": " + bad.getMessage()).isEqualTo(field);
                    assertThat(bad.getMessage()).as(name).contains(reason);
                });
        assertThat(rows()).as(name).isEqualTo(before);
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM batches WHERE name = ?").param(name).query(Long.class).single())
                .isZero();
    }

    @Test
    void theBatchIsNamedAfterTheFile() {
        assertThat(ComparisonStaging.preferenceBatch("uploads/hh-rlhf-train.jsonl")).isEqualTo("hh-rlhf-train");
        assertThat(ComparisonStaging.preferenceBatch("C:\\data\\pairs.JSON")).isEqualTo("pairs");
        assertThat(ComparisonStaging.preferenceBatch(".jsonl")).isEqualTo("trl-preferences");
        assertThat(ComparisonStaging.preferenceBatch("n".repeat(200) + ".jsonl")).hasSize(ImportLimits.NAME);
    }
}
