package dev.rlhf.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Supervised training of a {@link CausalLm} on (prompt, completion) pairs with the loss on completion tokens only:
 * L = −Σ_{completion tokens} log p(token | prefix) / (number of completion tokens in the optimizer step).
 * AdamW, linear warm-up then cosine decay, gradient accumulation over micro-batches, global-norm clipping; a step
 * whose gradient norm is not finite is skipped and counted, never applied.
 *
 * <p>Every step opens its own sub-manager and each micro-batch its own inside it, so native memory stays flat.
 */
public final class SftTrainer implements AutoCloseable {

    private final CausalLm model;
    /** The model the passes run on: {@code model} itself, or its copy in the compute type under mixed precision. */
    private final CausalLm compute;
    private final MixedPrecision mixed;
    private final SftConfig config;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private CheckpointHook checkpointHook;
    private int step;

    public SftTrainer(CausalLm model, SftConfig config) {
        this.model = model;
        this.config = config;
        this.optimizer = new AdamW(model.manager(), config.beta1(), config.beta2(), config.eps(), config.weightDecay());
        this.schedule = config.schedule();
        this.mixed = new MixedPrecision(config.precision(), model.manager());
        this.compute = mixed.mixed() ? model.config().fromTensors(model.namedTensors(), mixed.manager(), mixed.computeType()) : model;
        mixed.pair(model.namedTensors(), compute.namedTensors());
    }

    /** Reports every step's {@link TrainingListener.Progress#asMap()} ({@code sft/...} names) to {@code sink}. */
    public SftTrainer metrics(dev.rlhf.lm.metrics.MetricsSink sink) {
        return addListener(TrainingListener.to(sink));
    }

    public SftTrainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public SftTrainer checkpointHook(CheckpointHook hook) {
        this.checkpointHook = hook;
        return this;
    }

    /** Optimizer steps taken. */
    public int steps() {
        return step;
    }

    /** Writes the optimizer state and the step count into {@code dir} (next to the weights, see {@link TrainingState}). */
    public void saveState(Path dir) throws IOException {
        TrainingState.save(dir, step, optimizer, model.namedTensors());
    }

    /**
     * Goes on from a checkpoint: restores the optimizer and the step count saved by {@link #saveState} (the weights
     * are the caller's to load). {@link #train} then takes the remaining steps with the same learning rates and the
     * same examples, in the same order, as a run that never stopped.
     */
    public void restoreState(Path dir) throws IOException {
        int saved = TrainingState.load(dir, optimizer, model.namedTensors());
        if (saved > config.steps()) throw new IOException(dir + ": step " + saved + " is past the run's " + config.steps() + " steps");
        mixed.weightsToCompute(model.manager());                // the weights may have been loaded since the copy
        step = saved;
    }

    /**
     * Runs the optimizer steps up to {@code config.steps()} over the examples, reshuffled every epoch, calling the listeners
     * after each step and the checkpoint hook every {@code checkpointEvery} steps and at the end.
     */
    public TrainingListener.Progress train(List<SftExample> examples) throws Exception {
        if (examples.isEmpty()) throw new IllegalArgumentException("no examples");
        int perStep = config.batchSize() * config.gradAccumSteps();
        List<SftExample> order = new ArrayList<>(examples);
        Random rng = new Random(config.seed());
        Collections.shuffle(order, rng);
        int cursor = 0;
        for (long used = 0; used < (long) step * perStep; used++) {    // after restoreState: skip what was trained on
            if (cursor == order.size()) {
                Collections.shuffle(order, rng);
                cursor = 0;
            }
            cursor++;
        }
        TrainingListener.Progress last = null;
        while (step < config.steps()) {
            List<SftExample> batch = new ArrayList<>(perStep);
            while (batch.size() < perStep) {
                if (cursor == order.size()) {
                    Collections.shuffle(order, rng);
                    cursor = 0;
                }
                batch.add(order.get(cursor++));
            }
            last = step(batch);
            boolean end = step == config.steps();
            if (checkpointHook != null && (end || (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0))) {
                checkpointHook.save(model, step);
            }
        }
        if (last != null) for (TrainingListener l : listeners) l.onEnd(last);
        return last;   // null when there was no step left to take
    }

    /**
     * One optimizer step on {@code examples}, split into {@code gradAccumSteps} micro-batches of at most
     * {@code batchSize}: accumulate gradients, clip their global norm, AdamW update (which zeroes them).
     */
    public TrainingListener.Progress step(List<SftExample> examples) {
        long start = System.nanoTime();
        List<List<SftExample>> micro = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += config.batchSize()) {
            micro.add(examples.subList(i, Math.min(examples.size(), i + config.batchSize())));
        }
        double lr = schedule.at(step);
        double loss, norm;
        long tokens;
        try (NDManager s = model.manager().newSubManager()) {
            Gradients.zero(model.namedTensors().values());
            long[] read = new long[1];
            loss = accumulateGradients(micro, read);
            tokens = read[0];
            mixed.gradientsToMaster(s);
            norm = Gradients.clipGlobalNormIfPositive(model.namedTensors().values(), config.maxGradNorm(), s);
            if (optimizer.stepIfFinite(model.namedTensors().values(), norm, lr, s)) mixed.weightsToCompute(s);
        }
        step++;
        double seconds = (System.nanoTime() - start) / 1e9;
        TrainingListener.Progress p = new TrainingListener.Progress(step, config.steps(), loss, lr, norm, tokens,
                tokens / seconds, optimizer.skipped());
        for (TrainingListener l : listeners) l.onStep(p);
        return p;
    }

    /**
     * Adds to the parameters' gradients those of the mean completion-token loss over all the micro-batches (each
     * micro-batch's summed loss is divided by the completion tokens of all of them, so two micro-batches give the
     * gradients of one batch holding both). Does not zero first. Returns the loss; {@code tokensRead[0]} receives
     * the real input tokens.
     */
    public double accumulateGradients(List<List<SftExample>> microBatches, long[] tokensRead) {
        int maxLen = model.config().max_position_embeddings();
        long supervised = 0;
        for (List<SftExample> mb : microBatches) supervised += SftBatch.supervisedTokens(mb);
        double total = 0;
        long tokens = 0;
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            for (List<SftExample> mb : microBatches) {
                try (NDManager m = model.manager().newSubManager()) {
                    SftBatch batch = SftBatch.of(mb, maxLen, m);
                    NDArray nll = batch.supervisedLogProbs(compute).neg();                       // −log p(target)
                    NDArray sum = nll.mul(batch.supervisedMask()).sum();
                    NDArray loss = sum.div(Constants.scalar(sum, Math.max(1, supervised)));       // Σ_mask nll / N
                    gc.backward(loss);
                    total += loss.getFloat();
                    tokens += batch.tokens();
                }
            }
        }
        if (tokensRead != null && tokensRead.length > 0) tokensRead[0] = tokens;
        return total;
    }

    @Override
    public void close() {
        optimizer.close();
        mixed.close();
    }
}
