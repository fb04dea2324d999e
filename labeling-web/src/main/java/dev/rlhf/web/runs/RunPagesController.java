package dev.rlhf.web.runs;

import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.evaluation.EvaluationSpec;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The researcher's run pages: the queue, the launch form, a live run page, and a compare page. */
@Controller
class RunPagesController {
    private final RunQueue queue;
    private final RunLauncher launcher;
    private final ModelRegistry registry;
    private final LabelSnapshots snapshots;
    private final dev.rlhf.web.active.SelectedComparisons selections;
    private final ModelCards cards;

    RunPagesController(RunQueue queue, RunLauncher launcher, ModelRegistry registry, LabelSnapshots snapshots,
                       dev.rlhf.web.active.SelectedComparisons selections, ModelCards cards) {
        this.queue = queue;
        this.launcher = launcher;
        this.registry = registry;
        this.snapshots = snapshots;
        this.selections = selections;
        this.cards = cards;
    }

    @GetMapping("/research/runs")
    String list(Model model) {
        Instant now = Instant.now();
        model.addAttribute("runs", queue.recent(200).stream().map(r -> RunView.of(r, now)).toList());
        model.addAttribute("models", registry.all());
        model.addAttribute("snapshots", snapshots.all());
        return "runs/runs";
    }

    /**
     * The model page: the reward-model dashboard (the stored evaluation's numbers, tables and charts), the model's
     * lineage back to the root, and its generated model card.
     */
    @GetMapping("/research/models/{id}")
    String modelDashboard(@PathVariable long id, Model model) {
        ModelRegistry.Model m = registry.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        LabelSnapshots.Snapshot snapshot = m.snapshotId() == null ? null
                : snapshots.all().stream().filter(s -> s.id() == m.snapshotId()).findFirst().orElse(null);
        model.addAttribute("d", RewardModelDashboard.of(m, snapshot));
        model.addAttribute("size", RewardModelDashboard.SIZE);
        model.addAttribute("pad", RewardModelDashboard.PAD);
        model.addAttribute("lineage", cards.lineage(m));
        model.addAttribute("card", cards.of(m));
        return "runs/model";
    }

    @GetMapping("/research/runs/new")
    String form(@RequestParam(defaultValue = "SFT") String kind, Model model) {
        String k = switch (kind) { case "REWARD_MODEL", "PPO", "SELECT_BATCH", "EVALUATION" -> kind; default -> "SFT"; };
        return form(model, k, defaultsOf(k), Map.of());
    }

    private String form(Model model, String kind, Map<String, String> values, Map<String, String> errors) {
        model.addAttribute("kind", kind);
        model.addAttribute("values", values);
        model.addAttribute("errors", errors);
        model.addAttribute("models", registry.all());
        model.addAttribute("snapshots", snapshots.all());
        boolean rm = kind.equals("REWARD_MODEL");
        model.addAttribute("trunkDefaults", rm ? RunLauncher.rewardModelTrunkDefaults(false) : Map.of());
        model.addAttribute("scratchDefaults", rm ? RunLauncher.rewardModelTrunkDefaults(true) : Map.of());
        model.addAttribute("hints", hints(kind));
        return kind.equals("SELECT_BATCH") ? "active/select-batch" : "runs/new";
    }

    /** A line under the fields whose meaning or default needs one: the trunk-dependent defaults, the options. */
    static Map<String, String> hints(String kind) {
        Map<String, String> h = new LinkedHashMap<>();
        if (kind.equals("REWARD_MODEL")) {
            Map<String, String> trunk = RunLauncher.rewardModelTrunkDefaults(false), scratch = RunLauncher.rewardModelTrunkDefaults(true);
            for (String f : RunLauncher.TRUNK_DEPENDENT) {
                h.put(f, "empty: " + trunk.get(f) + " with a registered trunk (Stiennon et al. 2020), " + scratch.get(f) + " from scratch");
            }
            h.put("normaliseGain", "true: after training, also scale the reward so the reference summaries have standard deviation 1, not only mean 0 (Ziegler et al. 2019)");
            h.put("splitSeed", "empty: the seed; every member of an ensemble splits by its first member's seed");
        } else if (kind.equals("PPO")) {
            h.put("whitenRewards", "true: scale each batch's per-token rewards to unit variance, mean kept, before GAE (Ziegler et al. 2019)");
        }
        return h;
    }

