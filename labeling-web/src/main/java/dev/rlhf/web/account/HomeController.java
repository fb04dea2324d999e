package dev.rlhf.web.account;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The login page, and the start page that sends each role where its work is. */
@Controller
class HomeController {
    @GetMapping("/")
    String home(@AuthenticationPrincipal SignedInUser user) {
        return switch (user.role()) {
            case LABELER -> "redirect:/labeling";
            case RESEARCHER -> "redirect:/research";
            case ADMIN -> "redirect:/admin";
        };
    }

    @GetMapping("/login")
    String login() {
        return "account/login";
    }
}
