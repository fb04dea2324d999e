package dev.rlhf.web.importing;

import dev.rlhf.web.account.SignedInUser;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.http.HttpStatus;

import java.io.IOException;

/** The admin's import page: upload a jsonl file, then watch its job's progress bar (polls {@code /api/imports/{id}}). */
@Controller
record ImportController(ImportQueue queue, ImportJobStore jobs) {
    @GetMapping("/admin/imports")
    String imports(Model model) {
        model.addAttribute("jobs", jobs.recent(20));
        model.addAttribute("kinds", ImportKind.values());
        return "importing/imports";
    }

    @PostMapping("/admin/imports")
    String upload(@AuthenticationPrincipal SignedInUser user, @RequestParam ImportKind kind,
                  @RequestParam MultipartFile file) throws IOException {
        if (file.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "file: choose a non-empty jsonl file");
        }
        ImportJob job = queue.submit(kind, file.getInputStream(), file.getOriginalFilename(), user.id()).job();
        return "redirect:/admin/imports/" + job.id();
    }

    @GetMapping("/admin/imports/{id}")
    String job(@PathVariable long id, Model model) {
        model.addAttribute("job", jobs.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "there is no import job " + id)));
        return "importing/job";
    }
}
