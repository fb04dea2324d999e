package dev.rlhf.web.quality;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.sql.Array;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The onboarding test: a named set of pairwise gold comparisons, a pass mark, and how many attempts a labeler gets
 * (with a cool-down after each). At most one test is active; while one is, a labeler without a passing result for it
 * gets no real work. Each attempt is kept in {@code qualification_results} (score = share of items whose canonical
 * choice equals the gold answer, with per-item details) for admins; the labeler learns only passed or not.
 * <p>
 * A labeler takes the test through an attempt ({@code qualification_attempts}, V11): each attempt shows the items in
 * its own random order with each item's summaries on random sides, and reads the answers (screen terms, by place)
 * back through what it showed, so the page says nothing about the canonical order.
 * <p>
 * The items are gold of their own (V13, {@code gold_answers.qualification}): never copied into batches, never counted
 * as gold agreement, and a test is refused gold whose post and summaries already scored labelers.
 */
@Service
public class QualificationTests {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int DEFAULT_COOL_DOWN_MINUTES = 24 * 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    QualificationTests(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Test(long id, String name, BigDecimal passMark, boolean active, long items, int maxAttempts,
                       int coolDownMinutes) {
    }

    public record Item(long comparisonId, String subreddit, String title, String body, String summary0, String summary1) {
    }

    /** An item as one attempt shows it: its place on the page and the two summaries on the sides it drew. */
    public record ShownItem(int place, String subreddit, String title, String body, String left, String right) {
    }

    /** An open attempt at a test: the items in the order and on the sides it shows them. */
    public record Attempt(long id, Test test, List<ShownItem> items) {
    }

    /**
     * Where a labeler stands with the pending test: attempts submitted, whether one is open, and when the next may
     * start ({@code null}: now, or never when none are left).
     */
    public record Standing(Test test, int attemptsUsed, boolean open, Instant nextAttemptAt) {
        public int attemptsLeft() {
            return Math.max(0, test.maxAttempts() - attemptsUsed);
        }

        public boolean mayAttempt() {
            return open || (attemptsLeft() > 0 && nextAttemptAt == null);
        }
    }

    /** What the labeler learns of a submitted attempt: passed or not, and what is left; never the score or the items. */
    public record Result(String test, boolean passed, int attemptsLeft, Instant nextAttemptAt) {
    }

    /**
     * Creates the test from the pairwise gold comparisons of a batch and makes it the active one; their gold becomes
     * qualification gold. {@code maxAttempts} (1-100, default 3) and {@code coolDownMinutes} (0-525,600, default one
     * day) may be null.
     */
    @Transactional
    public Test create(String name, BigDecimal passMark, String goldBatch, Integer maxAttempts, Integer coolDownMinutes) {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw ApiProblem.badField("name", "name is required (at most 128 characters)");
        }
        if (passMark == null || passMark.signum() <= 0 || passMark.compareTo(BigDecimal.ONE) > 0) {
            throw ApiProblem.badField("passMark", "passMark must be above 0 and at most 1");
        }
        int attempts = maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
        if (attempts < 1 || attempts > 100) {
            throw ApiProblem.badField("maxAttempts", "maxAttempts must be between 1 and 100");
        }
        int coolDown = coolDownMinutes == null ? DEFAULT_COOL_DOWN_MINUTES : coolDownMinutes;
        if (coolDown < 0 || coolDown > 525_600) {
            throw ApiProblem.badField("coolDownMinutes", "coolDownMinutes must be between 0 and 525600 (a year)");
        }
        if (jdbc.sql("SELECT count(*) FROM qualification_tests WHERE name = ?").param(name).query(Long.class).single() > 0) {
            throw ApiProblem.conflict("name", "a qualification test named '" + name + "' exists");
        }
        List<Long> gold = jdbc.sql("""
                        SELECT g.comparison_id FROM gold_answers g
                        JOIN comparisons c ON c.id = g.comparison_id JOIN batches b ON b.id = c.batch_id
                        WHERE b.name = ? AND c.candidate_count = 2 ORDER BY g.comparison_id""")
                .param(goldBatch).query(Long.class).list();
        if (gold.isEmpty()) {
            throw ApiProblem.badField("goldBatch", "batch '" + goldBatch + "' has no pairwise gold comparisons");
        }
        List<String> used = scoringUses(gold);
        if (!used.isEmpty()) {
            throw ApiProblem.badField("goldBatch", "a qualification test needs gold that has not scored labelers: "
                    + String.join("; ", used));
        }
        jdbc.sql("UPDATE qualification_tests SET active = false WHERE active").update();
        long id = jdbc.sql("""
                        INSERT INTO qualification_tests (name, pass_mark, max_attempts, cool_down_minutes)
                        VALUES (?, ?, ?, ?) RETURNING id""")
                .params(name.strip(), passMark, attempts, coolDown).query(Long.class).single();
        for (long comparison : gold) {
            jdbc.sql("INSERT INTO qualification_test_items (test_id, comparison_id) VALUES (?, ?)")
                    .params(id, comparison).update();
        }
        jdbc.sql("UPDATE gold_answers SET qualification = true WHERE comparison_id = ANY(?)")
                .param(gold.toArray(Long[]::new)).update();
        return all().stream().filter(t -> t.id() == id).findFirst().orElseThrow();
    }

