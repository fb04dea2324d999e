package dev.rlhf.dpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rlhf.lm.AdamW;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Gradients;
import dev.rlhf.lm.LrSchedule;
import dev.rlhf.lm.SftBatch;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.metrics.PhaseLog;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.ppo.PolicyCheckpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Direct preference optimisation (Rafailov et al., 2023): the policy learns from preference pairs alone, with no
 * reward model and no sampling, against a frozen reference (the SFT model it starts from). One optimizer step:
 * <ol>
 *   <li>log π_ref(y|x) of both responses of every pair, summed over the response tokens (no gradients);</li>
 *   <li>log π(y|x) of the same, with gradients; h = (log π(y_w) − log π(y_l)) − (log π_ref(y_w) − log π_ref(y_l));</li>
 *   <li>the loss ({@link DpoLoss}: sigmoid or ipo) averaged over the pairs; backward;</li>
 *   <li>global-norm clip, AdamW with linear warm-up then cosine decay; a non-finite gradient is never applied.</li>
 * </ol>
 * The pairs are shuffled with the seed and reshuffled every epoch, so the step counter fixes the data order: a run
 * resumed from a checkpoint repeats the steps of one that never stopped.
 */
public final class DpoTrainer implements AutoCloseable {

    /** A step's log-probs of chosen and rejected responses (sum, or per-token mean for ipo), [B] each. */
    private record LogProbs(NDArray chosen, NDArray rejected) {}

    private final DpoConfig config;
    private final CausalLm policy;
    private final CausalLm reference;
    private final Tokenizer tokenizer;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final List<DpoListener> listeners = new ArrayList<>();
    private Path checkpointDir;
    private int step;

    public DpoTrainer(DpoConfig config, CausalLm policy, CausalLm reference, Tokenizer tokenizer) {
        if (reference.config().vocab_size() != policy.config().vocab_size()) {
            throw new IllegalArgumentException("reference vocabulary " + reference.config().vocab_size()
                    + " differs from the policy's " + policy.config().vocab_size());
        }
        if (config.maxLength() > policy.config().max_position_embeddings() + 1) {
            throw new IllegalArgumentException("maxLength " + config.maxLength() + " exceeds the policy's n_positions + 1 = "
                    + (policy.config().max_position_embeddings() + 1));
        }
        this.config = config;
        this.policy = policy;
        this.reference = reference;
        this.tokenizer = tokenizer;
        this.optimizer = new AdamW(policy.manager(), config.adamBeta1(), config.adamBeta2(), config.adamEps(),
                config.weightDecay());
        this.schedule = new LrSchedule(config.learningRate(), config.minLearningRate(), config.warmupSteps(), config.steps());
    }

    /**
     * Reports every step's {@link DpoMetrics#asMap()}, the held-out validation ({@code dpo/validation/...}, at the
     * last step) and the checkpoints to {@code sink}; the phase {@code dpo} is announced with the planned steps.
     */
    public DpoTrainer metrics(dev.rlhf.lm.metrics.MetricsSink sink) {
        PhaseLog log = new PhaseLog(sink, "dpo");
        return addListener(new DpoListener() {
            @Override
            public void onStep(DpoMetrics m) {
                log.log(m.step(), config.steps(), m.asMap());
            }

            @Override
            public void onValidation(int step, DpoMetrics.Validation v) {
                sink.log(step, v.asMap());
            }

            @Override
            public void onCheckpoint(int step, Path dir) {
                sink.checkpoint(step, dir);
            }
        });
    }

