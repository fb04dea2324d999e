package dev.rlhf.web.batch;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

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
 * page in the same shape as real work; the copies keep the gold answer. Qualification gold is never copied.
 */
@Service
public record BatchBuilder(JdbcClient jdbc, BatchRepository batches, ComparisonStore comparisons,
                           TransactionTemplate tx) {
    private record Candidate(long id, String policy, boolean reference, String text) {
    }

    record Gold(long postId, List<Long> summaryIds, Integer choice, Integer confidence, String rationale) {
    }

    /**
     * The batch options every way of building shares, checked: name, mode, K, ties, gold rate, priority and the
     * labelers' instructions (null for none).
     */
    public record Options(String name, BatchMode mode, int overlapK, boolean tiesAllowed, BigDecimal goldRate, int priority,
                          String instructions) {
    }

    /** One real comparison to write: the post and its summaries in canonical order. */
    public record Chosen(long postId, List<Long> summaryIds) {
    }

    /** A batch built from chosen comparisons: the batch, and the ids of its real comparisons in the order given. */
    public record BuiltChosen(BuiltBatch batch, List<Long> comparisonIds) {
    }

    /**
     * Checks the options of {@code spec} (posts and sources are not looked at) and that no batch has its name;
     * refuses naming the field. With a gold rate above 0 there must be gold comparisons of the mode to mix in.
     */
    public Options checkOptions(BatchSpec spec) {
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
        if (batches.findByName(name).isPresent()) {
            throw ApiProblem.conflict("name", "a batch named '" + name + "' exists");
        }
        String instructions = BatchInstructions.check(spec.instructions());
        return new Options(name, spec.mode(), k, ties, rate, spec.priority() == null ? 0 : spec.priority(), instructions);
    }

    /** Whether gold comparisons exist to mix into a batch of this mode (tie answers only where ties are allowed). */
    public boolean goldAvailable(BatchMode mode, boolean tiesAllowed) {
        return !goldPool(mode.candidates(), tiesAllowed).isEmpty();
    }

    public BuiltBatch build(BatchSpec spec, Long adminId) {
        return tx.execute(status -> {
            Options options = checkOptions(spec);
            List<String> posts = clean(spec.posts());
            if (posts.isEmpty()) {
                throw ApiProblem.badField("posts", "choose at least one post (source ids)");
            }
            List<String> sources = clean(spec.sources());
            if (sources.isEmpty()) {
                throw ApiProblem.badField("sources", "choose at least one summary source (a policy, or 'reference')");
            }
            int n = options.mode().candidates();

            Map<String, Long> postIds = new LinkedHashMap<>();
            jdbc.sql("SELECT source_id, id FROM posts WHERE source_id = ANY(?)").param(posts.toArray(String[]::new))
                    .query((rs, i) -> postIds.put(rs.getString(1), rs.getLong(2))).list();
            List<String> skipped = new ArrayList<>();
            List<Chosen> real = new ArrayList<>();
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
                real.add(new Chosen(postId, chosen.subList(0, n)));
            }
            if (real.isEmpty()) {
                throw ApiProblem.badField("posts", "no chosen post has enough candidate summaries: " + skipped);
            }
            return write(options, real, skipped, adminId).batch();
        });
    }

    /**
     * Builds a DRAFT batch from comparisons chosen elsewhere (e.g. by ensemble disagreement) with the options of
     * {@code spec}, gold mixed in as {@link #build} does.
     */
    public BuiltChosen buildChosen(BatchSpec spec, List<Chosen> real, Long createdBy) {
        return tx.execute(status -> {
            Options options = checkOptions(spec);
            if (real.isEmpty()) {
                throw ApiProblem.badField("posts", "no comparisons to put in the batch");
            }
            return write(options, real, List.of(), createdBy);
        });
    }

    private BuiltChosen write(Options options, List<Chosen> real, List<String> skipped, Long createdBy) {
        int n = options.mode().candidates();
        BigDecimal rate = options.goldRate();
        int goldCount = rate.signum() == 0 ? 0
                : (int) Math.round(rate.doubleValue() * real.size() / (1 - rate.doubleValue()));
        List<Gold> pool = goldCount == 0 ? List.of() : goldPool(n, options.tiesAllowed());
        if (goldCount > 0 && pool.isEmpty()) {
            throw ApiProblem.badField("goldRate", "there are no gold comparisons with " + n + " summaries to mix in");
        }

        Batch batch = new Batch(options.name(), options.mode(), options.overlapK(), options.tiesAllowed(), options.priority());
        batch.setGoldRate(rate);
        batch.setCreatedBy(createdBy);
        batch.setInstructions(options.instructions());
        batches.save(batch);
        int goldAdded = 0;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < real.size(); i++) {
            Chosen row = real.get(i);
            ids.add(comparisons.addComparison(batch, row.postId(), row.summaryIds(), "train", false));
            long due = Math.round((double) (i + 1) * goldCount / real.size());
            while (goldAdded < due) {
                Gold gold = pool.get(goldAdded % pool.size());
                long id = comparisons.addComparison(batch, gold.postId(), gold.summaryIds(), "train", true);
                comparisons.addGoldAnswer(id, gold.choice(), gold.confidence(), gold.rationale());
                goldAdded++;
            }
        }
        return new BuiltChosen(new BuiltBatch(batch.getId(), options.name(), real.size(), goldAdded, skipped), List.copyOf(ids));
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

    /**
     * Distinct gold comparisons (post and summaries) with n candidates; ties only if allowed; never qualification gold
     * (V13: kept apart from the gold that scores labelers).
     */
    List<Gold> goldPool(int n, boolean tiesAllowed) {
        return jdbc.sql("""
                        SELECT DISTINCT ON (c.post_id, ids) c.post_id, ids, g.choice, g.confidence, g.rationale
                        FROM gold_answers g
                        JOIN comparisons c ON c.id = g.comparison_id
                        CROSS JOIN LATERAL (SELECT array_agg(cs.summary_id ORDER BY cs.position) AS ids
                                            FROM comparison_summaries cs WHERE cs.comparison_id = c.id) s
                        WHERE c.candidate_count = ? AND (g.choice IS NOT NULL OR ?) AND NOT g.qualification
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
