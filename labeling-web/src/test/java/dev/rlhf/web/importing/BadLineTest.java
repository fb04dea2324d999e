package dev.rlhf.web.importing;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static dev.rlhf.web.importing.FeedbackLines.comparison;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;

/** A file with one bad line imports nothing at all, and the error names the line and the field. */
@PlatformTest
class BadLineTest extends MockMvcTest {
    @Autowired
    FileImporter importer;
    @Autowired
    ImportJobStore jobs;

    @TempDir
    Path dir;

    /** 60 good lines, line 57 broken by {@code breakIt}. */
    private Path fileWithBadLine57(String run, Consumer<ObjectNode> breakIt) {
        List<Object> lines = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            ObjectNode line = comparison(run + "-post-" + i, run + "-batch", "train", run + "-w" + (i % 4), i % 2, i % 2 == 0 ? 2 : 8,
                    "ref", "Reference " + i, "sup", "Sample " + i);
            if (i == 57) {
                breakIt.accept(line);
            }
            lines.add(line);
        }
        return FeedbackLines.write(dir, run + ".jsonl", lines);
    }

    private long rows() {
        return fixtures.jdbc().sql("""
                SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM summaries) + (SELECT count(*) FROM comparisons)
                     + (SELECT count(*) FROM users) + (SELECT count(*) FROM batches) + (SELECT count(*) FROM labels)
                     + (SELECT count(*) FROM assignments)""").query(Long.class).single();
    }

    @Test
    void aBadChoiceOnLine57ImportsNothingAndNamesTheLineAndField() {
        String run = "bad" + System.nanoTime();
        Path file = fileWithBadLine57(run, line -> line.put("choice", 7));
        long before = rows();

        assertThatThrownBy(() -> importer.importFile(ImportKind.COMPARISONS, file, "bad.jsonl", null, ImportProgress.NONE))
                .isInstanceOfSatisfying(BadLineException.class, bad -> {
                    assertThat(bad.line()).isEqualTo(57);
                    assertThat(bad.field()).isEqualTo("choice");
                    assertThat(bad.getMessage()).startsWith("line 57: choice: must be between 0 and 1, got 7");
                });
        assertThat(rows()).isEqualTo(before);
        ImportJob job = jobs.recent(1).get(0);
        assertThat(job.state()).isEqualTo("FAILED");
        assertThat(job.errorLine()).isEqualTo(57L);
        assertThat(job.errorField()).isEqualTo("choice");
        assertThat(job.rowsImported()).isZero();
    }

    @Test
    void otherBadLinesNameTheirField() {
        String run = "bad2" + System.nanoTime();
        assertBad(fileWithBadLine57(run + "a", line -> line.remove("worker")), "worker", "is required");
        assertBad(fileWithBadLine57(run + "b", line -> line.put("split", "dev")), "split", "must be one of");
        assertBad(fileWithBadLine57(run + "c", line -> ((ObjectNode) line.get("info")).put("id", 12)), "info.id", "must be a string");
        assertBad(fileWithBadLine57(run + "d", line -> ((ObjectNode) line.get("summaries").get(1)).remove("policy")),
                "summaries[1].policy", "is required");
        assertBad(fileWithBadLine57(run + "e", line -> ((ObjectNode) line.get("extra")).put("confidence", 12)),
                "extra.confidence", "between 1 and 9");
        assertBad(fileWithBadLine57(run + "f", line -> ((ObjectNode) line.get("info")).put("title", "nul \u0000 here")),
                "info.title", "NUL character");
        assertBad(fileWithBadLine57(run + "h", line -> ((ObjectNode) line.get("info")).put("post", "p".repeat(ImportLimits.POST + 1))),
                "info.post", "is longer than 40000 characters");
        assertBad(fileWithBadLine57(run + "i", line -> ((ObjectNode) line.get("info")).put("title", "t".repeat(ImportLimits.TITLE + 1))),
                "info.title", "is longer than 300 characters");
        assertBad(fileWithBadLine57(run + "j", line -> ((ObjectNode) line.get("summaries").get(0))
                .put("text", "s".repeat(ImportLimits.SUMMARY + 1))), "summaries[0].text", "is longer than 10000 characters");
        assertBad(fileWithBadLine57(run + "k", line -> ((ObjectNode) line.get("summaries").get(1))
                .put("note", "n".repeat(ImportLimits.NOTE + 1))), "summaries[1].note", "is longer than 2000 characters");
        // a line past the line limit is refused while it is read, before it is parsed (or held whole)
        assertBad(fileWithBadLine57(run + "l", line -> line.put("padding", "x".repeat(ImportLimits.LINE))),
                "(line)", "is longer than 1048576 characters");
        assertBad(fileWithBadLine57(run + "g", line -> line.set("summaries",
                        FeedbackLines.comparison("x", "y", "train", "w", 0, null, "a", "1", "b", "2", "c", "3", "d", "4")
                                .get("summaries"))),
                "summaries", "earlier lines");
    }

    private void assertBad(Path file, String field, String reason) {
        long before = rows();
        assertThatThrownBy(() -> importer.importFile(ImportKind.COMPARISONS, file, "bad.jsonl", null, ImportProgress.NONE))
                .isInstanceOfSatisfying(BadLineException.class, bad -> {
                    assertThat(bad.line()).isEqualTo(57);
                    assertThat(bad.field()).isEqualTo(field);
                    assertThat(bad.getMessage()).contains(reason);
                });
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void anOverlongPostInATldrFileIsRefusedNamingTheLineAndField() {
        List<Object> posts = new ArrayList<>();
        String run = "long" + System.nanoTime();
        for (int i = 1; i <= 3; i++) {
            posts.add(FeedbackLines.post(run + "-" + i, "Summary " + i));
        }
        ((ObjectNode) posts.get(1)).put("post", "p".repeat(ImportLimits.POST + 1));
        long before = rows();
        assertThatThrownBy(() -> importer.importFile(ImportKind.POSTS, FeedbackLines.write(dir, run + ".jsonl", posts),
                "posts.jsonl", null, ImportProgress.NONE))
                .isInstanceOfSatisfying(BadLineException.class, bad -> {
                    assertThat(bad.line()).isEqualTo(2);
                    assertThat(bad.field()).isEqualTo("post");
                    assertThat(bad.getMessage()).contains("is longer than 40000 characters");
                });
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void brokenJsonOnLine57IsA400FromTheApiNamingTheLine() throws Exception {
        String run = "bad3" + System.nanoTime();
        Path good = fileWithBadLine57(run, line -> { });
        List<String> lines = new ArrayList<>(Files.readAllLines(good));
        lines.set(56, lines.get(56).substring(0, 40));
        var admin = fixtures.signedIn(Role.ADMIN);
        long before = rows();
        // waiting holds no request thread: the request goes async and is answered when the import worker is done
        var waiting = mvc.perform(multipart("/api/imports").file(new MockMultipartFile("file", "bad.jsonl", "application/jsonl",
                                String.join("\n", lines).getBytes()))
                        .param("kind", "COMPARISONS").param("wait", "true").with(csrf()).with(user(admin)))
                .andExpect(request().asyncStarted()).andReturn();
        mvc.perform(asyncDispatch(waiting))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.line").value(57))
                .andExpect(jsonPath("$.field").value("(line)"))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.startsWith("line 57: (line): not valid JSON")));
        assertThat(rows()).isEqualTo(before);

        // the same file, repaired, imports over the API
        var repaired = mvc.perform(multipart("/api/imports").file(new MockMultipartFile("file", "good.jsonl", "application/jsonl",
                                Files.readAllBytes(good)))
                        .param("kind", "COMPARISONS").param("wait", "true").with(csrf()).with(user(admin)))
                .andExpect(request().asyncStarted()).andReturn();
        mvc.perform(asyncDispatch(repaired))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.state").value("SUCCEEDED"))
                .andExpect(jsonPath("$.rowsImported").value(60));
        // a wrong kind is a 400 naming the parameter
        mvc.perform(multipart("/api/imports").file(new MockMultipartFile("file", "good.jsonl", "application/jsonl",
                                Files.readAllBytes(good)))
                        .param("kind", "VIDEOS").with(csrf()).with(user(admin)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("kind"));
    }
}