    public DpoTrainer addListener(DpoListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Where {@link #train} writes {@code checkpoint-NNNNNN} directories; null for none. */
    public DpoTrainer checkpointDir(Path dir) {
        this.checkpointDir = dir;
        return this;
    }

    public int steps() {
        return step;
    }

    /**
     * Takes the optimizer steps up to {@code config.steps()} over {@code pairs}, then measures the implicit reward on
     * {@code validation} (when not empty); checkpoints every {@code checkpointEvery} steps and at the end.
     */
    public DpoMetrics.Validation train(List<DpoExample> pairs, List<DpoExample> validation) throws IOException {
        if (pairs.isEmpty()) throw new IllegalArgumentException("no preference pairs to train on");
        for (DpoExample e : pairs) checkLength(e);
        List<DpoExample> order = new ArrayList<>(pairs);
        Random rng = new Random(config.seed());
        Collections.shuffle(order, rng);
        int cursor = 0;
        for (long used = 0; used < (long) step * config.batchSize(); used++) {   // after resume: skip what was used
            if (cursor == order.size()) {
                Collections.shuffle(order, rng);
                cursor = 0;
            }
            cursor++;
        }
        while (step < config.steps()) {
            List<DpoExample> batch = new ArrayList<>(config.batchSize());
            while (batch.size() < config.batchSize()) {
                if (cursor == order.size()) {
                    Collections.shuffle(order, rng);
                    cursor = 0;
                }
                batch.add(order.get(cursor++));
            }
            step(batch);
            boolean end = step == config.steps();
            if (checkpointDir != null && (end || (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0))) {
                Path dir = PolicyCheckpoint.save(checkpointDir, step, optimizer, policy, tokenizer, config.asMap());
                for (DpoListener l : listeners) l.onCheckpoint(step, dir);
            }
        }
        if (validation.isEmpty()) return null;
        DpoMetrics.Validation v = validate(validation);
        for (DpoListener l : listeners) l.onValidation(step, v);
        return v;
    }

    /** One optimizer step on {@code batch} (steps (1)–(4) above). */
    public DpoMetrics step(List<DpoExample> batch) {
        long start = System.nanoTime();
        int b = batch.size();
        double lr = schedule.at(step), loss, norm;
        float[] pc, pr, rc, rr;
        long tokens = 2L * batch.stream().mapToLong(e -> e.prompt().length).sum()
                + batch.stream().mapToLong(e -> e.chosen().length + e.rejected().length).sum();
        List<NDArray> params = List.copyOf(policy.namedTensors().values());
        try (NDManager s = policy.manager().newSubManager()) {
            // (1) log π_ref of chosen and rejected, outside any gradient collector.
            LogProbs ref = logProbs(reference, batch, s);
            rc = ref.chosen().toFloatArray();
            rr = ref.rejected().toFloatArray();
            Gradients.zero(params);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                // (2) log π with gradients; h = (log π(y_w) − log π(y_l)) − (log π_ref(y_w) − log π_ref(y_l)).
                LogProbs pol = logProbs(policy, batch, s);
                NDArray h = pol.chosen().sub(pol.rejected()).sub(ref.chosen().sub(ref.rejected()));
                // (3) the loss, mean over the pairs.
                NDArray perPair = config.ipo() ? DpoLoss.ipo(h, config.beta())
                        : DpoLoss.sigmoid(h, config.beta(), config.labelSmoothing());
                NDArray mean = perPair.mean();
                gc.backward(mean);
                loss = mean.getFloat();
                pc = pol.chosen().toFloatArray();
                pr = pol.rejected().toFloatArray();
            }
            // (4) clip, AdamW.
            norm = Gradients.clipGlobalNormIfPositive(params, config.maxGradNorm(), s);
            optimizer.stepIfFinite(params, norm, lr, s);
        }
        step++;
        double beta = config.beta(), chosen = 0, rejected = 0, right = 0, lpc = 0, lpr = 0;
        for (int i = 0; i < b; i++) {
            double wc = beta * (pc[i] - rc[i]), wr = beta * (pr[i] - rr[i]);   // implicit rewards β·(log π − log π_ref)
            chosen += wc;
            rejected += wr;
            if (wc > wr) right++;
            lpc += pc[i];
            lpr += pr[i];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        DpoMetrics m = new DpoMetrics(step, loss, chosen / b, rejected / b, right / b, (chosen - rejected) / b,
                lpc / b, lpr / b, lr, norm, optimizer.skipped(), tokens / seconds);
        for (DpoListener l : listeners) l.onStep(m);
        return m;
    }

    /** The implicit reward β·(log π − log π_ref) on held-out pairs, without gradients. */
    public DpoMetrics.Validation validate(List<DpoExample> pairs) {
        double right = 0, margin = 0, loss = 0;
        for (int from = 0; from < pairs.size(); from += config.forwardBatchSize()) {
            List<DpoExample> chunk = pairs.subList(from, Math.min(pairs.size(), from + config.forwardBatchSize()));
            try (NDManager s = policy.manager().newSubManager()) {
                LogProbs pol = logProbs(policy, chunk, s), ref = logProbs(reference, chunk, s);
                NDArray h = pol.chosen().sub(pol.rejected()).sub(ref.chosen().sub(ref.rejected()));
                NDArray perPair = config.ipo() ? DpoLoss.ipo(h, config.beta())
                        : DpoLoss.sigmoid(h, config.beta(), config.labelSmoothing());
                float[] hs = h.toFloatArray(), ls = perPair.toFloatArray();
                for (int i = 0; i < hs.length; i++) {
                    if (hs[i] > 0) right++;                    // β·h > 0: chosen has the higher implicit reward
                    margin += config.beta() * hs[i];
                    loss += ls[i];
                }
            }
        }
        int n = pairs.size();
        return new DpoMetrics.Validation(n, right / n, margin / n, loss / n);
    }

    /**
     * log π(y|x) of the chosen and the rejected response of each pair, summed over the response tokens (the per-token
     * mean for ipo): one forward pass over the 2B sequences, chosen rows first.
     */
    private LogProbs logProbs(CausalLm model, List<DpoExample> pairs, NDManager m) {
        int b = pairs.size();
        List<SftExample> rows = new ArrayList<>(2 * b);
        for (DpoExample e : pairs) rows.add(new SftExample(e.prompt(), e.chosen()));
        for (DpoExample e : pairs) rows.add(new SftExample(e.prompt(), e.rejected()));
        SftBatch batch = SftBatch.of(rows, model.config().max_position_embeddings(), m);
        NDArray tokenLogp = batch.supervisedLogProbs(model).mul(batch.supervisedMask());     // response tokens only
        NDArray seq = tokenLogp.sum(new int[] {1});                                         // Σ_t log π(y_t|x, y_<t)
        if (config.ipo()) seq = seq.div(batch.lossMask().sum(new int[] {1}));                // per-token mean
        return new LogProbs(seq.get("0:{}", b), seq.get("{}:", b));
    }

    private void checkLength(DpoExample e) {
        if (e.length() > config.maxLength()) {
            throw new IllegalArgumentException("post " + e.postId() + ": " + e.length() + " tokens exceed maxLength "
                    + config.maxLength());
        }
    }

    /** Restores weights, optimizer moments and the step counter from a checkpoint directory. */
    public void resume(Path checkpoint) throws IOException {
        int saved = PolicyCheckpoint.restore(checkpoint, optimizer, policy);
        if (saved > config.steps()) throw new IOException(checkpoint + ": step " + saved + " is past the run's " + config.steps());
        step = saved;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
