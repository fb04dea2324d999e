package dev.rlhf.web.labeling;

import dev.rlhf.web.account.SignedInUser;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

import java.util.List;
import java.util.UUID;

/**
 * The labeler's pages: the next comparison with their own stats and the batch's instructions, the answer form and the
 * skip form (post/redirect/get; the post already claims the next comparison, which the page it redirects to finds as
 * the labeler's current one).
 */
@Controller
@RequestMapping("/labeling")
record LabelingController(AssignmentService assignments, LabelAndNextService labelAndNext, LabelerStatsQuery stats, SkipService skips) {
    @GetMapping
    String next(@AuthenticationPrincipal SignedInUser user, Model model) {
        model.addAttribute("assignment", assignments.currentOrNext(user.id()).orElse(null));
        model.addAttribute("idempotencyKey", UUID.randomUUID().toString());
        model.addAttribute("flags", LabelFlag.values());
        model.addAttribute("skipReasons", SkipReason.values());
        model.addAttribute("stats", stats.of(user.id()));
        return "labeling/compare";
    }

    @PostMapping("/labels")
    Object submit(@AuthenticationPrincipal SignedInUser user, @ModelAttribute LabelForm form, BindingResult binding) {
        if (binding.hasErrors()) {
            List<String> problems = binding.getFieldErrors().stream()
                    .map(error -> error.getField() + ": '" + error.getRejectedValue() + "' is not a valid value")
                    .toList();
            return refused(HttpStatus.BAD_REQUEST, binding.getFieldErrors().get(0).getField(), problems);
        }
        // stores the label and claims the next comparison in one statement; the page it redirects to shows it
        labelAndNext.submitAndNext(user.id(), form.toSubmission());
        return "redirect:/labeling";
    }

    /** Skips the current comparison with a reason; the page it redirects to shows the next one. */
    @PostMapping("/skips")
    String skip(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String assignmentId,
                @RequestParam(required = false) String reason, @RequestParam(required = false) String text) {
        Long id;
        try {
            id = assignmentId == null || assignmentId.isBlank() ? null : Long.valueOf(assignmentId.strip());
        } catch (NumberFormatException notANumber) {
            throw LabelingException.badField("assignmentId", "assignmentId: '" + assignmentId + "' is not a valid value");
        }
        skips.skip(user.id(), new SkipRequest(id, reason, text));
        return "redirect:/labeling";
    }

    @ExceptionHandler(LabelingException.class)
    ModelAndView refused(LabelingException refused) {
        return refused(refused.status(), refused.field(), List.of(refused.getMessage()));
    }

    private static ModelAndView refused(HttpStatus status, String field, List<String> problems) {
        ModelAndView page = new ModelAndView("labeling/refused");
        page.setStatus(status);
        page.addObject("status", status.value());
        page.addObject("reason", status.getReasonPhrase());
        page.addObject("field", field);
        page.addObject("problems", problems);
        return page;
    }
}
