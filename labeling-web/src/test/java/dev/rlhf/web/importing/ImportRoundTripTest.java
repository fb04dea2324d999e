package dev.rlhf.web.importing;

import dev.rlhf.web.exporting.ExportFilter;
import dev.rlhf.web.exporting.ExportFormat;
import dev.rlhf.web.exporting.LabelExporter;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.rlhf.web.importing.FeedbackLines.comparison;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PlatformTest
class ImportRoundTripTest {
    @Autowired
    FileImporter importer;
    @Autowired
    LabelExporter exporter;
    @Autowired
    Fixtures fixtures;
    @Autowired
    dev.rlhf.web.account.AccountAdministration accounts;

    @TempDir
    Path dir;

    @Test
    void importExportImportGivesTheSameRecordsAndNoDuplicates() {
        String run = "rt" + System.nanoTime();
        String batch = run + "-batch3";
        String bo4 = run + "-bo4";
        List<Object> lines = List.of(
                // one comparison labelled by two workers (same post, batch, split, summaries)
                comparison(run + "-t3_a", batch, "train", run + "-w1", 0, 2, "ref", "Roommate eats my food.", "sup2", "Food is gone."),
                comparison(run + "-t3_a", batch, "train", run + "-w2", 1, 8, "ref", "Roommate eats my food.", "sup2", "Food is gone."),
                // a confidence that does not fit the platform's scale for the choice is kept as given
                comparison(run + "-t3_b", batch, "valid1", run + "-w1", 1, 3, "sup2", "Short one.", "ppo", "A longer summary."),
                comparison(run + "-t3_c", batch, "valid2", run + "-w3", 0, null, "ppo", "Summary one.", "ref", "Summary two."),
                // a tie
                comparison(run + "-t3_d", batch, "train", run + "-w2", null, 5, "ppo", "Tie one.", "sup2", "Tie two."),
                // best of 4
                comparison(run + "-t3_e", bo4, "train", run + "-w3", 2, null, "a", "One.", "b", "Two.", "c", "Three.", "d", "Four."));
        Path file = FeedbackLines.write(dir, "comparisons.jsonl", lines);
        long labelsBefore = fixtures.labelCount();

        ImportJob first = importer.importFile(ImportKind.COMPARISONS, file, "comparisons.jsonl", null, ImportProgress.NONE);
        assertThat(first.state()).isEqualTo("SUCCEEDED");
        assertThat(first.rowsTotal()).isEqualTo(6);
        assertThat(first.rowsImported()).isEqualTo(6);
        assertThat(fixtures.labelCount()).isEqualTo(labelsBefore + 6);
        assertThat(count("SELECT count(*) FROM comparisons WHERE source_id IN (SELECT c.source_id FROM comparisons c JOIN batches b ON b.id = c.batch_id WHERE b.name IN (?, ?))", batch, bo4))
                .isEqualTo(5);
        assertThat(count("SELECT count(*) FROM users WHERE pseudonym LIKE ? AND imported AND NOT enabled", run + "-w%")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM batches WHERE name IN (?, ?) AND imported AND state = 'CLOSED'", batch, bo4)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM labels l JOIN users u ON u.id = l.labeler_id WHERE u.pseudonym LIKE ? AND l.imported", run + "-w%"))
                .isEqualTo(6);
        // canonical convention: the fitting confidence is stored, the misfit one only as the file's value
        assertThat(fixtures.jdbc().sql("""
                        SELECT l.confidence IS NULL AND l.source_confidence = 3 FROM labels l JOIN users u ON u.id = l.labeler_id
                        JOIN comparisons c ON c.id = l.comparison_id JOIN posts p ON p.id = c.post_id
                        WHERE u.pseudonym = ? AND p.source_id = ?""")
                .params(run + "-w1", run + "-t3_b").query(Boolean.class).single()).isTrue();

        String exported = export(ExportFilter.ALL, run);
        assertThat(records(exported)).containsExactlyInAnyOrderElementsOf(records(lines));

