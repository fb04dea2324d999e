package dev.rlhf.web.importing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Uploaded files: copied to a temporary file (streamed, never held in memory), then imported in the background one at
 * a time, while the browser polls the job or the caller waits for its end (without a request thread, see
 * {@code ImportApiController}).
 */
@Service
public class ImportQueue implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(ImportQueue.class);

    private final FileImporter importer;
    private final ImportJobStore jobs;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "import-worker");
        thread.setDaemon(true);
        return thread;
    });

    ImportQueue(FileImporter importer, ImportJobStore jobs) {
        this.importer = importer;
        this.jobs = jobs;
    }

    /**
     * A queued import: its job as created (state QUEUED), and the job as it ends ({@code finished} completes with the
     * final job, or exceptionally with the {@link BadLineException} of a bad file or the failure of a failed import).
     */
    public record Queued(ImportJob job, CompletableFuture<ImportJob> finished) {
    }

    /**
     * Spools the upload to a temporary file and queues its import on the import worker; returns at once. A caller who
     * wants the outcome waits on {@code finished} without holding a thread of its own.
     */
    public Queued submit(ImportKind kind, InputStream upload, String filename, Long userId) {
        Path file = spool(upload);
        long jobId = jobs.create(kind, safeName(filename), size(file), userId);
        CompletableFuture<ImportJob> finished = new CompletableFuture<>();
        worker.submit(() -> {
            try {
                importer.run(jobId, kind, file, userId, ImportProgress.NONE);
                finished.complete(jobs.find(jobId).orElseThrow());
            } catch (RuntimeException failure) {
                log.info("Import job {} failed: {}", jobId, failure.getMessage());
                finished.completeExceptionally(failure);
            } finally {
                delete(file);
            }
        });
        return new Queued(jobs.find(jobId).orElseThrow(), finished);
    }

    private static Path spool(InputStream upload) {
        try (upload) {
            Path file = Files.createTempFile("rlhf-import-", ".jsonl");
            Files.copy(upload, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String safeName(String filename) {
        return filename == null || filename.isBlank() ? "upload.jsonl" : filename;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {}", file, e);
        }
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
