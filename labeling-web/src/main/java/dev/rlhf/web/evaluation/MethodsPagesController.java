package dev.rlhf.web.evaluation;

import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.runs.RunLauncher;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /research/methods}: the policies trained on one label snapshot (SFT, PPO, DPO, RLOO) by human win rate
 * against the reference summaries, beside their KL to the SFT model and the reward model's score, with a button that
 * launches the evaluations still missing.
 */
@Controller
record MethodsPagesController(MethodComparison comparison, LabelSnapshots snapshots, RunLauncher launcher) {
    @GetMapping("/research/methods")
    String page(@RequestParam(required = false) Long snapshot, Model model) {
        List<LabelSnapshots.Snapshot> all = snapshots.all();
        Long chosen = snapshot != null ? snapshot : all.isEmpty() ? null : all.get(0).id();
        model.addAttribute("snapshots", all);
        model.addAttribute("snapshot", chosen);
        List<MethodComparison.Row> rows = chosen == null ? List.of() : comparison.rows(chosen);
        model.addAttribute("rows", rows);
        model.addAttribute("points", MethodComparison.chart(rows));
        model.addAttribute("maxKl", EvaluationReport.format(MethodComparison.maxKl(rows)));
        model.addAttribute("missing", rows.stream().filter(r -> !r.evaluated()).count());
        model.addAttribute("rewardModel", chosen == null ? null : comparison.rewardModel(chosen).orElse(null));
        model.addAttribute("width", MethodComparison.WIDTH);
        model.addAttribute("height", MethodComparison.HEIGHT);
        model.addAttribute("margin", MethodComparison.MARGIN);
        return "evaluation/methods";
    }

    /** Queues a human evaluation against the reference summaries for every policy of the snapshot that has none. */
    @PostMapping("/research/methods/evaluations")
    String launchMissing(@RequestParam long snapshot, @RequestParam(defaultValue = "") String postCount,
                         @AuthenticationPrincipal SignedInUser user, RedirectAttributes flash) {
        Long rm = comparison.rewardModel(snapshot).orElse(null);
        List<Long> queued = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (MethodComparison.Row r : comparison.rows(snapshot)) {
            if (r.evaluated()) continue;
            Map<String, String> form = new LinkedHashMap<>();
            form.put("kind", "EVALUATION");
            form.put("name", "snapshot " + snapshot + ": " + r.name());
            form.put("baseModelId", Long.toString(r.modelId()));
            if (rm != null) form.put("rewardModelId", Long.toString(rm));
            if (!postCount.isBlank()) form.put("postCount", postCount);
            RunLauncher.Result result = launcher.launch(form, user == null ? null : user.id());
            if (result.ok()) queued.addAll(result.runIds());
            else refused.put(r.name(), String.join("; ", result.errors().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
        }
        flash.addFlashAttribute("queued", queued);
        flash.addFlashAttribute("refused", refused);
        return "redirect:/research/methods?snapshot=" + snapshot;
    }
}
