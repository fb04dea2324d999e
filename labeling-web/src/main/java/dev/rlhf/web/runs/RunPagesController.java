package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.LabelSnapshots;

import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.lm.metrics.JsonlSink;
import dev.rlhf.lm.metrics.MetricsJsonl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The researcher's run pages: the queue, the launch form, a live run page, and a compare page. */
@Controller
class RunPagesController {
    private final RunQueue queue;
    private final RunLauncher launcher;
    private final ModelRegistry registry;
    private final LabelSnapshots snapshots;
    private final RunTypes types;

    private final Path modelsDir;

    RunPagesController(RunQueue queue, RunLauncher launcher, ModelRegistry registry, LabelSnapshots snapshots,
                       RunTypes types, RunWorkers workers) {
        this.modelsDir = workers.settings().modelsDir();
        this.queue = queue;
        this.launcher = launcher;
        this.registry = registry;
        this.snapshots = snapshots;
        this.types = types;
    }

    @GetMapping("/research/runs")
    String list(Model model) {
        Instant now = Instant.now();
        model.addAttribute("runs", queue.recent(200).stream().map(r -> RunView.of(r, now)).toList());
        model.addAttribute("models", registry.all());
        model.addAttribute("snapshots", snapshots.all());
        return "runs/runs";
    }

    @GetMapping("/research/runs/new")
    String form(@RequestParam(defaultValue = "SFT") String kind, @RequestParam(required = false) Long from, Model model) {
        if (from == null) {
            RunType type = typeOf(kind);
            return form(model, type, type.defaults(), Map.of());
        }
        // launch again with changes: the form of the run's own kind, filled in with its stored config
        Run source = queue.find(from).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + from));
        RunType type = types.find(source.kind()).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "run " + from + " is of kind " + source.kind() + ", which has no form"));
        model.addAttribute("from", RunView.of(source, Instant.now()));
        return form(model, type, RunConfigFields.formValues(source, type.defaults()), Map.of());
    }

    /** The run whose id is {@code id}, if the text is one. */
    private Optional<Run> runNamed(String id) {
        try {
            return queue.find(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The kind named by a form (SFT when it names none that is registered). */
    private RunType typeOf(String kind) {
        return types.find(kind).orElse(types.get(RunKind.SFT));
    }

    private String form(Model model, RunType type, Map<String, String> values, Map<String, String> errors) {
        model.addAttribute("kind", type.kind().name());
        model.addAttribute("values", values);
        model.addAttribute("errors", errors);
        model.addAttribute("models", registry.all());
        model.addAttribute("snapshots", snapshots.all());
        model.addAttribute("trunkDefaults", Map.of());
        model.addAttribute("scratchDefaults", Map.of());
        model.addAllAttributes(type.formAttributes());
        model.addAttribute("groups", FormLayout.grouped(type.fields()));
        return type.template();
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

    @PostMapping("/research/runs")
    String launch(@RequestParam org.springframework.util.MultiValueMap<String, String> form,
                  @AuthenticationPrincipal SignedInUser user, Model model, HttpServletResponse response) {
        Map<String, String> params = new LinkedHashMap<>();
        form.forEach((k, v) -> params.put(k, String.join(",", v))); // checkboxes (ensemble members) send several values
        // a form opened by "launch again with changes" names the run it came from
        String from = params.remove("launchedFrom");
        boolean relaunch = from != null && !from.isBlank();
        Optional<Run> source = relaunch ? runNamed(from.strip()) : Optional.empty();
        RunLauncher.Result result = relaunch && source.isEmpty()
                ? RunLauncher.Result.refused(Map.of("launchedFrom", "no run " + from.strip() + " to launch again from"))
                : launcher.launch(params, user == null ? null : user.id());
        if (!result.ok()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            RunType type = typeOf(params.getOrDefault("kind", "SFT"));
            Map<String, String> values = type.defaults();
            params.forEach((k, v) -> { if (values.containsKey(k)) values.put(k, v); });
            source.ifPresent(s -> model.addAttribute("from", RunView.of(s, Instant.now())));
            return form(model, type, values, result.errors());
        }
        source.ifPresent(s -> result.runIds().forEach(id -> queue.launchedFrom(id, s.id())));
        return result.runIds().size() > 1 ? "redirect:/research/runs" : "redirect:/research/runs/" + result.runId();
    }

    @GetMapping("/research/runs/{id}")
    String show(@PathVariable long id, Model model) {
        Run run = queue.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + id));
        model.addAttribute("run", RunView.of(run, Instant.now()));
        model.addAttribute("samples", queue.samplesOf(id, 20));
        types.find(run.kind()).ifPresent(t -> model.addAllAttributes(t.runPageAttributes(id)));
        model.addAttribute("hasForm", types.find(run.kind()).isPresent());
        return "runs/run";
    }

    /** The run directory's {@code metrics.jsonl} as the trainer wrote it (404 for a run that wrote none). */
    @GetMapping("/research/runs/{id}/metrics.jsonl")
    ResponseEntity<byte[]> metricsJsonl(@PathVariable long id) throws IOException {
        Path file = metricsFile(id);
        return download(Files.readAllBytes(file), "application/x-ndjson", "run-" + id + "-metrics.jsonl");
    }

    /** The same as CSV: one row per step, one column per metric name, NaN and infinities as text. */
    @GetMapping("/research/runs/{id}/metrics.csv")
    ResponseEntity<byte[]> metricsCsv(@PathVariable long id) throws IOException {
        String csv = MetricsJsonl.csv(MetricsJsonl.read(metricsFile(id)));
        return download(csv.getBytes(StandardCharsets.UTF_8), "text/csv", "run-" + id + "-metrics.csv");
    }

    private Path metricsFile(long id) {
        queue.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + id));
        Path file = RunContext.runDir(modelsDir, id).resolve(JsonlSink.NAME);
        if (!Files.isRegularFile(file)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "run " + id + " has no " + JsonlSink.NAME
                    + " (not started yet, or stored before runs wrote one; its charts read the database)");
        }
        return file;
    }

    private static ResponseEntity<byte[]> download(byte[] body, String type, String name) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(type + (type.startsWith("text/") ? "; charset=UTF-8" : "")))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .body(body);
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
        List<Run> runs = runIds.stream().map(i -> queue.find(i).orElseThrow()).toList();
        model.addAttribute("compared", runs.stream().map(r -> RunView.of(r, Instant.now())).toList());
        model.addAttribute("configDiff", RunConfigFields.diff(runs));
        return "runs/compare";
    }
}
