package dev.rlhf.web.evaluation;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.List;

/**
 * Human evaluations as JSON: the evaluation (policy, opponent, reward model, run, batch), the comparison and label
 * counts, and per side the win rate (ties as half), wins/ties/losses, both 95% intervals and the reward model's
 * figures. Numbers that do not exist yet (no labels) are {@code NaN}.
 */
@RestController
@RequestMapping("/api/evaluations")
record EvaluationApiController(EvaluationStore store) {
    @GetMapping
    List<EvaluationReport> list() {
        return store.all().stream().map(e -> EvaluationReport.of(e, store.pairs(e.id()))).toList();
    }

    @GetMapping("/{id}")
    EvaluationReport one(@PathVariable long id) {
        EvaluationStore.Evaluation e = store.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no evaluation " + id));
        return EvaluationReport.of(e, store.pairs(id));
    }
}
