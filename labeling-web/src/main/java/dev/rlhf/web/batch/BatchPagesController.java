package dev.rlhf.web.batch;

import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.api.ApiProblem;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/** The admin's batch page: build a batch from posts and summary sources, watch progress, open/pause/close. */
@Controller
record BatchPagesController(BatchProgressQuery progress, BatchBuilder builder, BatchLifecycle lifecycle, BatchInstructions instructions) {
    @GetMapping("/admin/batches")
    String batches(Model model) {
        model.addAttribute("batches", progress.all());
        model.addAttribute("modes", BatchMode.values());
        return "batch/batches";
    }

    @PostMapping("/admin/batches")
    String build(@AuthenticationPrincipal SignedInUser admin, @RequestParam String name, @RequestParam BatchMode mode,
                 @RequestParam(defaultValue = "1") int overlapK, @RequestParam(defaultValue = "false") boolean tiesAllowed,
                 @RequestParam(defaultValue = "0") BigDecimal goldRate, @RequestParam(defaultValue = "0") int priority,
                 @RequestParam String posts, @RequestParam String sources,
                 @RequestParam(required = false) String instructions, RedirectAttributes flash) {
        BuiltBatch built = builder.build(new BatchSpec(name, mode, overlapK, tiesAllowed, goldRate, priority,
                split(posts), split(sources), instructions), admin.id());
        flash.addFlashAttribute("notice", "Built " + built.name() + ": " + built.comparisons() + " comparisons, "
                + built.gold() + " gold" + (built.skipped().isEmpty() ? "." : "; skipped " + built.skipped()));
        return "redirect:/admin/batches";
    }

    @PostMapping("/admin/batches/{id}/state")
    String state(@PathVariable long id, @RequestParam BatchState state, RedirectAttributes flash) {
        flash.addFlashAttribute("notice", "Batch " + id + " is " + lifecycle.move(id, state) + ".");
        return "redirect:/admin/batches";
    }

    @PostMapping("/admin/batches/{id}/instructions")
    String instructions(@PathVariable long id, @RequestParam(defaultValue = "") String instructions,
                        RedirectAttributes flash) {
        String stored = this.instructions.set(id, instructions);
        flash.addFlashAttribute("notice", "Batch " + id + (stored == null ? " has no instructions." : ": instructions saved."));
        return "redirect:/admin/batches";
    }

    @ExceptionHandler(ApiProblem.class)
    ModelAndView refused(ApiProblem problem) {
        ModelAndView page = new ModelAndView("batch/batches");
        page.setStatus(problem.status());
        page.addObject("batches", progress.all());
        page.addObject("modes", BatchMode.values());
        page.addObject("error", problem.describe());
        return page;
    }

    private static List<String> split(String values) {
        return Arrays.stream(values.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }
}
