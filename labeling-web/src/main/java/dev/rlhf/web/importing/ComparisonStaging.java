package dev.rlhf.web.importing;

import com.google.gson.JsonObject;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.ComparisonReader;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.lm.formats.PreferencePair;
import dev.rlhf.lm.formats.Summary;
import dev.rlhf.lm.formats.TrlPreference;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Summarize-from-feedback comparisons. Each line is one worker's label of one comparison (post, batch, split
 * and summaries in order; lines that share them share the comparison). Workers live in their own namespace: worker W
 * is the disabled, imported labeler account {@code imported:W} (pseudonym W, or {@code imported:W} where a login
 * account already has the pseudonym W), never a login account whatever its pseudonym; batches become imported CLOSED
 * batches, and every choice becomes a label of a completed assignment, marked imported.
 *
 * <p>Lines are parsed by {@code lm}'s {@link ComparisonReader} (ties allowed: a pairwise choice of null with
 * {@code extra.confidence} 5); on top of the format the platform requires 2 or 4 summaries, each summary's policy,
 * the worker, batch and a split of {@link ImportLimits#SPLITS}, no summary twice in one comparison, and the lengths of
 * {@link ImportLimits}.
 *
 * <p>A file may instead hold TRL preference pairs ({@code {"prompt","chosen","rejected"}}, standard or conversational,
 * parsed by {@code lm}'s {@link TrlPreference}); the first line decides which format the whole file is in, and a line
 * of the other format is refused. A pair becomes the same records as a comparison line: the prompt a post (source id
 * {@code trl:} and a hash of the prompt, no subreddit or title), the two responses a pairwise comparison with the
 * chosen one first (policies {@code trl-chosen} and {@code trl-rejected}), and the file's preference a label
 * (choice 0, no confidence) of the imported worker {@value #PREFERENCE_WORKER}, in the imported batch named after
 * the file ({@link #preferenceBatch}), split {@code train}.
 */
final class ComparisonStaging implements Staging<Comparison> {
    /** The imported labeler whose labels are a preference file's choices ({@code imported:trl}). */
    static final String PREFERENCE_WORKER = "trl";
    static final String CHOSEN_POLICY = "trl-chosen";
    static final String REJECTED_POLICY = "trl-rejected";

    private enum Format {
        FEEDBACK("summarize-from-feedback comparisons", "a summarize-from-feedback comparison"),
        PREFERENCES("TRL preference pairs", "a TRL preference pair");

        final String description;
        final String one;

        Format(String description, String one) {
            this.description = description;
            this.one = one;
        }
    }

    /** Candidate count of each batch name seen so far: one entry per batch, so memory stays small. */
    private final Map<String, Integer> batchSizes = new HashMap<>();
    /** The batch of a preference file's pairs. */
    private final String preferenceBatch;
    /** The file's format, decided by its first line. */
    private Format format;

    ComparisonStaging(String preferenceBatch) {
        this.preferenceBatch = preferenceBatch;
    }

    /** The batch a preference file's pairs go to: the file's name without directories and extension. */
    static String preferenceBatch(String filename) {
        String name = filename == null ? "" : filename.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceFirst("(?i)\\.(jsonl|json|txt)$", "").strip();
        if (name.isEmpty()) {
            name = "trl-preferences";
        }
        return name.length() > ImportLimits.NAME ? name.substring(0, ImportLimits.NAME) : name;
    }

    @Override
    public Comparison parse(long line, JsonObject json) {
        Format lineFormat = TrlPreference.looksLike(json) ? Format.PREFERENCES : Format.FEEDBACK;
        if (format == null) {
            format = lineFormat;
        } else if (lineFormat != format) {
            throw new BadLineException(line, format == Format.FEEDBACK ? "summaries" : "chosen",
                    "this file holds " + format.description + " (as its first line does); this line is " + lineFormat.one);
        }
        return format == Format.PREFERENCES ? preference(line, json) : feedback(line, json);
    }

    private Comparison preference(long line, JsonObject json) {
        PreferencePair pair = TrlPreference.parse(json, null, line);
        ImportLimits.check(line, "prompt", pair.prompt(), ImportLimits.POST, true, false);
        ImportLimits.check(line, "chosen", pair.chosen(), ImportLimits.SUMMARY, true, false);
        ImportLimits.check(line, "rejected", pair.rejected(), ImportLimits.SUMMARY, true, false);
        if (pair.chosen().equals(pair.rejected())) {
            throw new BadLineException(line, "rejected", "is the same text as chosen");
        }
        PostInfo info = new PostInfo("trl:" + sha256(List.of(pair.prompt())), pair.prompt(), "", "");
        return new Comparison(info, List.of(new Summary(pair.chosen(), CHOSEN_POLICY, null),
                new Summary(pair.rejected(), REJECTED_POLICY, null)), 0, PREFERENCE_WORKER, preferenceBatch, "train", null);
    }

    private Comparison feedback(long line, JsonObject json) {
        Comparison c = ComparisonReader.parse(json, null, line, true);
        ImportLimits.check(line, "info.id", c.info().id(), ImportLimits.NAME, true, false);
        ImportLimits.check(line, "info.post", c.info().post(), ImportLimits.POST, true, false);
        ImportLimits.check(line, "info.title", c.info().title(), ImportLimits.TITLE, true, true);
        ImportLimits.check(line, "info.subreddit", c.info().subreddit(), ImportLimits.NAME, true, false);
        if (c.summaries().size() != 2 && c.summaries().size() != 4) {
            throw new BadLineException(line, "summaries", "must be an array of 2 or 4 summaries");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.summaries().size(); i++) {
            String path = "summaries[" + i + "]";
            Summary summary = c.summaries().get(i);
            ImportLimits.check(line, path + ".text", summary.text(), ImportLimits.SUMMARY, true, false);
            ImportLimits.check(line, path + ".policy", summary.policy(), ImportLimits.NAME, true, false);
            ImportLimits.check(line, path + ".note", summary.note(), ImportLimits.NOTE, false, true);
            if (!seen.add(summary.policy() + "\u0000" + summary.text())) {
                throw new BadLineException(line, path, "repeats another summary of this comparison (same text and policy)");
            }
        }
        ImportLimits.check(line, "worker", c.worker(), ImportLimits.WORKER, true, false);
        ImportLimits.check(line, "batch", c.batch(), ImportLimits.NAME, true, false);
        ImportLimits.check(line, "split", c.split(), 16, true, false);
        if (!ImportLimits.SPLITS.contains(c.split())) {
            throw new BadLineException(line, "split", "must be one of " + ImportLimits.SPLITS.stream().sorted().toList()
                    + ", got '" + c.split() + "'");
        }
        return c;
    }

    @Override
    public void checkAcrossLines(long line, Comparison record) {
        Integer before = batchSizes.putIfAbsent(record.batch(), record.summaries().size());
        if (before != null && before != record.summaries().size()) {
            throw new BadLineException(line, "summaries", "batch '" + record.batch() + "' had " + before
                    + " summaries per comparison on earlier lines, this line has " + record.summaries().size());
        }
    }

    @Override
    public String createTable() {
        return """
                CREATE TEMP TABLE import_comparisons (line bigint, comparison_key text, post_source_id text,
                    subreddit text, title text, body text, texts text[], policies text[], notes text[],
                    choice integer, confidence integer, source_confidence integer, worker text, batch text,
                    split text) ON COMMIT DROP""";
    }

    @Override
    public String analyze() {
        return "ANALYZE posts, summaries, batches, users, comparisons, comparison_summaries, assignments, labels";
    }

    @Override
    public String insert() {
        return "INSERT INTO import_comparisons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    @Override
    public void bind(PreparedStatement statement, long line, Comparison c) throws SQLException {
        statement.setLong(1, line);
        statement.setString(2, comparisonKey(c));
        statement.setString(3, c.info().id());
        statement.setString(4, c.info().subreddit());
        statement.setString(5, c.info().title());
        statement.setString(6, c.info().post());
        var connection = statement.getConnection();
        statement.setArray(7, connection.createArrayOf("text",
                c.summaries().stream().map(Summary::text).toArray()));
        statement.setArray(8, connection.createArrayOf("text",
                c.summaries().stream().map(Summary::policy).toArray()));
        statement.setArray(9, connection.createArrayOf("text",
                c.summaries().stream().map(Summary::note).toArray()));
        setInteger(statement, 10, c.choice());
        setInteger(statement, 11, canonicalConfidence(c));
        setInteger(statement, 12, c.confidence());
        statement.setString(13, c.worker());
        statement.setString(14, c.batch());
        statement.setString(15, c.split());
    }

    /**
     * The comparison a line labels, independent of who labelled it: post, batch, split and the summaries in order.
     * Lines with the same key are labels of one comparison; the key is the comparison's source id.
     */
    static String comparisonKey(Comparison c) {
        List<String> parts = new ArrayList<>(List.of(c.info().id(), c.batch(), c.split()));
        for (Summary summary : c.summaries()) {
            parts.add(summary.policy());
            parts.add(summary.text());
        }
        return "sff:" + sha256(parts);
    }

    /** The first 24 bytes of the SHA-256 of the parts (each ended by a NUL byte), in hex. */
    private static String sha256(List<String> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The stored (canonical) confidence: the file's value where it fits the platform's scale for this choice
     * (1-4 summary 0 better, 5 tie, 6-9 summary 1 better), otherwise none; the file's own value is kept apart.
     */
    static Integer canonicalConfidence(Comparison c) {
        Integer confidence = c.confidence();
        if (confidence == null || c.summaries().size() != 2) {
            return null;
        }
        boolean fits = c.isTie() ? confidence == 5 : c.choice() == 0 ? confidence < 5 : confidence > 5;
        return fits ? confidence : null;
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    @Override
    public long merge(MergeContext context) {
        var jdbc = context.jdbc();
        jdbc.sql("CREATE INDEX ON import_comparisons (comparison_key)").update();
        jdbc.sql("ANALYZE import_comparisons").update();
        refuseConflictsWithExistingBatches(jdbc);

        jdbc.sql("""
                INSERT INTO posts (source_id, subreddit, title, body)
                SELECT DISTINCT ON (post_source_id) post_source_id, subreddit, title, body
                FROM import_comparisons ORDER BY post_source_id, line
                ON CONFLICT (source_id) DO NOTHING""").update();
        jdbc.sql("""
                INSERT INTO batches (name, mode, overlap_k, ties_allowed, state, imported, created_by)
                SELECT s.batch, CASE max(cardinality(s.texts)) WHEN 2 THEN 'PAIRWISE' ELSE 'BEST_OF_4' END,
                       greatest(1, max(k.workers)), bool_or(s.choice IS NULL), 'CLOSED', true, :user
                FROM import_comparisons s
                JOIN (SELECT comparison_key, count(DISTINCT worker) AS workers FROM import_comparisons
                      GROUP BY comparison_key) k ON k.comparison_key = s.comparison_key
                GROUP BY s.batch
                ON CONFLICT (name) DO NOTHING""").param("user", context.userId(), Types.BIGINT).update();
        jdbc.sql("""
                INSERT INTO users (username, password_hash, role, pseudonym, enabled, imported)
                SELECT w.username, '{imported}-no-login', 'LABELER',
                       CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.pseudonym = w.worker) THEN w.username ELSE w.worker END,
                       false, true
                FROM (SELECT DISTINCT s.worker, 'imported:' || s.worker AS username FROM import_comparisons s) w
                WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.username = w.username)""").update();
        jdbc.sql("""
                INSERT INTO summaries (post_id, text, policy, is_reference, source_note)
                SELECT DISTINCT ON (p.id, u.policy, u.text) p.id, u.text, u.policy, u.policy = 'ref', u.note
                FROM import_comparisons s
                JOIN posts p ON p.source_id = s.post_source_id
                CROSS JOIN LATERAL unnest(s.texts, s.policies, s.notes) AS u(text, policy, note)
                WHERE NOT EXISTS (SELECT 1 FROM summaries x WHERE x.post_id = p.id AND x.policy = u.policy
                                    AND md5(x.text) = md5(u.text) AND x.text = u.text)
                ORDER BY p.id, u.policy, u.text, s.line""").update();
        jdbc.sql("""
                INSERT INTO comparisons (post_id, batch_id, candidate_count, split, is_gold, source_id, open_slots)
                SELECT DISTINCT ON (s.comparison_key) p.id, b.id, cardinality(s.texts), s.split, false,
                       s.comparison_key, 0
                FROM import_comparisons s
                JOIN posts p ON p.source_id = s.post_source_id
                JOIN batches b ON b.name = s.batch
                ORDER BY s.comparison_key, s.line
                ON CONFLICT (source_id) DO NOTHING""").update();
        jdbc.sql("""
                INSERT INTO comparison_summaries (comparison_id, position, summary_id)
                SELECT c.id, u.ord - 1,
                       (SELECT x.id FROM summaries x WHERE x.post_id = c.post_id AND x.policy = u.policy
                          AND md5(x.text) = md5(u.text) AND x.text = u.text ORDER BY x.id LIMIT 1)
                FROM (SELECT DISTINCT ON (comparison_key) comparison_key, texts, policies
                      FROM import_comparisons ORDER BY comparison_key, line) s
                JOIN comparisons c ON c.source_id = s.comparison_key
                CROSS JOIN LATERAL unnest(s.texts, s.policies) WITH ORDINALITY AS u(text, policy, ord)
                WHERE NOT EXISTS (SELECT 1 FROM comparison_summaries y WHERE y.comparison_id = c.id)""").update();
        return jdbc.sql("""
                WITH todo AS (
                    SELECT DISTINCT ON (c.id, u.id) c.id AS comparison_id, u.id AS labeler_id, c.candidate_count,
                           s.choice, s.confidence, s.source_confidence
                    FROM import_comparisons s
                    JOIN comparisons c ON c.source_id = s.comparison_key
                    JOIN users u ON u.username = 'imported:' || s.worker AND u.imported
                    WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.comparison_id = c.id AND a.labeler_id = u.id)
                    ORDER BY c.id, u.id, s.line
                ), done AS (
                    INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at, completed_at)
                    SELECT comparison_id, labeler_id, ARRAY(SELECT generate_series(0, candidate_count - 1)), 'DONE',
                           now(), now()
                    FROM todo
                    RETURNING id, comparison_id, labeler_id
                )
                INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent,
                                    idempotency_key, imported, source_confidence)
                SELECT d.id, d.comparison_id, d.labeler_id, t.choice, t.confidence, 0, 'import-' || d.id, true,
                       t.source_confidence
                FROM done d JOIN todo t ON t.comparison_id = d.comparison_id AND t.labeler_id = d.labeler_id""")
                .update();
    }

    /** A batch name that already exists must have the same mode, and allow ties if the file has ties in it. */
    private static void refuseConflictsWithExistingBatches(org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        jdbc.sql("""
                        SELECT s.line, s.batch, b.mode, cardinality(s.texts) AS n, s.choice IS NULL AS tie
                        FROM import_comparisons s JOIN batches b ON b.name = s.batch
                        WHERE b.mode <> CASE cardinality(s.texts) WHEN 2 THEN 'PAIRWISE' ELSE 'BEST_OF_4' END
                           OR (s.choice IS NULL AND NOT b.ties_allowed)
                        ORDER BY s.line LIMIT 1""")
                .query((rs, n) -> {
                    boolean tie = rs.getBoolean("tie") && "PAIRWISE".equals(rs.getString("mode"))
                            && rs.getInt("n") == 2;
                    throw tie
                            ? new BadLineException(rs.getLong("line"), "choice", "batch '" + rs.getString("batch")
                            + "' exists and does not allow ties")
                            : new BadLineException(rs.getLong("line"), "summaries", "batch '" + rs.getString("batch")
                            + "' exists as a " + rs.getString("mode") + " batch; this line has " + rs.getInt("n")
                            + " summaries");
                })
                .list();
    }
}
