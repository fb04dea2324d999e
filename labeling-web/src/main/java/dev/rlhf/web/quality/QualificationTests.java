package dev.rlhf.web.quality;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The onboarding test: a named set of pairwise gold comparisons and a pass mark. At most one test is active;
 * while one is, a labeler without a passing result for it gets no real work. Each attempt is kept in
 * {@code qualification_results} (score = share of items whose canonical choice equals the gold answer).
 */
@Service
public class QualificationTests {
    private final JdbcClient jdbc;

    QualificationTests(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Test(long id, String name, BigDecimal passMark, boolean active, long items) {
    }

    public record Item(long comparisonId, String subreddit, String title, String body, String summary0, String summary1) {
    }

    public record Result(String test, double score, boolean passed, int correct, int items) {
    }

    /** Creates the test from the gold comparisons of a batch and makes it the active one. */
    @Transactional
    public Test create(String name, BigDecimal passMark, String goldBatch) {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw ApiProblem.badField("name", "name is required (at most 128 characters)");
        }
        if (passMark == null || passMark.signum() <= 0 || passMark.compareTo(BigDecimal.ONE) > 0) {
            throw ApiProblem.badField("passMark", "passMark must be above 0 and at most 1");
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
        jdbc.sql("UPDATE qualification_tests SET active = false WHERE active").update();
        long id = jdbc.sql("INSERT INTO qualification_tests (name, pass_mark) VALUES (?, ?) RETURNING id")
                .params(name.strip(), passMark).query(Long.class).single();
        for (long comparison : gold) {
            jdbc.sql("INSERT INTO qualification_test_items (test_id, comparison_id) VALUES (?, ?)")
                    .params(id, comparison).update();
        }
        return all().stream().filter(t -> t.id() == id).findFirst().orElseThrow();
    }

    @Transactional
    public void deactivate(long id) {
        jdbc.sql("UPDATE qualification_tests SET active = false WHERE id = ?").param(id).update();
    }

    public List<Test> all() {
        return jdbc.sql("""
                        SELECT t.id, t.name, t.pass_mark, t.active,
                               (SELECT count(*) FROM qualification_test_items i WHERE i.test_id = t.id) AS items
                        FROM qualification_tests t ORDER BY t.id DESC""")
                .query((rs, n) -> new Test(rs.getLong("id"), rs.getString("name"), rs.getBigDecimal("pass_mark"),
                        rs.getBoolean("active"), rs.getLong("items")))
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

    /**
     * Scores an attempt: {@code answers} maps comparison id to the 1-9 confidence given (1 = first summary
     * definitely better, 5 = equally good, 9 = second definitely better); a missing answer counts as wrong.
     */
    @Transactional
    public Result take(long userId, long testId, Map<Long, Integer> answers) {
        Test test = all().stream().filter(t -> t.id() == testId && t.active()).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("testId", "there is no active qualification test " + testId));
        Map<Long, Integer> gold = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT g.comparison_id, g.choice FROM qualification_test_items i
                        JOIN gold_answers g ON g.comparison_id = i.comparison_id WHERE i.test_id = ? ORDER BY 1""")
                .param(testId).query((rs, n) -> gold.put(rs.getLong(1), (Integer) rs.getObject(2))).list();
        int correct = 0;
        List<String> details = new ArrayList<>();
        for (Map.Entry<Long, Integer> item : gold.entrySet()) {
            Integer confidence = answers.get(item.getKey());
            if (confidence != null && (confidence < 1 || confidence > 9)) {
                throw ApiProblem.badField("answers[" + item.getKey() + "]", "confidence must be between 1 and 9");
            }
            Integer choice = confidence == null || confidence == 5 ? null : confidence < 5 ? 0 : 1;
            boolean right = confidence != null && java.util.Objects.equals(choice, item.getValue());
            if (right) {
                correct++;
            }
            details.add("{\"comparison\":" + item.getKey() + ",\"answer\":" + confidence + ",\"gold\":"
                    + item.getValue() + ",\"correct\":" + right + "}");
        }
        double score = gold.isEmpty() ? 0 : (double) correct / gold.size();
        boolean passed = score >= test.passMark().doubleValue();
        jdbc.sql("""
                        INSERT INTO qualification_results (user_id, test_name, score, passed, details)
                        VALUES (?, ?, ?, ?, ?::jsonb)""")
                .params(userId, test.name(), BigDecimal.valueOf(score).setScale(4, java.math.RoundingMode.HALF_UP),
                        passed, "[" + String.join(",", details) + "]")
                .update();
        return new Result(test.name(), score, passed, correct, gold.size());
    }
}
