package dev.rlhf.web.account;

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

/** The admin's account page: the same operations as {@code /api/accounts}, as forms (post/redirect/get). */
@Controller
record AccountPagesController(AccountAdministration administration) {
    @GetMapping("/admin/accounts")
    String accounts(Model model) {
        model.addAttribute("accounts", administration.all());
        model.addAttribute("roles", Role.values());
        return "account/accounts";
    }

    @PostMapping("/admin/accounts")
    String create(@RequestParam String username, @RequestParam String password, @RequestParam Role role,
                  @RequestParam(required = false) String pseudonym, RedirectAttributes flash) {
        administration.create(username, password, role, pseudonym);
        flash.addFlashAttribute("notice", "Created " + username + ".");
        return "redirect:/admin/accounts";
    }

    @PostMapping("/admin/accounts/{id}/enabled")
    String enabled(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id, @RequestParam boolean value,
                   RedirectAttributes flash) {
        var account = administration.setEnabled(id, value, admin.id());
        flash.addFlashAttribute("notice", account.username() + (value ? " enabled." : " disabled."));
        return "redirect:/admin/accounts";
    }

    @PostMapping("/admin/accounts/{id}/role")
    String role(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id, @RequestParam Role value,
                RedirectAttributes flash) {
        var account = administration.setRole(id, value, admin.id());
        flash.addFlashAttribute("notice", account.username() + " is now " + value + ".");
        return "redirect:/admin/accounts";
    }

    @PostMapping("/admin/accounts/{id}/paused")
    String paused(@PathVariable long id, @RequestParam boolean value,
                  @RequestParam(defaultValue = "/admin/accounts") String back, RedirectAttributes flash) {
        var account = administration.setPaused(id, value);
        flash.addFlashAttribute("notice", account.pseudonym() + (value ? " paused." : " resumed."));
        return "redirect:" + (back.startsWith("/research/") || back.startsWith("/admin/") ? back : "/admin/accounts");
    }

    @PostMapping("/admin/accounts/{id}/password")
    String resetPassword(@PathVariable long id, RedirectAttributes flash) {
        String password = administration.resetPassword(id);
        flash.addFlashAttribute("notice", "New password for " + administration.find(id).username() + ": " + password
                + " (shown once).");
        return "redirect:/admin/accounts";
    }

    @ExceptionHandler(ApiProblem.class)
    ModelAndView refused(ApiProblem problem) {
        ModelAndView page = new ModelAndView("account/accounts");
        page.setStatus(problem.status());
        page.addObject("accounts", administration.all());
        page.addObject("roles", Role.values());
        page.addObject("error", problem.describe());
        return page;
    }
}
