package dev.rlhf.web.exporting;

import dev.rlhf.web.batch.BatchProgressQuery;
import dev.rlhf.web.importing.ImportLimits;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The export form for researchers and admins; the download itself is {@code /api/exports/{format}}. */
@Controller
record ExportPageController(BatchProgressQuery batches) {
    @GetMapping("/research/exports")
    String exports(Model model) {
        model.addAttribute("batches", batches.all());
        model.addAttribute("splits", ImportLimits.SPLITS.stream().sorted().toList());
        return "exporting/exports";
    }
}
