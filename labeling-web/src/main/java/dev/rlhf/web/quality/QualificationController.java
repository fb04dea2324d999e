package dev.rlhf.web.quality;

import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.api.ApiProblem;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/** The labeler's qualification test page, and the admin's page to create and retire tests. */
@Controller
record QualificationController(QualificationTests tests) {
    /** The labeler's open attempt (items and sides in the attempt's own random order), or a page saying none waits. */
    @GetMapping("/labeling/qualification")
    String test(@AuthenticationPrincipal SignedInUser user, Model model) {
        var attempt = tests.openAttempt(user.id());
        model.addAttribute("attempt", attempt.orElse(null));
        // no attempt to show: either no test waits, or the labeler must wait for the cool-down or has none left
        model.addAttribute("standing", attempt.isPresent() ? null : tests.standing(user.id()).orElse(null));
        return "quality/qualification";
    }

    /** The answers of an attempt: field {@code answer-P} holds the screen confidence given to the item at place P. */
    @PostMapping("/labeling/qualification")
    String take(@AuthenticationPrincipal SignedInUser user, @RequestParam long attemptId,
                @RequestParam Map<String, String> form, Model model) {
        Map<Integer, Integer> answers = new HashMap<>();
        for (Map.Entry<String, String> field : form.entrySet()) {
            if (field.getKey().startsWith("answer-") && !field.getValue().isBlank()) {
                try {
                    answers.put(Integer.parseInt(field.getKey().substring(7)), Integer.parseInt(field.getValue()));
                } catch (NumberFormatException e) {
                    throw ApiProblem.badField(field.getKey(), "'" + field.getValue() + "' is not a number");
                }
            }
        }
        model.addAttribute("result", tests.take(user.id(), attemptId, answers));
        model.addAttribute("attempt", null);
        model.addAttribute("standing", null);
        return "quality/qualification";
    }

    @GetMapping("/admin/qualification")
    String admin(Model model) {
        model.addAttribute("tests", tests.all());
        return "quality/qualification-admin";
    }

    @PostMapping("/admin/qualification")
    String create(@RequestParam String name, @RequestParam BigDecimal passMark, @RequestParam String goldBatch,
                  @RequestParam(required = false) Integer maxAttempts,
                  @RequestParam(required = false) Integer coolDownMinutes, RedirectAttributes flash) {
        var test = tests.create(name, passMark, goldBatch, maxAttempts, coolDownMinutes);
        flash.addFlashAttribute("notice", "Qualification test " + test.name() + " (" + test.items() + " items, "
                + test.maxAttempts() + " attempts) is active.");
        return "redirect:/admin/qualification";
    }

    @PostMapping("/admin/qualification/{id}/deactivate")
    String deactivate(@PathVariable long id) {
        tests.deactivate(id);
        return "redirect:/admin/qualification";
    }
}
