package dev.rlhf.web.batch;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a comparison batch (in state DRAFT) from chosen posts and summary sources, and mixes in gold.
 * <p>
 * Candidates of a post: its summaries from the chosen sources, one per source in the order given, then further
 * summaries of those sources, never the same text twice; a post with too few candidates is skipped and named.
 * Gold: with rate r and R real comparisons, G = round(r·R / (1 − r)) copies of gold comparisons (comparisons with
 * a gold answer and the same number of candidates; ties only where the batch allows them) are spread evenly
 * between the real ones. Labelers get comparisons in id order, so gold arrives at the batch's rate, on the same
 * page in the same shape as real work; the copies keep the gold answer.
 */
@Service
public class BatchBuilder {
    private final JdbcClient jdbc;
    private final BatchRepository batches;
    private final ComparisonStore comparisons;

    BatchBuilder(JdbcClient jdbc, BatchRepository batches, ComparisonStore comparisons) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.comparisons = comparisons;
    }

    private record Candidate(long id, String policy, boolean reference, String text) {
    }

    private record Gold(long postId, List<Long> summaryIds, Integer choice, Integer confidence, String rationale) {
    }

    @Transactional
    public BuiltBatch build(BatchSpec spec, Long adminId) {
        String name = spec.name() == null ? "" : spec.name().strip();
        if (name.isEmpty() || name.length() > 128) {
            throw ApiProblem.badField("name", "name is required (at most 128 characters)");
        }
        if (spec.mode() == null) {
            throw ApiProblem.badField("mode", "mode is required: PAIRWISE or BEST_OF_4");
        }
        int k = spec.overlapK() == null ? 1 : spec.overlapK();
        if (k < 1 || k > 20) {
            throw ApiProblem.badField("overlapK", "overlapK must be between 1 and 20");
        }
        boolean ties = Boolean.TRUE.equals(spec.tiesAllowed());
        if (ties && spec.mode() != BatchMode.PAIRWISE) {
            throw ApiProblem.badField("tiesAllowed", "ties are only possible in PAIRWISE batches");
        }
        BigDecimal rate = spec.goldRate() == null ? BigDecimal.ZERO : spec.goldRate();
        if (rate.signum() < 0 || rate.compareTo(new BigDecimal("0.5")) > 0) {
            throw ApiProblem.badField("goldRate", "goldRate must be between 0 and 0.5");
        }
        List<String> posts = clean(spec.posts());
        if (posts.isEmpty()) {
            throw ApiProblem.badField("posts", "choose at least one post (source ids)");
        }
        List<String> sources = clean(spec.sources());
        if (sources.isEmpty()) {
            throw ApiProblem.badField("sources", "choose at least one summary source (a policy, or 'reference')");
        }
        if (batches.findByName(name).isPresent()) {
            throw ApiProblem.conflict("name", "a batch named '" + name + "' exists");
        }
        int n = spec.mode().candidates();

        Map<String, Long> postIds = new LinkedHashMap<>();
        jdbc.sql("SELECT source_id, id FROM posts WHERE source_id = ANY(?)").param(posts.toArray(String[]::new))
                .query((rs, i) -> postIds.put(rs.getString(1), rs.getLong(2))).list();
        List<String> skipped = new ArrayList<>();
        List<long[]> real = new ArrayList<>(); // postId, then summary ids
        for (String post : posts) {
            Long postId = postIds.get(post);
            if (postId == null) {
                skipped.add(post + ": no such post");
                continue;
            }
            List<Long> chosen = candidates(postId, sources, n);
            if (chosen.size() < n) {
                skipped.add(post + ": " + chosen.size() + " of " + n + " candidate summaries from " + sources);
                continue;
            }
            long[] row = new long[n + 1];
            row[0] = postId;
            for (int i = 0; i < n; i++) {
                row[i + 1] = chosen.get(i);
            }
            real.add(row);
        }
        if (real.isEmpty()) {
            throw ApiProblem.badField("posts", "no chosen post has enough candidate summaries: " + skipped);
        }
        int goldCount = rate.signum() == 0 ? 0
                : (int) Math.round(rate.doubleValue() * real.size() / (1 - rate.doubleValue()));
        List<Gold> pool = goldCount == 0 ? List.of() : goldPool(n, ties);
        if (goldCount > 0 && pool.isEmpty()) {
            throw ApiProblem.badField("goldRate", "there are no gold comparisons with " + n + " summaries to mix in");
        }

        Batch batch = new Batch(name, spec.mode(), k, ties, spec.priority() == null ? 0 : spec.priority());
        batch.setGoldRate(rate);
        batch.setCreatedBy(adminId);
        batches.save(batch);
        int goldAdded = 0;
        for (int i = 0; i < real.size(); i++) {
            long[] row = real.get(i);
            List<Long> ids = new ArrayList<>();
            for (int j = 1; j < row.length; j++) {
                ids.add(row[j]);
            }
            comparisons.addComparison(batch, row[0], ids, "train", false);
            long due = Math.round((double) (i + 1) * goldCount / real.size());
            while (goldAdded < due) {
                Gold gold = pool.get(goldAdded % pool.size());
                long id = comparisons.addComparison(batch, gold.postId(), gold.summaryIds(), "train", true);
                comparisons.addGoldAnswer(id, gold.choice(), gold.confidence(), gold.rationale());
                goldAdded++;
            }
        }
        return new BuiltBatch(batch.getId(), name, real.size(), goldAdded, skipped);
    }

    private List<Long> candidates(long postId, List<String> sources, int n) {
        List<Candidate> all = jdbc.sql("SELECT id, policy, is_reference, text FROM summaries WHERE post_id = ? ORDER BY id")
                .param(postId)
                .query((rs, i) -> new Candidate(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)))
                .list();
        List<List<Candidate>> bySource = new ArrayList<>();
        for (String source : sources) {
            bySource.add(all.stream().filter(c -> BatchSpec.REFERENCE.equals(source) ? c.reference() : c.policy().equals(source))
                    .toList());
        }
        List<Long> chosen = new ArrayList<>();
        Set<String> texts = new LinkedHashSet<>();
        for (int round = 0; chosen.size() < n; round++) {
            boolean any = false;
            for (List<Candidate> source : bySource) {
                if (round < source.size() && chosen.size() < n) {
                    any = true;
                    Candidate candidate = source.get(round);
                    if (texts.add(candidate.text())) {
                        chosen.add(candidate.id());
                    }
                }
            }
            if (!any) {
                break;
            }
        }
        return chosen;
    }

    /** Distinct gold comparisons (post and summaries) with n candidates; ties only if allowed. */
    private List<Gold> goldPool(int n, boolean tiesAllowed) {
        return jdbc.sql("""
                        SELECT DISTINCT ON (c.post_id, ids) c.post_id, ids, g.choice, g.confidence, g.rationale
                        FROM gold_answers g
                        JOIN comparisons c ON c.id = g.comparison_id
                        CROSS JOIN LATERAL (SELECT array_agg(cs.summary_id ORDER BY cs.position) AS ids
                                            FROM comparison_summaries cs WHERE cs.comparison_id = c.id) s
                        WHERE c.candidate_count = ? AND (g.choice IS NOT NULL OR ?)
                        ORDER BY c.post_id, ids, c.id""")
                .params(n, tiesAllowed)
                .query((rs, i) -> {
                    List<Long> ids = new ArrayList<>();
                    for (Object id : (Object[]) rs.getArray("ids").getArray()) {
                        ids.add(((Number) id).longValue());
                    }
                    return new Gold(rs.getLong("post_id"), ids, (Integer) rs.getObject("choice"),
                            (Integer) rs.getObject("confidence"), rs.getString("rationale"));
                })
                .list();
    }

    private static List<String> clean(List<String> values) {
        if (values == null) {
            return List.of();
        }
        return values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).distinct().toList();
    }
}
