package dev.rlhf.web.evaluation;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import java.util.List;
import java.util.Optional;

/** The researcher's evaluation pages: every human evaluation with its win rate, and one evaluation in full. */
@Controller
record EvaluationPagesController(EvaluationStore store) {
    /**
     * Every evaluation (newest first); {@code model} keeps those in which the model is a side; {@code run} goes to the
     * evaluation that run wrote (the list, with a note, while the run has not written it yet).
     */
    @GetMapping("/research/evaluations")
    String list(@RequestParam(required = false) Long model, @RequestParam(required = false) Long run, Model page) {
        if (run != null) {
            Optional<EvaluationStore.Evaluation> e = store.byRun(run);
            if (e.isPresent()) return "redirect:/research/evaluations/" + e.get().id();
            page.addAttribute("pendingRun", run);
        }
        List<EvaluationStore.Evaluation> evaluations = model == null ? store.all() : store.ofModel(model);
        page.addAttribute("model", model);
        page.addAttribute("reports", evaluations.stream().map(e -> EvaluationReport.of(e, store.pairs(e.id()))).toList());
        return "evaluation/evaluations";
    }

    @GetMapping("/research/evaluations/{id}")
    String show(@PathVariable long id, Model page) {
        EvaluationStore.Evaluation e = store.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no evaluation " + id));
        page.addAttribute("r", EvaluationReport.of(e, store.pairs(id)));
        return "evaluation/evaluation";
    }
}
