package dev.rlhf.web.review;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The admin's review of what labelers reported: labels with flags or a note (newest first, filtered by batch, labeler
 * and flag, paged) and skips, each linking to the comparison's page with every label and skip on it.
 */
@Controller
record ReviewController(ReviewQuery reviews, ComparisonDetailQuery comparisons) {
    @GetMapping("/admin/reviews")
    String reviews(@RequestParam(required = false) Long batch, @RequestParam(required = false) Long labeler,
                   @RequestParam(required = false) String flag, @RequestParam(defaultValue = "1") int page, Model model) {
        ReviewFilter filter = new ReviewFilter(batch, labeler, flag, page);
        model.addAttribute("review", reviews.page(filter));
        model.addAttribute("filter", filter);
        model.addAttribute("batches", reviews.batches());
        model.addAttribute("labelers", reviews.labelers());
        model.addAttribute("flags", dev.rlhf.web.labeling.LabelFlag.values());
        return "review/reviews";
    }

    @GetMapping("/admin/comparisons/{id}")
    String comparison(@PathVariable long id, Model model) {
        model.addAttribute("comparison", comparisons.find(id).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.NOT_FOUND, "there is no comparison " + id)));
        return "review/comparison";
    }
}