    /**
     * Why each of these gold comparisons already scored labelers, if it did: labelled on the platform, or its post
     * and summaries are also scoring gold elsewhere (a gold copy in a batch, or the same question made gold again).
     */
    private List<String> scoringUses(List<Long> gold) {
        return jdbc.sql("""
                        WITH content AS (
                            SELECT g.comparison_id, g.qualification, comparison_content(g.comparison_id) AS content
                            FROM gold_answers g)
                        SELECT 'comparison ' || k.comparison_id ||
                               CASE WHEN EXISTS (SELECT 1 FROM labels l WHERE l.comparison_id = k.comparison_id AND NOT l.imported)
                                    THEN ' was labelled by labelers'
                                    ELSE ' is also gold in batch ' || (
                                        SELECT coalesce(min(b.name), '(none)') FROM content o
                                        JOIN comparisons oc ON oc.id = o.comparison_id LEFT JOIN batches b ON b.id = oc.batch_id
                                        WHERE NOT o.qualification AND o.content = k.content
                                          AND o.comparison_id <> ALL(:ids)) END
                        FROM content k
                        WHERE k.comparison_id = ANY(:ids)
                          AND (EXISTS (SELECT 1 FROM labels l WHERE l.comparison_id = k.comparison_id AND NOT l.imported)
                               OR EXISTS (SELECT 1 FROM content o WHERE NOT o.qualification AND o.content = k.content
                                          AND o.comparison_id <> ALL(:ids)))
                        ORDER BY k.comparison_id""")
                .param("ids", gold.toArray(Long[]::new)).query(String.class).list();
    }

    /** Whether a comparison with the post and summaries of this one is a qualification item (its gold kept apart). */
    public boolean isQualificationContent(long comparisonId) {
        return jdbc.sql("""
                        SELECT count(*) FROM gold_answers g
                        WHERE g.qualification AND comparison_content(g.comparison_id) = comparison_content(?)""")
                .param(comparisonId).query(Long.class).single() > 0;
    }

    @Transactional
    public void deactivate(long id) {
        jdbc.sql("UPDATE qualification_tests SET active = false WHERE id = ?").param(id).update();
    }

    public List<Test> all() {
        return jdbc.sql("""
                        SELECT t.id, t.name, t.pass_mark, t.active,
                               (SELECT count(*) FROM qualification_test_items i WHERE i.test_id = t.id) AS items,
                               t.max_attempts, t.cool_down_minutes
                        FROM qualification_tests t ORDER BY t.id DESC""")
                .query((rs, n) -> new Test(rs.getLong("id"), rs.getString("name"), rs.getBigDecimal("pass_mark"),
                        rs.getBoolean("active"), rs.getLong("items"), rs.getInt("max_attempts"),
                        rs.getInt("cool_down_minutes")))
                .list();
    }

    public Optional<Test> active() {
        return all().stream().filter(Test::active).findFirst();
    }

    /** The active test this labeler has not passed yet, if any. */
    public Optional<Test> pendingFor(long userId) {
        return active().filter(test -> jdbc.sql("""
                        SELECT count(*) FROM qualification_results WHERE user_id = ? AND test_name = ? AND passed""")
                .params(userId, test.name()).query(Long.class).single() == 0);
    }

