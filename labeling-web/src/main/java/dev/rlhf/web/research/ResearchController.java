package dev.rlhf.web.research;

import dev.rlhf.web.batch.BatchProgressQuery;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The researcher's overview: every batch with its comparisons, labels against K × comparisons, and K. */
@Controller
class ResearchController {
    private final BatchProgressQuery progress;

    ResearchController(BatchProgressQuery progress) {
        this.progress = progress;
    }

    @GetMapping("/research")
    String overview(Model model) {
        model.addAttribute("batches", progress.all());
        return "research/overview";
    }
}
