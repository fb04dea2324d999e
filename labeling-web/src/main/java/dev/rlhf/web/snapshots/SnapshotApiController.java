package dev.rlhf.web.snapshots;

import dev.rlhf.web.account.SignedInUser;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/** Label snapshots as JSON: list them, or freeze one: {@code {"name", "batch", "split"}} (batch and split optional). */
@RestController
@RequestMapping("/api/snapshots")
record SnapshotApiController(LabelSnapshots snapshots) {
    @GetMapping
    List<LabelSnapshots.Snapshot> list() {
        return snapshots.all();
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> freeze(@RequestBody Map<String, Object> body, @AuthenticationPrincipal SignedInUser user) {
        String name = text(body.get("name"));
        if (name == null || name.length() > 128 || snapshots.nameTaken(name)) {
            String why = name == null ? "is required" : name.length() > 128 ? "must be at most 128 characters"
                    : "a snapshot named " + name + " exists";
            return ResponseEntity.badRequest().body(Map.of("error", "invalid snapshot", "fields", Map.of("name", why)));
        }
        long id = snapshots.freeze(name, text(body.get("batch")), text(body.get("split")), user == null ? null : user.id());
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id));
    }

    private static String text(Object o) {
        if (o == null) return null;
        String s = o.toString().strip();
        return s.isEmpty() ? null : s;
    }
}
