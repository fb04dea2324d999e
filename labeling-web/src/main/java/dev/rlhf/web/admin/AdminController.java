package dev.rlhf.web.admin;

import dev.rlhf.web.batch.BatchProgressQuery;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The admin's overview: users with their roles and label counts, and the batches. */
@Controller
record AdminController(UserSummaryQuery users, BatchProgressQuery batches) {
    @GetMapping("/admin")
    String overview(Model model) {
        model.addAttribute("users", users.all());
        model.addAttribute("batches", batches.all());
        return "admin/overview";
    }
}
