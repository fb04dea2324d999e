package dev.rlhf.web.quality;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The labeler-quality dashboard for researchers and admins (admins may pause a flagged labeler from here). */
@Controller
record QualityController(AgreementQuery agreement, QualityProperties properties) {
    @GetMapping("/research/quality")
    String dashboard(@AuthenticationPrincipal SignedInUser user, Model model) {
        model.addAttribute("admin", user.role() == Role.ADMIN);
        model.addAttribute("labelers", agreement.labelers());
        model.addAttribute("batches", agreement.batches());
        model.addAttribute("rewardModel", agreement.rewardModelExists());
        model.addAttribute("properties", properties);
        return "quality/dashboard";
    }
}
