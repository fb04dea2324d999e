package dev.rlhf.web.quality;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.List;

/** Computes the quality dashboard's figures from the stored labels (canonical choice; NULL = tie). */
@Repository
public class AgreementQuery {
    /** A label's answer as a category: the canonical choice index, or "tie". */
    static final String ANSWER = "coalesce(%s.choice::text, 'tie')";

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final QualityProperties properties;

    AgreementQuery(JdbcClient jdbc, JdbcTemplate jdbcTemplate, QualityProperties properties) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.properties = properties;
    }

    /** Every labeler (role LABELER) with at least one label, or all when {@code withoutLabels}. */
    public List<LabelerQuality> labelers() {
        return jdbc.sql("""
                        WITH pairs AS (
                            SELECT a.labeler_id, ob.role AS other_role, a.choice IS NOT DISTINCT FROM b.choice AS agree
                            FROM labels a
                            JOIN labels b ON b.comparison_id = a.comparison_id AND b.labeler_id <> a.labeler_id
                            JOIN users ob ON ob.id = b.labeler_id
                        ), peer AS (
                            SELECT labeler_id,
                                   count(*) FILTER (WHERE other_role = 'LABELER') AS labeler_pairs,
                                   count(*) FILTER (WHERE other_role = 'LABELER' AND agree) AS labeler_agreed,
                                   count(*) FILTER (WHERE other_role <> 'LABELER') AS researcher_pairs,
                                   count(*) FILTER (WHERE other_role <> 'LABELER' AND agree) AS researcher_agreed
                            FROM pairs GROUP BY labeler_id
                        ), own AS (
                            SELECT l.labeler_id, count(*) AS labels,
                                   count(*) FILTER (WHERE l.created_at >= now() - interval '7 days') AS last7,
                                   count(*) FILTER (WHERE NOT l.imported) AS timed,
                                   sum(l.seconds_spent) FILTER (WHERE NOT l.imported) AS seconds,
                                   percentile_cont(0.5) WITHIN GROUP (ORDER BY l.seconds_spent)
                                       FILTER (WHERE NOT l.imported) AS median_seconds,
                                   count(g.comparison_id) AS gold_compared,
                                   count(g.comparison_id) FILTER (WHERE l.choice IS NOT DISTINCT FROM g.choice) AS gold_agreed
                            FROM labels l LEFT JOIN gold_answers g ON g.comparison_id = l.comparison_id AND NOT g.qualification
                            GROUP BY l.labeler_id
                        )
                        SELECT u.id, u.pseudonym, u.enabled, u.paused, u.imported,
                               coalesce(own.labels, 0) AS labels, coalesce(own.last7, 0) AS last7,
                               coalesce(own.timed, 0) AS timed, coalesce(own.seconds, 0) AS seconds,
                               own.median_seconds, coalesce(own.gold_compared, 0) AS gold_compared,
                               coalesce(own.gold_agreed, 0) AS gold_agreed,
                               coalesce(peer.labeler_pairs, 0) AS labeler_pairs,
                               coalesce(peer.labeler_agreed, 0) AS labeler_agreed,
                               coalesce(peer.researcher_pairs, 0) AS researcher_pairs,
                               coalesce(peer.researcher_agreed, 0) AS researcher_agreed
                        FROM users u
                        JOIN own ON own.labeler_id = u.id
                        LEFT JOIN peer ON peer.labeler_id = u.id
                        WHERE u.role = 'LABELER'
                        ORDER BY u.pseudonym""")
                .query((rs, n) -> {
                    long goldCompared = rs.getLong("gold_compared");
                    long labelerPairs = rs.getLong("labeler_pairs");
                    long researcherPairs = rs.getLong("researcher_pairs");
                    long timed = rs.getLong("timed");
                    long seconds = rs.getLong("seconds");
                    Double gold = ratio(rs.getLong("gold_agreed"), goldCompared);
                    Double peers = ratio(rs.getLong("labeler_agreed"), labelerPairs);
                    String reason = flagReason(goldCompared, gold, labelerPairs, peers);
                    return new LabelerQuality(rs.getLong("id"), rs.getString("pseudonym"), rs.getBoolean("enabled"),
                            rs.getBoolean("paused"), rs.getBoolean("imported"), rs.getLong("labels"),
                            rs.getLong("last7"), timed == 0 || seconds == 0 ? null : timed * 3600.0 / seconds,
                            (Double) rs.getObject("median_seconds"), goldCompared, gold, labelerPairs, peers,
                            researcherPairs, ratio(rs.getLong("researcher_agreed"), researcherPairs), reason != null,
                            reason);
                })
                .list();
    }

    private String flagReason(long goldCompared, Double gold, long pairs, Double peers) {
        List<String> reasons = new ArrayList<>();
        if (gold != null && goldCompared >= properties.minimumGold() && gold < properties.threshold()) {
            reasons.add("gold agreement below " + percent(properties.threshold()));
        }
        if (peers != null && pairs >= properties.minimumPairs() && peers < properties.threshold()) {
            reasons.add("agreement with other labelers below " + percent(properties.threshold()));
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    private static String percent(double value) {
        return Math.round(value * 100) + "%";
    }

    /** Pairwise agreement and alpha for every batch that has labels by labelers. */
    public List<BatchAgreement> batches() {
        List<long[]> ids = jdbc.sql("""
                        SELECT DISTINCT c.batch_id FROM labels l JOIN comparisons c ON c.id = l.comparison_id
                        WHERE c.batch_id IS NOT NULL ORDER BY c.batch_id""")
                .query((rs, n) -> new long[]{rs.getLong(1)}).list();
        List<BatchAgreement> result = new ArrayList<>();
        for (long[] id : ids) {
            result.add(batch(id[0]));
        }
        return result;
    }

    /** One batch: labels by labelers, read in comparison order, one unit at a time. */
    public BatchAgreement batch(long batchId) {
        String name = jdbc.sql("SELECT name FROM batches WHERE id = ?").param(batchId).query(String.class).single();
        LabelAgreement a = agreement("""
                SELECT l.comparison_id, %s AS answer
                FROM labels l JOIN comparisons c ON c.id = l.comparison_id JOIN users u ON u.id = l.labeler_id
                WHERE c.batch_id = ? AND u.role = 'LABELER'
                ORDER BY l.comparison_id""".formatted(ANSWER.formatted("l")), batchId);
        return new BatchAgreement(batchId, name, a.labels(), a.comparisonsWithOverlap(), a.pairs(),
                a.pairwiseAgreement(), a.alpha());
    }

    /** The labels (by labelers) frozen into one label snapshot, with the same measures as a batch. */
    public LabelAgreement snapshot(long snapshotId) {
        return agreement("""
                SELECT l.comparison_id, %s AS answer
                FROM label_snapshot_labels sl JOIN labels l ON l.id = sl.label_id JOIN users u ON u.id = l.labeler_id
                WHERE sl.snapshot_id = ? AND u.role = 'LABELER'
                ORDER BY l.comparison_id""".formatted(ANSWER.formatted("l")), snapshotId);
    }

    /** Pairwise agreement and alpha over the rows of {@code sql} (comparison id, answer), read in comparison order. */
    private LabelAgreement agreement(String sql, long id) {
        KrippendorffAlpha alpha = new KrippendorffAlpha();
        long[] totals = new long[3]; // labels, pairs, agreeing pairs
        List<String> unit = new ArrayList<>();
        long[] current = {-1};
        jdbcTemplate.query(sql, rs -> {
            long comparison = rs.getLong(1);
            if (comparison != current[0]) {
                close(unit, alpha, totals);
                current[0] = comparison;
            }
            unit.add(rs.getString(2));
            totals[0]++;
        }, id);
        close(unit, alpha, totals);
        return new LabelAgreement(totals[0], alpha.pairableUnits(), totals[1], totals[2], ratio(totals[2], totals[1]),
                alpha.value());
    }

    private static void close(List<String> unit, KrippendorffAlpha alpha, long[] totals) {
        for (int i = 0; i < unit.size(); i++) {
            for (int j = i + 1; j < unit.size(); j++) {
                totals[1]++;
                if (unit.get(i).equals(unit.get(j))) {
                    totals[2]++;
                }
            }
        }
        alpha.addUnit(List.copyOf(unit));
        unit.clear();
    }

    /** Whether a reward model is registered; until one is, the dashboard shows no reward-model agreement at all. */
    public boolean rewardModelExists() {
        return jdbc.sql("SELECT count(*) FROM models WHERE kind = 'REWARD_MODEL'").query(Long.class).single() > 0;
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