        // importing the export (or the file again) adds nothing
        Path again = FeedbackLines.write(dir, "exported.jsonl", List.of(exported.strip().split("\n")));
        ImportJob second = importer.importFile(ImportKind.COMPARISONS, again, "exported.jsonl", null, ImportProgress.NONE);
        assertThat(second.rowsImported()).isZero();
        assertThat(second.rowsSkipped()).isEqualTo(6);
        ImportJob third = importer.importFile(ImportKind.COMPARISONS, file, "comparisons.jsonl", null, ImportProgress.NONE);
        assertThat(third.rowsImported()).isZero();
        assertThat(fixtures.labelCount()).isEqualTo(labelsBefore + 6);
        assertThat(records(export(ExportFilter.ALL, run))).containsExactlyInAnyOrderElementsOf(records(lines));
    }

    @Test
    void exportFiltersByBatchSplitLabelerAndDateAndWritesPairs() {
        String run = "flt" + System.nanoTime();
        List<Object> lines = List.of(
                comparison(run + "-p1", run + "-b1", "train", run + "-w1", 0, 1, "ref", "Good.", "sup", "Bad."),
                comparison(run + "-p2", run + "-b1", "valid1", run + "-w2", 1, 9, "ref", "Good 2.", "sup", "Better 2."),
                comparison(run + "-p3", run + "-b2", "train", run + "-w1", 3, null, "a", "A.", "b", "B.", "c", "C.", "d", "D."));
        importer.importFile(ImportKind.COMPARISONS, FeedbackLines.write(dir, "f.jsonl", lines), "f.jsonl", null,
                ImportProgress.NONE);

        assertThat(records(export(new ExportFilter(run + "-b1", null, null, null, null), run))).hasSize(2);
        assertThat(records(export(new ExportFilter(run + "-b1", "valid1", null, null, null), run)))
                .singleElement().satisfies(r -> assertThat(r).contains("\"worker\":\"" + run + "-w2\""));
        assertThat(records(export(new ExportFilter(null, null, run + "-w1", null, null), run))).hasSize(2);
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(records(export(new ExportFilter(null, null, run + "-w1", today, today), run))).hasSize(2);
        assertThat(records(export(new ExportFilter(null, null, run + "-w1", today.plusDays(1), null), run))).isEmpty();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter.export(ExportFormat.PAIRS, new ExportFilter(null, null, run + "-w1", null, null), out);
        List<JsonNode> pairs = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
            pairs.add(FeedbackLines.JSON.readTree(line));
        }
        // one pairwise label (1 pair) and one best-of-4 label (3 pairs); labels come in label id order
        assertThat(pairs).hasSize(4);
        List<JsonNode> pairwise = pairs.stream().filter(p -> p.get("chosen").asString().equals("Good.")).toList();
        List<JsonNode> bestOf4 = pairs.stream().filter(p -> p.get("chosen").asString().equals("D.")).toList();
        assertThat(pairwise).singleElement().satisfies(pair -> {
            assertThat(pair.get("prompt").asString()).isEqualTo("SUBREDDIT: r/relationships\nTITLE: Title of " + run
                    + "-p1\nPOST: Body of " + run + "-p1: my roommate keeps eating my food and I do not know what to say.\nTL;DR:");
            assertThat(pair.get("rejected").asString()).isEqualTo("Bad.");
            assertThat(pair.get("labeler").asString()).isEqualTo(run + "-w1");
            assertThat(pair.get("confidence").intValue()).isEqualTo(1);
        });
        assertThat(bestOf4).extracting(p -> p.get("rejected").asString()).containsExactly("A.", "B.", "C.");
    }

    @Test
    void postsBecomePostsWithTheirReferenceSummaryOnce() {
        String run = "posts" + System.nanoTime();
        Path file = FeedbackLines.write(dir, "posts.jsonl", List.of(
                FeedbackLines.post(run + "-1", "Reference one."), FeedbackLines.post(run + "-2", "Reference two.")));
        ImportJob job = importer.importFile(ImportKind.POSTS, file, "posts.jsonl", null, ImportProgress.NONE);
        assertThat(job.rowsImported()).isEqualTo(2);
        assertThat(importer.importFile(ImportKind.POSTS, file, "posts.jsonl", null, ImportProgress.NONE).rowsImported()).isZero();
        assertThat(fixtures.jdbc().sql("""
                        SELECT s.text FROM summaries s JOIN posts p ON p.id = s.post_id
                        WHERE p.source_id LIKE ? AND s.is_reference AND s.policy = 'ref' ORDER BY p.source_id""")
                .param(run + "-%").query(String.class).list()).containsExactly("Reference one.", "Reference two.");
    }

    /**
     * A file's worker that matches a login account's pseudonym (an admin's, a labeler's) is still an imported worker
     * of its own: the labels go to a new disabled account {@code imported:W}, the login accounts get none, the export
     * writes the file's name back, and importing the export again adds nothing.
     */
    @Test
    void workersLiveInTheirOwnNamespaceNeverInALoginAccount() {
        String run = "ns" + System.nanoTime();
        var admin = fixtures.user(dev.rlhf.web.account.Role.ADMIN);
        var labeler = fixtures.user(dev.rlhf.web.account.Role.LABELER);
        String batch = run + "-batch";
        List<Object> lines = List.of(
                comparison(run + "-t3_a", batch, "train", admin.getPseudonym(), 0, 2, "ref", "One.", "sup", "Two."),
                comparison(run + "-t3_a", batch, "train", labeler.getPseudonym(), 1, 8, "ref", "One.", "sup", "Two."),
                comparison(run + "-t3_b", batch, "train", run + "-fresh", 1, 7, "ref", "Three.", "sup", "Four."));
        ImportJob job = importer.importFile(ImportKind.COMPARISONS, FeedbackLines.write(dir, run + ".jsonl", lines),
                "ns.jsonl", null, ImportProgress.NONE);
        assertThat(job.state()).isEqualTo("SUCCEEDED");
        assertThat(job.rowsImported()).isEqualTo(3);

        for (var account : List.of(admin, labeler)) {
            assertThat(count("SELECT count(*) FROM labels WHERE labeler_id = ?", account.getId()))
                    .as("labels of the login account %s", account.getUsername()).isZero();
            assertThat(fixtures.jdbc().sql("""
                            SELECT pseudonym FROM users WHERE username = ? AND imported AND NOT enabled AND role = 'LABELER'""")
                    .param("imported:" + account.getPseudonym()).query(String.class).single())
                    .as("the imported worker's pseudonym cannot be the login account's").isEqualTo("imported:" + account.getPseudonym());
        }
        assertThat(count("SELECT count(*) FROM labels l JOIN users u ON u.id = l.labeler_id WHERE u.username = ? AND u.imported",
                "imported:" + admin.getPseudonym())).isEqualTo(1);
        // a worker whose name no one has keeps it as pseudonym
        assertThat(count("SELECT count(*) FROM users WHERE username = ? AND pseudonym = ?", "imported:" + run + "-fresh",
                run + "-fresh")).isEqualTo(1);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter.export(ExportFormat.COMPARISONS, new ExportFilter(batch, null, null, null, null), out);
        String exported = out.toString(StandardCharsets.UTF_8);
        assertThat(records(exported)).containsExactlyInAnyOrderElementsOf(records(lines));
        ImportJob again = importer.importFile(ImportKind.COMPARISONS,
                FeedbackLines.write(dir, run + "-again.jsonl", List.of(exported.strip().split("\n"))), "again.jsonl", null,
                ImportProgress.NONE);
        assertThat(again.rowsImported()).isZero();
        assertThat(again.rowsSkipped()).isEqualTo(3);

        // and no login account can take a name of that namespace
        assertThatThrownBy(() -> accounts.create("ns-" + System.nanoTime() % 100000, "long-enough-password",
                dev.rlhf.web.account.Role.LABELER, "imported:" + run))
                .isInstanceOfSatisfying(dev.rlhf.web.api.ApiProblem.class, e -> assertThat(e.field()).isEqualTo("pseudonym"));
    }

    private String export(ExportFilter filter, String run) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter.export(ExportFormat.COMPARISONS, filter, out);
        StringBuilder mine = new StringBuilder();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"worker\":\"" + run + "-")) {
                mine.append(line).append('\n');
            }
        }
        return mine.toString();
    }

    private long count(String sql, Object... params) {
        return fixtures.jdbc().sql(sql).params(params).query(Long.class).single();
    }

    /** Each line as canonical JSON (keys sorted; a missing value and null are the same). */
    private static List<String> records(Object lines) {
        List<String> result = new ArrayList<>();
        List<?> list = lines instanceof String s ? (s.isBlank() ? List.of() : List.of(s.strip().split("\n"))) : (List<?>) lines;
        for (Object line : list) {
            JsonNode node = line instanceof String text ? FeedbackLines.JSON.readTree(text) : (JsonNode) line;
            result.add(FeedbackLines.JSON.writeValueAsString(sorted(node)));
        }
        return result;
    }

    private static Object sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new java.util.TreeMap<>();
            for (var entry : node.properties()) {
                if (!entry.getValue().isNull()) {
                    map.put(entry.getKey(), sorted(entry.getValue()));
                }
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(child -> list.add(sorted(child)));
            return list;
        }
        return node;
    }
}
