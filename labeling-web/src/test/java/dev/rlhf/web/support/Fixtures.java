package dev.rlhf.web.support;

import dev.rlhf.web.account.AccountService;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.account.UserAccount;
import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.demo.DemoBatches;
import dev.rlhf.web.demo.DemoPostGenerator;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.importing.ImportJob;
import dev.rlhf.web.importing.ImportKind;
import dev.rlhf.web.importing.ImportProgress;
import dev.rlhf.web.labeling.AssignmentService;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.ComparisonWriter;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.reward.data.SyntheticComparisons;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetailsService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds what a test needs in the shared database: users with unique names (signed in where asked), the assignment a
 * labeler holds, counts, a label snapshot of synthetic comparisons, and a fresh batch that is the only OPEN one (tests run one after another, so each sees only
 * its own work).
 */
@TestComponent
public record Fixtures(AccountService accounts, DemoBatches batches, JdbcClient jdbc, UserDetailsService userDetails,
                       AssignmentService assignments, FileImporter importer, LabelSnapshots snapshots) {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    public UserAccount user(Role role) {
        String name = role.name().toLowerCase() + "-" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() % 100000;
        return accounts.create(name, "password-" + name, role, "p-" + name);
    }

    public SignedInUser signedIn(UserAccount account) {
        return (SignedInUser) userDetails.loadUserByUsername(account.getUsername());
    }

    public SignedInUser signedIn(String username) {
        return (SignedInUser) userDetails.loadUserByUsername(username);
    }

    /** A new user of {@code role}, signed in. */
    public SignedInUser signedIn(Role role) {
        return signedIn(user(role));
    }

    /** The id of the assignment the labeler holds now, taking the next one if they hold none; fails if there is no work. */
    public long heldAssignment(long labelerId) {
        return assignments.currentOrNext(labelerId).orElseThrow().assignmentId();
    }

    /** Closes every open batch and opens a new one with {@code size} generated comparisons. */
    public Batch onlyOpenBatch(BatchMode mode, int overlapK, boolean tiesAllowed, int size) {
        jdbc.sql("UPDATE batches SET state = 'CLOSED' WHERE state = 'OPEN'").update();
        int n = SEQUENCE.incrementAndGet();
        return batches.create("test-batch-" + n + "-" + System.nanoTime(), mode, overlapK, tiesAllowed, 0, size,
                new DemoPostGenerator(n));
    }

    /**
     * Imports 48 synthetic labelled 2-way comparisons (24 posts, split train) through {@code dir} into the batch
     * {@code TAG-batch} and freezes them as the label snapshot {@code TAG-snapshot}; returns its id.
     */
    public long syntheticSnapshot(Path dir, String tag) throws IOException {
        String batch = tag + "-batch";
        List<Comparison> synthetic = new SyntheticComparisons(7, 0.0, 2).generate(24, 2).stream()
                .map(c -> new Comparison(new PostInfo(tag + "-" + c.info().id(), c.info().post(), c.info().title(),
                        c.info().subreddit()), c.summaries(), c.choice(), tag + "-" + c.worker(), batch, "train", c.confidence()))
                .toList();
        Path file = dir.resolve("comparisons.jsonl");
        ComparisonWriter.writeAll(file, synthetic);
        ImportJob job = importer.importFile(ImportKind.COMPARISONS, file, "comparisons.jsonl", null, ImportProgress.NONE);
        assertThat(job.state()).as(job.error()).isEqualTo("SUCCEEDED");
        return snapshots.freeze(tag + "-snapshot", batch, null, null);
    }

    public long labelCount() {
        return jdbc.sql("SELECT count(*) FROM labels").query(Long.class).single();
    }

    public long runCount() {
        return jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single();
    }

    public long labelsOfBatch(long batchId) {
        return jdbc.sql("SELECT count(*) FROM labels l JOIN comparisons c ON c.id = l.comparison_id WHERE c.batch_id = ?")
                .param(batchId).query(Long.class).single();
    }

    /** Moves an assignment's lease into the past, as if its labeler had walked away long ago. */
    public void expireLease(long assignmentId) {
        jdbc.sql("UPDATE assignments SET lease_expires_at = now() - interval '1 minute', assigned_at = now() - interval '2 hours' WHERE id = ?")
                .param(assignmentId).update();
    }
}
