package dev.rlhf.web.research;

import dev.rlhf.web.active.SelectedComparisons;
import dev.rlhf.web.batch.BatchProgressQuery;
import dev.rlhf.web.evaluation.EvaluationReport;
import dev.rlhf.web.evaluation.EvaluationStore;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunQueue;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import java.util.Comparator;
import java.util.List;

/**
 * The researcher's landing page: the runs queued or running (with their progress), the newest models, the human
 * evaluations whose batches are still open (labels so far and the win rate), then every batch with its progress and
 * the batches a selection run chose. Each section links to its full page.
 */
@Controller
record ResearchController(BatchProgressQuery progress, SelectedComparisons selections, RunQueue queue, ModelRegistry registry, EvaluationStore evaluations) {
    /** How many of the newest models the page lists. */
    static final int LATEST_MODELS = 8;

    @GetMapping("/research")
    String overview(Model model) {
        List<Run> active = queue.recent(500).stream().filter(r -> !r.state().finished())
                .sorted(Comparator.comparingLong(Run::id)).toList();
        model.addAttribute("activeRuns", active);
        model.addAttribute("latestModels", registry.all().stream()
                .sorted(Comparator.comparingLong(ModelRegistry.Model::id).reversed()).limit(LATEST_MODELS).toList());
        model.addAttribute("openEvaluations", evaluations.all().stream().filter(e -> "OPEN".equals(e.batchState()))
                .map(e -> EvaluationReport.of(e, evaluations.pairs(e.id()))).toList());
        model.addAttribute("batches", progress.all());
        model.addAttribute("selections", selections.all());
        return "research/overview";
    }
}
