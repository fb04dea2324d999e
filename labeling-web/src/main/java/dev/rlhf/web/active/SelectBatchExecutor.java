package dev.rlhf.web.active;

import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.web.api.ApiProblem;
import dev.rlhf.web.batch.BuiltBatch;
import dev.rlhf.web.runs.RunContext;
import dev.rlhf.web.runs.RunExecutor;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A SELECT_BATCH run: builds the candidate pool, scores every candidate pair with every ensemble member (progress:
 * members × distinct summaries scored), chooses N pairs (most disputed, or at random as the baseline) and writes the
 * batch, in state DRAFT, with each chosen comparison's disagreement in one transaction at the end. The run's samples
 * and log list the chosen pairs with their disagreement; its metrics are the pool's and the batch's mean. It
 * registers no model.
 */
@Component
public record SelectBatchExecutor(CandidatePool pool, SelectedBatchWriter writer, SelectedComparisons selections) implements RunExecutor {
    /** Chosen pairs written to the log one per line (the rest are on the run and batch pages). */
    static final int LOGGED_PAIRS = 100;

    @Override
    public long execute(RunContext ctx) throws Exception {
        SelectBatchSpec spec = SelectBatchSpec.fromJson(ctx.config());
        var earlier = selections.ofRun(ctx.run().id());
        if (earlier.isPresent()) { // an earlier attempt committed its batch and lost its lease before it could finish
            ctx.log("batch " + earlier.get().batchId() + " was written by an earlier attempt of this run");
            return RunExecutor.NO_MODEL;
        }
        List<Path> members = new ArrayList<>();
        for (long id : spec.members()) {
            ModelRegistry.Model m = ctx.registry().find(id)
                    .orElseThrow(() -> new IllegalArgumentException("members: no model " + id + " in the registry"));
            if (!m.kind().equals(ModelKinds.REWARD_MODEL)) throw new IllegalArgumentException("members: model " + id + " is not a reward model");
            members.add(Path.of(m.path()));
        }
        if (members.size() < 2) throw new IllegalArgumentException("members: an ensemble needs at least two reward models");
        List<CandidatePair> pairs = pool.pairs(spec.posts(), spec.sources());
        if (pairs.isEmpty()) {
            throw new IllegalStateException("posts: no candidate pairs left: every pair of these posts' summaries from "
                    + spec.sources() + " is labelled or in a batch that is not closed");
        }
        ctx.log(String.format(Locale.ROOT, "pool: %d candidate pairs on %d posts from sources %s; ensemble of %d reward models %s; %s, measure %s",
                pairs.size(), pairs.stream().mapToLong(CandidatePair::postId).distinct().count(), spec.sources(),
                members.size(), spec.members(), spec.method() == SelectionMethod.RANDOM
                        ? "baseline: " + spec.batchSize() + " at random (seed " + spec.seed() + ")"
                        : "the " + spec.batchSize() + " most disputed", spec.measure()));
        double[][] deltas;
        int[] scored = new int[1];
        long start = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager(Devices.best())) {
            ctx.device(root.getDevice().toString());
            deltas = EnsembleScorer.deltas(members, pairs, root, (done, total) -> {
                scored[0] = done;
                ctx.progress(done, total);
                ctx.checkStop();
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ctx.log(String.format(Locale.ROOT, "scored %d summaries (members × distinct summaries) in %.2f s, %.1f per second",
                scored[0], seconds, scored[0] / seconds));
        List<BatchSelection.Scored> scoredPool = BatchSelection.score(pairs, deltas, spec.measure());
        List<BatchSelection.Scored> chosen = BatchSelection.choose(scoredPool, spec.method(), spec.batchSize(), spec.seed());
        if (chosen.size() < spec.batchSize()) {
            ctx.log("the pool holds only " + pairs.size() + " pairs: the batch gets all of them");
        }
        ctx.checkStop();
        BuiltBatch batch;
        try {
            batch = writer.write(ctx.run(), spec, pairs.size(), BatchSelection.mean(scoredPool), chosen);
        } catch (ApiProblem problem) {
            String field = "name".equals(problem.field()) ? "batchName" : problem.field();
            throw new IllegalArgumentException(field + ": " + problem.getMessage(), problem);
        }
        double poolMean = BatchSelection.mean(scoredPool), batchMean = BatchSelection.mean(chosen);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("pool_pairs", (double) pairs.size());
        metrics.put("pool_mean_disagreement", poolMean);
        metrics.put("batch_mean_disagreement", batchMean);
        metrics.put("batch_min_disagreement", chosen.stream().mapToDouble(BatchSelection.Scored::value).min().orElse(Double.NaN));
        ctx.metrics(1, metrics);
        ctx.log(String.format(Locale.ROOT, "batch %d '%s' (DRAFT): %d comparisons, %d gold; mean %s %.6f (pool %.6f)",
                batch.id(), batch.name(), batch.comparisons(), batch.gold(), spec.measure(), batchMean, poolMean));
        for (int i = 0; i < chosen.size(); i++) {
            if (i < LOGGED_PAIRS) ctx.log(line(i + 1, chosen.get(i)));
        }
        if (chosen.size() > LOGGED_PAIRS) ctx.log("… " + (chosen.size() - LOGGED_PAIRS) + " more on the batch's selection page");
        // one step (the selection); the run page shows the newest samples first, so they are written from the last
        // rank to the first and rank 1 leads the table; the reward column holds the disagreement
        for (int i = chosen.size() - 1; i >= 0; i--) {
            BatchSelection.Scored s = chosen.get(i);
            ctx.sample(1, s.pair().postId(), "#" + (i + 1) + " post " + s.pair().postSourceId(),
                    "A (" + s.pair().policyA() + "): " + s.pair().textA() + "\nB (" + s.pair().policyB() + "): " + s.pair().textB(),
                    s.value(), null);
        }
        return RunExecutor.NO_MODEL;
    }

    static String line(int rank, BatchSelection.Scored s) {
        return String.format(Locale.ROOT, "#%d post %s summaries %d/%d: disagreement %.6f (std Δr %.4f, std σ(Δr) %.4f, mean Δr %.4f)",
                rank, s.pair().postSourceId(), s.pair().summaryA(), s.pair().summaryB(), s.value(),
                s.disagreement().stdDelta(), s.disagreement().stdProbability(), s.disagreement().meanDelta());
    }
}