    /** Freezes the labels of a batch (and split) into a named snapshot for reward-model runs. */
    @PostMapping("/research/snapshots")
    String freeze(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String batch,
                  @RequestParam(defaultValue = "") String split, @AuthenticationPrincipal SignedInUser user,
                  HttpServletResponse response, Model model) {
        if (name.isBlank() || name.length() > 128 || snapshots.nameTaken(name.strip())) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("message", "name: " + (name.isBlank() ? "is required" : name.length() > 128
                    ? "must be at most 128 characters" : "a snapshot named " + name.strip() + " exists"));
            return list(model);
        }
        snapshots.freeze(name.strip(), batch.isBlank() ? null : batch.strip(), split.isBlank() ? null : split.strip(),
                user == null ? null : user.id());
        return "redirect:/research/runs";
    }

    static Map<String, String> defaultsOf(String kind) {
        return switch (kind) {
            case "REWARD_MODEL" -> RunLauncher.rewardModelDefaults();
            case "PPO" -> RunLauncher.ppoDefaults();
            case "SELECT_BATCH" -> dev.rlhf.web.active.SelectBatchForm.defaults();
            case "EVALUATION" -> EvaluationSpec.formDefaults();
            default -> defaults();
        };
    }

    static Map<String, String> defaults() {
        SftSpec d = SftSpec.defaults();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("name", "");
        v.put("baseModelId", "");
        v.put("learningRate", Double.toString(d.learningRate()));
        v.put("minLearningRate", Double.toString(d.minLearningRate()));
        v.put("warmupSteps", Integer.toString(d.warmupSteps()));
        v.put("steps", Integer.toString(d.steps()));
        v.put("batchSize", Integer.toString(d.batchSize()));
        v.put("gradAccumSteps", Integer.toString(d.gradAccumSteps()));
        v.put("maxGradNorm", Double.toString(d.maxGradNorm()));
        v.put("weightDecay", Double.toString(d.weightDecay()));
        v.put("checkpointEvery", Integer.toString(d.checkpointEvery()));
        v.put("seed", Long.toString(d.seed()));
        v.put("nLayer", Integer.toString(d.nLayer()));
        v.put("nHead", Integer.toString(d.nHead()));
        v.put("nEmbd", Integer.toString(d.nEmbd()));
        v.put("nPositions", Integer.toString(d.nPositions()));
        v.put("maxPosts", Integer.toString(d.maxPosts()));
        PromptSet.defaults(v);
        return v;
    }

    @PostMapping("/research/runs")
    String launch(@RequestParam org.springframework.util.MultiValueMap<String, String> form,
                  @AuthenticationPrincipal SignedInUser user, Model model, HttpServletResponse response) {
        Map<String, String> params = new LinkedHashMap<>();
        form.forEach((k, v) -> params.put(k, String.join(",", v))); // checkboxes (ensemble members) send several values
        RunLauncher.Result result = launcher.launch(params, user == null ? null : user.id());
        if (!result.ok()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            String kind = switch (params.getOrDefault("kind", "SFT")) { case "REWARD_MODEL", "PPO", "SELECT_BATCH", "EVALUATION" -> params.get("kind"); default -> "SFT"; };
            Map<String, String> values = defaultsOf(kind);
            params.forEach((k, v) -> { if (values.containsKey(k)) values.put(k, v); });
            return form(model, kind, values, result.errors());
        }
        return result.runIds().size() > 1 ? "redirect:/research/runs" : "redirect:/research/runs/" + result.runId();
    }

    @GetMapping("/research/runs/{id}")
    String show(@PathVariable long id, Model model) {
        Run run = queue.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + id));
        model.addAttribute("run", RunView.of(run, Instant.now()));
        model.addAttribute("samples", queue.samplesOf(id, 20));
        if (run.kind().equals("SELECT_BATCH")) model.addAttribute("selection", selections.ofRun(id).orElse(null));
        return "runs/run";
    }

    @PostMapping("/research/runs/{id}/cancel")
    String cancel(@PathVariable long id) {
        queue.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + id));
        queue.cancel(id);
        return "redirect:/research/runs/" + id;
    }

    @GetMapping("/research/runs/compare")
    String compare(@RequestParam(name = "ids", defaultValue = "") String ids, Model model) {
        List<Long> runIds = Arrays.stream(ids.split("[,\\s]+")).filter(s -> s.matches("\\d+")).map(Long::valueOf)
                .filter(i -> queue.find(i).isPresent()).toList();
        model.addAttribute("runIds", runIds);
        return "runs/compare";
    }
}
