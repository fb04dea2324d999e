package dev.rlhf.web.importing;

import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.api.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Imports over REST: upload a jsonl file as multipart {@code file} with {@code kind} POSTS or COMPARISONS.
 * By default the job runs in the background (202 and the job to poll); with {@code wait=true} the call returns
 * when it is done (201), or 400 naming the bad line and field (nothing imported). Waiting holds no request thread:
 * the answer is deferred until the import worker is done (servlet async), so a long import does not take one of the
 * few request threads away from labelers; after {@link #WAIT} the answer is 202 with the job to poll.
 */
@RestController
@RequestMapping("/api/imports")
record ImportApiController(ImportQueue queue, ImportJobStore jobs) {
    static final Duration WAIT = Duration.ofHours(1);

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    DeferredResult<ResponseEntity<ImportJob>> upload(@AuthenticationPrincipal SignedInUser user, @RequestParam ImportKind kind,
                                                     @RequestParam MultipartFile file,
                                                     @RequestParam(defaultValue = "false") boolean wait) throws IOException {
        if (file.isEmpty()) {
            throw ApiProblem.badField("file", "the uploaded file is empty");
        }
        ImportQueue.Queued queued = queue.submit(kind, file.getInputStream(), file.getOriginalFilename(), user.id());
        URI location = URI.create("/api/imports/" + queued.job().id());
        Supplier<ResponseEntity<ImportJob>> stillRunning = () -> ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(location).body(jobs.find(queued.job().id()).orElseThrow());
        DeferredResult<ResponseEntity<ImportJob>> answer = new DeferredResult<>(WAIT.toMillis(), stillRunning);
        if (!wait) {
            answer.setResult(ResponseEntity.status(HttpStatus.ACCEPTED).location(location).body(queued.job()));
            return answer;
        }
        queued.finished().whenComplete((job, failure) -> {
            if (failure != null) {
                answer.setErrorResult(failure instanceof CompletionException ? failure.getCause() : failure);
            } else {
                answer.setResult(ResponseEntity.created(location).body(job));
            }
        });
        return answer;
    }

    @GetMapping("/{id}")
    ImportJob job(@PathVariable long id) {
        return jobs.find(id).orElseThrow(() -> ApiProblem.notFound("id", "there is no import job " + id));
    }

    @GetMapping
    List<ImportJob> recent() {
        return jobs.recent(50);
    }
}
