package dev.rlhf.web.admin;

import dev.rlhf.web.batch.BatchProgressQuery;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The admin's overview: users with their roles and label counts, and the batches. */
@Controller
class AdminController {
    private final UserSummaryQuery users;
    private final BatchProgressQuery batches;

    AdminController(UserSummaryQuery users, BatchProgressQuery batches) {
        this.users = users;
        this.batches = batches;
    }

    @GetMapping("/admin")
    String overview(Model model) {
        model.addAttribute("users", users.all());
        model.addAttribute("batches", batches.all());
        return "admin/overview";
    }
}
