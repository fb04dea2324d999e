package dev.rlhf.web.labeling;

import dev.rlhf.web.account.SignedInUser;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The labeling flow as JSON, session-authenticated with CSRF in the {@code X-CSRF-TOKEN} header; the same
 * services and rules as the pages. Bodies are read with strict types ({@link LabelSubmission#fromJson}).
 */
@RestController
@RequestMapping("/api/labeling")
record LabelingApiController(AssignmentService assignments, LabelSubmissionService submissions, LabelAndNextService labelAndNext, LabelerStatsQuery stats, SkipService skips) {
    /** The current or a new assignment (200), or 204 when there is no work for this labeler. */
    @PostMapping("/next")
    ResponseEntity<AssignmentView> next(@AuthenticationPrincipal SignedInUser user) {
        return assignments.currentOrNext(user.id()).map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    /** Stores the answer (201); a retry with the same idempotency key answers the same. */
    @PostMapping("/labels")
    ResponseEntity<LabelReceipt> submit(@AuthenticationPrincipal SignedInUser user,
                                        // read as a tree for strict types, documented as what it is
                                        @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                                                mediaType = "application/json",
                                                schema = @Schema(implementation = LabelSubmission.class)))
                                        @RequestBody JsonNode body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(submissions.submit(user.id(), LabelSubmission.fromJson(body)));
    }

    /**
     * Stores the answer and hands out the labeler's next assignment in the same response (201): one request per
     * label instead of two. The label and the claim of the next assignment commit together, durably; a retry
     * with the same idempotency key answers the same label and the same (current) next assignment.
     */
    @PostMapping("/labels-and-next")
    ResponseEntity<LabelAndNext> submitAndNext(@AuthenticationPrincipal SignedInUser user,
                                               @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                                                       content = @Content(mediaType = "application/json",
                                                               schema = @Schema(implementation = LabelSubmission.class)))
                                               @RequestBody JsonNode body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(labelAndNext.submitAndNext(user.id(), LabelSubmission.fromJson(body)));
    }

    /**
     * Skips the labeler's assignment with a reason (201) and hands out their next one: the slot goes back to the pool
     * for another labeler, never to this one again. A retry answers the skip stored first.
     */
    @PostMapping("/skips")
    ResponseEntity<SkipReceipt> skip(@AuthenticationPrincipal SignedInUser user,
                                     @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                                             content = @Content(mediaType = "application/json",
                                                     schema = @Schema(implementation = SkipRequest.class)))
                                     @RequestBody JsonNode body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(skips.skip(user.id(), SkipRequest.fromJson(body)));
    }

    @GetMapping("/stats")
    LabelerStats stats(@AuthenticationPrincipal SignedInUser user) {
        return stats.of(user.id());
    }
}
