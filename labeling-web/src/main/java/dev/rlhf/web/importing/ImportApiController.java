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
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Imports over REST: upload a jsonl file as multipart {@code file} with {@code kind} POSTS or COMPARISONS.
 * By default the job runs in the background (202 and the job to poll); with {@code wait=true} the call returns
 * when it is done (201), or 400 naming the bad line and field (nothing imported).
 */
@RestController
@RequestMapping("/api/imports")
class ImportApiController {
    private final ImportQueue queue;
    private final ImportJobStore jobs;

    ImportApiController(ImportQueue queue, ImportJobStore jobs) {
        this.queue = queue;
        this.jobs = jobs;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ImportJob> upload(@AuthenticationPrincipal SignedInUser user, @RequestParam ImportKind kind,
                                     @RequestParam MultipartFile file,
                                     @RequestParam(defaultValue = "false") boolean wait) throws IOException {
        if (file.isEmpty()) {
            throw ApiProblem.badField("file", "the uploaded file is empty");
        }
        if (wait) {
            ImportJob job = queue.importNow(kind, file.getInputStream(), file.getOriginalFilename(), user.id());
            return ResponseEntity.created(URI.create("/api/imports/" + job.id())).body(job);
        }
        ImportJob job = queue.submit(kind, file.getInputStream(), file.getOriginalFilename(), user.id());
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/imports/" + job.id())).body(job);
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
