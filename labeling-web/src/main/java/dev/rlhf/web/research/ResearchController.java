package dev.rlhf.web.research;

import dev.rlhf.web.active.SelectedComparisons;
import dev.rlhf.web.batch.BatchProgressQuery;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The researcher's overview: every batch with its comparisons, labels against K × comparisons, and K; the batches a
 * selection run chose, with their mean disagreement against their pool's.
 */
@Controller
class ResearchController {
    private final BatchProgressQuery progress;
    private final SelectedComparisons selections;

    ResearchController(BatchProgressQuery progress, SelectedComparisons selections) {
        this.progress = progress;
        this.selections = selections;
    }

    @GetMapping("/research")
    String overview(Model model) {
        model.addAttribute("batches", progress.all());
        model.addAttribute("selections", selections.all());
        return "research/overview";
    }
}
