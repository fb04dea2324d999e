package dev.rlhf.web.runs;

import dev.rlhf.web.account.SignedInUser;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** JSON for the run pages (polled by {@code js/runs.js}) and for scripts: launch, list, one run, its metrics, cancel. */
@RestController
@RequestMapping("/api/runs")
record RunApiController(RunQueue queue, RunLauncher launcher) {
    @GetMapping
    List<RunView> list() {
        Instant now = Instant.now();
        return queue.recent(200).stream().map(r -> RunView.of(r, now)).toList();
    }

    /**
     * Launches a run: {@code {"kind": "SFT", "name": …, "baseModelId": …, "learningRate": …, …}} or
     * {@code {"kind": "REWARD_MODEL", "snapshotId": …, …}} or {@code {"kind": "SELECT_BATCH", "members": [3, 4], …}};
     * 400 names the bad fields. {@code ids} lists every queued run (a reward-model ensemble queues one per seed).
     */
    @PostMapping
    ResponseEntity<Map<String, Object>> launch(@RequestBody Map<String, Object> body, @AuthenticationPrincipal SignedInUser user) {
        Map<String, String> values = new HashMap<>();
        body.forEach((k, v) -> values.put(k, v == null ? "" : v.toString()));
        RunLauncher.Result result = launcher.launch(values, user == null ? null : user.id());
        if (!result.ok()) {
            return ResponseEntity.badRequest().body(Map.of("error", "invalid run", "fields", result.errors()));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", result.runId(), "ids", result.runIds()));
    }

    @GetMapping("/{id}")
    Map<String, Object> one(@PathVariable long id) {
        Run run = queue.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + id));
        return Map.of("run", RunView.of(run, Instant.now()), "samples", queue.samplesOf(id, 20));
    }

    /** Metric points after {@code after} (a step), oldest first: the live page asks only for what is new. */
    @GetMapping("/{id}/metrics")
    List<RunQueue.MetricPoint> metrics(@PathVariable long id, @RequestParam(defaultValue = "-1") long after) {
        queue.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + id));
        return queue.metricsOf(id, after);
    }

    @PostMapping("/{id}/cancel")
    Map<String, Object> cancel(@PathVariable long id) {
        queue.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no run " + id));
        boolean cancelled = queue.cancel(id);
        return Map.of("cancelled", cancelled, "state", queue.state(id).name());
    }
}
