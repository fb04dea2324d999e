package dev.rlhf.web.batch;

import dev.rlhf.web.account.SignedInUser;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/** Batches over REST: progress (researchers and admins), build, change state and instructions (admins). */
@RestController
@RequestMapping("/api/batches")
record BatchApiController(BatchProgressQuery progress, BatchBuilder builder, BatchLifecycle lifecycle, BatchInstructions instructions) {
    record StateChange(BatchState state) {
    }

    record InstructionsChange(String instructions) {
    }

    @GetMapping
    List<BatchProgress> all() {
        return progress.all();
    }

    @PostMapping
    ResponseEntity<BuiltBatch> build(@AuthenticationPrincipal SignedInUser admin, @RequestBody BatchSpec spec) {
        return ResponseEntity.status(HttpStatus.CREATED).body(builder.build(spec, admin.id()));
    }

    /** Replaces the batch's instructions ({@code null} or blank removes them). */
    @PostMapping("/{id}/instructions")
    Map<String, Object> instructions(@PathVariable long id, @RequestBody InstructionsChange change) {
        String stored = instructions.set(id, change.instructions());
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("id", id);
        answer.put("instructions", stored);
        return answer;
    }

    @PostMapping("/{id}/state")
    Map<String, Object> state(@PathVariable long id, @RequestBody StateChange change) {
        return Map.of("id", id, "state", lifecycle.move(id, change.state()));
    }
}