    public List<Item> items(long testId) {
        return jdbc.sql("""
                        SELECT c.id, p.subreddit, p.title, p.body,
                               max(s.text) FILTER (WHERE cs.position = 0) AS s0,
                               max(s.text) FILTER (WHERE cs.position = 1) AS s1
                        FROM qualification_test_items i
                        JOIN comparisons c ON c.id = i.comparison_id
                        JOIN posts p ON p.id = c.post_id
                        JOIN comparison_summaries cs ON cs.comparison_id = c.id
                        JOIN summaries s ON s.id = cs.summary_id
                        WHERE i.test_id = ?
                        GROUP BY c.id, p.subreddit, p.title, p.body ORDER BY c.id""")
                .param(testId)
                .query((rs, n) -> new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)))
                .list();
    }

    /** Where the labeler stands with the test pending for them; empty when none is. */
    public Optional<Standing> standing(long userId) {
        return pendingFor(userId).map(test -> jdbc.sql("""
                        SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL) AS used,
                               count(*) FILTER (WHERE submitted_at IS NULL) > 0 AS open,
                               max(submitted_at) + make_interval(mins => ?) AS cooled,
                               now() AS now
                        FROM qualification_attempts WHERE user_id = ? AND test_id = ?""")
                .params(test.coolDownMinutes(), userId, test.id())
                .query((rs, n) -> {
                    int used = rs.getInt("used");
                    OffsetDateTime cooled = rs.getObject("cooled", OffsetDateTime.class);
                    boolean waiting = cooled != null && cooled.isAfter(rs.getObject("now", OffsetDateTime.class));
                    return new Standing(test, used, rs.getBoolean("open"),
                            waiting && used < test.maxAttempts() ? cooled.toInstant() : null);
                })
                .single());
    }

    /**
     * The labeler's open attempt at the test pending for them (the same one on every reload), or a new one with the
     * items shuffled and each item's summaries on random sides where the labeler has an attempt left and the
     * cool-down after the last one is over; empty otherwise ({@link #standing} says why).
     */
    @Transactional
    public Optional<Attempt> openAttempt(long userId) {
        // serialises the user's own concurrent visits, so they share one attempt and count once
        jdbc.sql("SELECT id FROM users WHERE id = ? FOR UPDATE").param(userId).query(Long.class).single();
        Optional<Standing> standing = standing(userId);
        if (standing.isEmpty() || !standing.get().mayAttempt()) {
            return Optional.empty();
        }
        Test test = standing.get().test();
        Optional<Long> open = jdbc.sql("""
                        SELECT id FROM qualification_attempts WHERE user_id = ? AND test_id = ? AND submitted_at IS NULL""")
                .params(userId, test.id()).query(Long.class).optional();
        long attemptId = open.orElseGet(() -> {
            List<Long> order = new ArrayList<>(items(test.id()).stream().map(Item::comparisonId).toList());
            Collections.shuffle(order, RANDOM);
            Boolean[] swapped = new Boolean[order.size()];
            for (int i = 0; i < swapped.length; i++) {
                swapped[i] = RANDOM.nextBoolean();
            }
            return jdbc.sql("""
                            INSERT INTO qualification_attempts (test_id, user_id, comparison_ids, swapped)
                            VALUES (?, ?, ?, ?) RETURNING id""")
                    .params(test.id(), userId, order.toArray(Long[]::new), swapped)
                    .query(Long.class).single();
        });
        return Optional.of(new Attempt(attemptId, test, shown(attemptId)));
    }

    /** The attempt's items in the order and on the sides it shows them. */
    private List<ShownItem> shown(long attemptId) {
        return jdbc.sql("""
                        SELECT shown.place - 1 AS place, p.subreddit, p.title, p.body,
                               max(s.text) FILTER (WHERE cs.position = CASE WHEN a.swapped[shown.place] THEN 1 ELSE 0 END) AS left_text,
                               max(s.text) FILTER (WHERE cs.position = CASE WHEN a.swapped[shown.place] THEN 0 ELSE 1 END) AS right_text
                        FROM qualification_attempts a
                        CROSS JOIN LATERAL unnest(a.comparison_ids) WITH ORDINALITY AS shown(comparison_id, place)
                        JOIN comparisons c ON c.id = shown.comparison_id
                        JOIN posts p ON p.id = c.post_id
                        JOIN comparison_summaries cs ON cs.comparison_id = c.id
                        JOIN summaries s ON s.id = cs.summary_id
                        WHERE a.id = ?
                        GROUP BY shown.place, p.subreddit, p.title, p.body ORDER BY shown.place""")
                .param(attemptId)
                .query((rs, n) -> new ShownItem(rs.getInt("place"), rs.getString("subreddit"), rs.getString("title"),
                        rs.getString("body"), rs.getString("left_text"), rs.getString("right_text")))
                .list();
    }

    /**
     * Scores the labeler's open attempt: {@code answers} maps a place on the page to the 1-9 confidence given there
     * in screen terms (1 = left summary definitely better, 5 = equally good, 9 = right definitely better); a
     * missing answer counts as wrong. The attempt is closed with its result, once.
     */
    @Transactional
    public Result take(long userId, long attemptId, Map<Integer, Integer> answers) {
        record Shown(long testId, Long[] comparisons, Boolean[] swapped) {
        }
        Shown attempt = jdbc.sql("""
                        SELECT test_id, comparison_ids, swapped FROM qualification_attempts
                        WHERE id = ? AND user_id = ? AND submitted_at IS NULL FOR UPDATE""")
                .params(attemptId, userId)
                .query((rs, n) -> new Shown(rs.getLong(1), longs(rs.getArray(2)), booleans(rs.getArray(3))))
                .optional()
                .orElseThrow(() -> ApiProblem.notFound("attemptId",
                        "there is no open qualification attempt " + attemptId + " of yours; open the test again"));
        Test test = all().stream().filter(t -> t.id() == attempt.testId() && t.active()).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("attemptId", "the test of attempt " + attemptId + " is no longer active"));
        for (Map.Entry<Integer, Integer> answer : answers.entrySet()) {
            if (answer.getKey() < 0 || answer.getKey() >= attempt.comparisons().length) {
                throw ApiProblem.badField("answer-" + answer.getKey(), "there is no item " + answer.getKey() + " on this test");
            }
            if (answer.getValue() < 1 || answer.getValue() > 9) {
                throw ApiProblem.badField("answer-" + answer.getKey(), "confidence must be between 1 and 9");
            }
        }
        Map<Long, Integer> gold = new HashMap<>();
        jdbc.sql("""
                        SELECT g.comparison_id, g.choice FROM qualification_test_items i
                        JOIN gold_answers g ON g.comparison_id = i.comparison_id WHERE i.test_id = ?""")
                .param(test.id()).query((rs, n) -> gold.put(rs.getLong(1), (Integer) rs.getObject(2))).list();
        int correct = 0;
        List<String> details = new ArrayList<>();
        for (int place = 0; place < attempt.comparisons().length; place++) {
            long comparison = attempt.comparisons()[place];
            Integer screen = answers.get(place);
            // back to canonical terms: with summary 1 on the left, the screen scale runs the other way
            Integer canonical = screen == null ? null : attempt.swapped()[place] ? 10 - screen : screen;
            Integer choice = canonical == null || canonical == 5 ? null : canonical < 5 ? 0 : 1;
            boolean right = canonical != null && Objects.equals(choice, gold.get(comparison));
            if (right) {
                correct++;
            }
            details.add("{\"comparison\":" + comparison + ",\"answer\":" + canonical + ",\"gold\":"
                    + gold.get(comparison) + ",\"correct\":" + right + "}");
        }
        int items = attempt.comparisons().length;
        double score = items == 0 ? 0 : (double) correct / items;
        boolean passed = score >= test.passMark().doubleValue();
        jdbc.sql("""
                        INSERT INTO qualification_results (user_id, test_name, score, passed, details)
                        VALUES (?, ?, ?, ?, ?::jsonb)""")
                .params(userId, test.name(), BigDecimal.valueOf(score).setScale(4, RoundingMode.HALF_UP),
                        passed, "[" + String.join(",", details) + "]")
                .update();
        jdbc.sql("UPDATE qualification_attempts SET submitted_at = now() WHERE id = ?").param(attemptId).update();
        if (passed) {
            return new Result(test.name(), true, 0, null);
        }
        Standing after = standing(userId).orElseThrow();
        return new Result(test.name(), false, after.attemptsLeft(), after.nextAttemptAt());
    }

    private static Long[] longs(Array array) throws java.sql.SQLException {
        Object[] values = (Object[]) array.getArray();
        Long[] result = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = ((Number) values[i]).longValue();
        }
        return result;
    }

    private static Boolean[] booleans(Array array) throws java.sql.SQLException {
        Object[] values = (Object[]) array.getArray();
        Boolean[] result = new Boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (Boolean) values[i];
        }
        return result;
    }
}
