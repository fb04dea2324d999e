package dev.rlhf.web.account;

import dev.rlhf.web.api.ApiProblem;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /tokens}: a researcher's or admin's API tokens; a new token's secret is shown on the answer page only. */
@Controller
@RequestMapping("/tokens")
record ApiTokenPagesController(ApiTokens tokens) {
    @GetMapping
    String page(@AuthenticationPrincipal SignedInUser user, Model model) {
        return render(user, model);
    }

    @PostMapping
    String create(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String name,
                  @RequestParam(required = false) String expiresInDays, Model model, HttpServletResponse response) {
        try {
            Integer days = null;
            if (expiresInDays != null && !expiresInDays.isBlank()) {
                try {
                    days = Integer.valueOf(expiresInDays.strip());
                } catch (NumberFormatException e) {
                    throw ApiProblem.badField("expiresInDays", "'expiresInDays' must be a whole number of days (1 to "
                            + ApiTokens.MAX_DAYS + ")");
                }
            }
            model.addAttribute("created", tokens.create(user, name, days));
            response.setHeader("Cache-Control", "no-store");
        } catch (ApiProblem problem) {
            response.setStatus(problem.status().value());
            model.addAttribute("error", problem.describe());
        }
        return render(user, model);
    }

    @PostMapping("/{id}/revoke")
    String revoke(@AuthenticationPrincipal SignedInUser user, @PathVariable long id, RedirectAttributes redirect) {
        ApiTokens.Token token = tokens.revoke(user.id(), id);
        redirect.addFlashAttribute("notice", "Revoked the API token '" + token.name() + "'.");
        return "redirect:/tokens";
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(ApiProblem.class)
    org.springframework.web.servlet.ModelAndView refused(@AuthenticationPrincipal SignedInUser user, ApiProblem problem) {
        org.springframework.web.servlet.ModelAndView page = new org.springframework.web.servlet.ModelAndView("account/tokens");
        page.setStatus(problem.status());
        page.addObject("tokens", tokens.of(user.id()));
        page.addObject("defaultDays", ApiTokens.DEFAULT_DAYS);
        page.addObject("maxDays", ApiTokens.MAX_DAYS);
        page.addObject("error", problem.describe());
        return page;
    }

    private String render(SignedInUser user, Model model) {
        model.addAttribute("tokens", tokens.of(user.id()));
        model.addAttribute("defaultDays", ApiTokens.DEFAULT_DAYS);
        model.addAttribute("maxDays", ApiTokens.MAX_DAYS);
        return "account/tokens";
    }
}
