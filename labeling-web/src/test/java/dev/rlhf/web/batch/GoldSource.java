package dev.rlhf.web.batch;

import dev.rlhf.web.importing.FeedbackLines;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.importing.ImportKind;
import dev.rlhf.web.importing.ImportProgress;
import dev.rlhf.web.support.Fixtures;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.rlhf.web.importing.FeedbackLines.comparison;

/** Imported test data for batches and qualification: posts, their summaries and gold answers. */
final class GoldSource {
    private GoldSource() {
    }

    /**
     * Six posts {@code RUN-p1..6} with a reference summary (TL;DR file) and a "sup" sample each (comparisons file, batch
     * {@code RUN-source}); posts 1 and 2 are gold: post 1's reference summary is better, post 2's sample. Returns the
     * source batch's name.
     */
    static String importSixPostsTwoGold(FileImporter importer, Fixtures fixtures, Path dir, String run) {
        List<Object> posts = new ArrayList<>();
        List<Object> lines = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            posts.add(FeedbackLines.post(run + "-p" + i, "Reference summary " + i));
            lines.add(comparison(run + "-p" + i, run + "-source", "train", run + "-expert", i % 2, i % 2 == 0 ? 2 : 8,
                    "ref", "Reference summary " + i, "sup", "Sampled summary " + i));
        }
        importer.importFile(ImportKind.POSTS, FeedbackLines.write(dir, run + "-posts.jsonl", posts), "posts.jsonl", null,
                ImportProgress.NONE);
        importer.importFile(ImportKind.COMPARISONS, FeedbackLines.write(dir, run + "-c.jsonl", lines), "c.jsonl", null,
                ImportProgress.NONE);
        for (int i = 1; i <= 2; i++) {
            fixtures.jdbc().sql("INSERT INTO gold_answers (comparison_id, choice, confidence) VALUES (?, ?, ?)")
                    .params(comparisonOf(fixtures, run, i), i - 1, i == 1 ? 2 : 8).update();
        }
        return run + "-source";
    }

    /** The source batch's comparison of post {@code RUN-pI}. */
    static long comparisonOf(Fixtures fixtures, String run, int post) {
        return fixtures.jdbc().sql("""
                        SELECT c.id FROM comparisons c JOIN posts p ON p.id = c.post_id JOIN batches b ON b.id = c.batch_id
                        WHERE p.source_id = ? AND b.name = ?""").params(run + "-p" + post, run + "-source")
                .query(Long.class).single();
    }
}
