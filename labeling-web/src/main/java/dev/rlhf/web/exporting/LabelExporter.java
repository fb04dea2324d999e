package dev.rlhf.web.exporting;

import com.google.gson.JsonObject;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.ComparisonWriter;
import dev.rlhf.lm.formats.JsonLines;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.lm.formats.PreferencePair;
import dev.rlhf.lm.formats.PreferencePairs;
import dev.rlhf.lm.formats.Summary;
import dev.rlhf.lm.formats.TldrPost;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams labels out as jsonl, one label per line in label order, through a database cursor (constant memory). The
 * lines are written by the formats of {@code lm} ({@link ComparisonWriter}, {@link PreferencePairs}).
 * <ul>
 *   <li>COMPARISONS: the summarize-from-feedback shape; {@code worker} is the labeler's pseudonym (an imported
 *       worker's name as its file gave it), {@code choice} the canonical choice, {@code extra.confidence} the imported file's value for imported labels, otherwise
 *       the platform's 1-9 confidence (null for best-of-4).</li>
 *   <li>PAIRS: {@code prompt} (the TL;DR prompt: subreddit, title, post, "TL;DR:"), {@code chosen}, {@code rejected},
 *       plus {@code labeler} and {@code confidence}; a best-of-4 label gives three pairs, a tie none.</li>
 * </ul>
 */
@Service
public class LabelExporter {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;

    LabelExporter(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /** Writes the filtered labels to {@code out} (not closed) and returns how many lines were written. */
    public long export(ExportFormat format, ExportFilter filter, OutputStream out) {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        List<Object> params = new ArrayList<>();
        String sql = query(filter, params);
        long[] lines = {0};
        readOnly.executeWithoutResult(status -> jdbc.query(connection -> {
            var statement = connection.prepareStatement(sql);
            statement.setFetchSize(500);
            for (int i = 0; i < params.size(); i++) {
                statement.setObject(i + 1, params.get(i));
            }
            return statement;
        }, rs -> {
            ExportedLabel label = ExportedLabel.of(rs);
            for (JsonObject line : format == ExportFormat.COMPARISONS
                    ? List.of(ComparisonWriter.toJson(label.comparison())) : pairs(label)) {
                write(writer, line);
                lines[0]++;
            }
        }));
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines[0];
    }

    private static String query(ExportFilter filter, List<Object> params) {
        StringBuilder where = new StringBuilder("WHERE true");
        if (filter.batch() != null) {
            where.append(" AND b.name = ?");
            params.add(filter.batch());
        }
        if (filter.split() != null) {
            where.append(" AND c.split = ?");
            params.add(filter.split());
        }
        if (filter.labeler() != null) {
            where.append(" AND u.pseudonym = ?");
            params.add(filter.labeler());
        }
        if (filter.from() != null) {
            where.append(" AND l.created_at >= ?");
            params.add(filter.from().atStartOfDay().atOffset(ZoneOffset.UTC));
        }
        if (filter.to() != null) {
            where.append(" AND l.created_at < ?");
            params.add(filter.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
        }
        return """
                SELECT l.id, l.choice, l.confidence, l.source_confidence,
                       -- an imported worker is exported under the name the file gave it (its account is imported:NAME)
                       CASE WHEN u.imported THEN substr(u.username, 10) ELSE u.pseudonym END AS pseudonym,
                       b.name AS batch, c.split,
                       p.source_id, p.subreddit, p.title, p.body,
                       ARRAY(SELECT s.text FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                             WHERE cs.comparison_id = c.id ORDER BY cs.position) AS texts,
                       ARRAY(SELECT s.policy FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                             WHERE cs.comparison_id = c.id ORDER BY cs.position) AS policies,
                       ARRAY(SELECT s.source_note FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                             WHERE cs.comparison_id = c.id ORDER BY cs.position) AS notes
                FROM labels l
                JOIN users u ON u.id = l.labeler_id
                JOIN comparisons c ON c.id = l.comparison_id
                JOIN batches b ON b.id = c.batch_id
                JOIN posts p ON p.id = c.post_id
                %s
                ORDER BY l.id""".formatted(where);
    }

    /** The label's implied pairs with who labelled them and how sure they were. */
    private static List<JsonObject> pairs(ExportedLabel label) {
        String prompt = new TldrPost(null, label.subreddit(), label.title(), label.body(), null).prompt();
        List<JsonObject> lines = new ArrayList<>();
        for (PreferencePair pair : PreferencePairs.of(prompt, label.texts(), label.choice())) {
            JsonObject line = PreferencePairs.toJson(pair);
            line.addProperty("labeler", label.worker());
            line.addProperty("confidence", label.exportedConfidence());
            lines.add(line);
        }
        return lines;
    }

    private static void write(Writer writer, JsonObject line) {
        try {
            JsonLines.write(writer, line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record ExportedLabel(Integer choice, Integer confidence, Integer sourceConfidence, String worker, String batch,
                         String split, String postId, String subreddit, String title, String body, List<String> texts,
                         List<String> policies, List<String> notes) {
        Integer exportedConfidence() {
            return sourceConfidence != null ? sourceConfidence : confidence;
        }

        /** The label in the summarize-from-feedback shape. */
        Comparison comparison() {
            List<Summary> summaries = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                summaries.add(new Summary(texts.get(i), policies.get(i), notes.get(i)));
            }
            return new Comparison(new PostInfo(postId, body, title, subreddit), summaries, choice, worker, batch, split,
                    exportedConfidence());
        }

        static ExportedLabel of(ResultSet rs) throws SQLException {
            return new ExportedLabel((Integer) rs.getObject("choice"), (Integer) rs.getObject("confidence"),
                    (Integer) rs.getObject("source_confidence"), rs.getString("pseudonym"), rs.getString("batch"),
                    rs.getString("split"), rs.getString("source_id"), rs.getString("subreddit"), rs.getString("title"),
                    rs.getString("body"), strings(rs, "texts"), strings(rs, "policies"), strings(rs, "notes"));
        }

        private static List<String> strings(ResultSet rs, String column) throws SQLException {
            Object[] values = (Object[]) rs.getArray(column).getArray();
            List<String> result = new ArrayList<>(values.length);
            for (Object value : values) {
                result.add((String) value);
            }
            return result;
        }
    }
}
