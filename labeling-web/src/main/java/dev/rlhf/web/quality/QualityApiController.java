package dev.rlhf.web.quality;

import dev.rlhf.web.api.ApiProblem;
import dev.rlhf.web.batch.ComparisonStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality over REST: per-labeler figures and per-batch agreement (researchers and admins); gold answers and
 * qualification tests (admins). The reward-model agreement is absent until a reward model is registered.
 */
@RestController
class QualityApiController {
    private final AgreementQuery agreement;
    private final QualificationTests tests;
    private final ComparisonStore comparisons;
    private final JdbcClient jdbc;

    QualityApiController(AgreementQuery agreement, QualificationTests tests, ComparisonStore comparisons, JdbcClient jdbc) {
        this.agreement = agreement;
        this.tests = tests;
        this.comparisons = comparisons;
        this.jdbc = jdbc;
    }

    record GoldAnswer(Long comparisonId, Integer choice, Integer confidence, String rationale) {
    }

    record NewTest(String name, BigDecimal passMark, String goldBatch, Integer maxAttempts, Integer coolDownMinutes) {
    }

    @GetMapping("/api/quality/labelers")
    Map<String, Object> labelers() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("labelers", agreement.labelers());
        body.put("rewardModel", agreement.rewardModelExists()
                ? "a reward model is registered, but no reward-model scores of labelled comparisons are stored yet"
                : "no reward model exists yet");
        return body;
    }

    @GetMapping("/api/quality/batches")
    List<BatchAgreement> batches() {
        return agreement.batches();
    }

    @GetMapping("/api/quality/batches/{id}")
    BatchAgreement batch(@PathVariable long id) {
        if (jdbc.sql("SELECT count(*) FROM batches WHERE id = ?").param(id).query(Long.class).single() == 0) {
            throw ApiProblem.notFound("id", "there is no batch " + id);
        }
        return agreement.batch(id);
    }

    /** Records the expert answer of a comparison, which makes it gold (canonical choice and confidence). */
    @PostMapping("/api/gold")
    ResponseEntity<GoldAnswer> gold(@RequestBody GoldAnswer gold) {
        if (gold.comparisonId() == null) {
            throw ApiProblem.badField("comparisonId", "comparisonId is required");
        }
        Integer candidates = jdbc.sql("SELECT candidate_count FROM comparisons WHERE id = ?").param(gold.comparisonId())
                .query(Integer.class).optional()
                .orElseThrow(() -> ApiProblem.notFound("comparisonId", "there is no comparison " + gold.comparisonId()));
        if (gold.choice() != null && (gold.choice() < 0 || gold.choice() >= candidates)) {
            throw ApiProblem.badField("choice", "choice must be between 0 and " + (candidates - 1));
        }
        if (gold.confidence() != null) {
            int c = gold.confidence();
            boolean fits = candidates == 2 && c >= 1 && c <= 9
                    && (gold.choice() == null ? c == 5 : gold.choice() == 0 ? c < 5 : c > 5);
            if (!fits) {
                throw ApiProblem.badField("confidence", "confidence must be 1-4 for choice 0, 5 for a tie (choice null), 6-9 for choice 1");
            }
        } else if (gold.choice() == null) {
            throw ApiProblem.badField("choice", "choice is required (or confidence 5 for a tie)");
        }
        if (jdbc.sql("SELECT count(*) FROM gold_answers WHERE comparison_id = ?").param(gold.comparisonId())
                .query(Long.class).single() > 0) {
            throw ApiProblem.conflict("comparisonId", "comparison " + gold.comparisonId() + " already has a gold answer");
        }
        if (tests.isQualificationContent(gold.comparisonId())) {
            throw ApiProblem.conflict("comparisonId", "comparison " + gold.comparisonId()
                    + " shows the post and summaries of a qualification item, whose gold is kept apart from the gold that scores labelers");
        }
        comparisons.addGoldAnswer(gold.comparisonId(), gold.choice(), gold.confidence(), gold.rationale());
        return ResponseEntity.status(HttpStatus.CREATED).body(gold);
    }

    @GetMapping("/api/qualification-tests")
    List<QualificationTests.Test> tests() {
        return tests.all();
    }

    @PostMapping("/api/qualification-tests")
    ResponseEntity<QualificationTests.Test> createTest(@RequestBody NewTest test) {
        return ResponseEntity.status(HttpStatus.CREATED).body(tests.create(test.name(), test.passMark(), test.goldBatch(),
                test.maxAttempts(), test.coolDownMinutes()));
    }
}
