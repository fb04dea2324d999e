package dev.rlhf.reward;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rlhf.lm.AdamW;
import dev.rlhf.lm.Gradients;
import dev.rlhf.lm.MixedPrecision;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link RewardModel} on preferences: per step, a batch of examples split into micro-batches; each
 * micro-batch is one forward pass over all its candidates, the loss −log softmax(r − m·e_chosen)_chosen per example
 * ({@link PreferenceLoss}), weighted and divided by the step's total weight, and its gradients accumulated; then the
 * global-norm clip and an AdamW update at the scheduled learning rate. Every step opens its own NDManager
 * sub-manager (and every micro-batch one inside it), so native memory stays flat.
 *
 * <p>Knows nothing of where the examples come from: it takes them, a config and a listener.
 */
public final class RewardTrainer implements AutoCloseable {

    private final RewardModel model;
    /** The model the passes run on: {@code model}, or its copy in the compute type under mixed precision. */
    private final RewardModel compute;
    private final MixedPrecision mixed;
    private final SequenceEncoder encoder;
    private final RewardConfig config;
    private final AdamW optimizer;
    private final List<RewardProgressListener> listeners = new ArrayList<>();
    private int step;

    public RewardTrainer(RewardModel model, Tokenizer tokenizer, RewardConfig config) {
        this.model = model;
        this.config = config;
        int maxLen = config.maxTokens() > 0 ? Math.min(config.maxTokens(), model.config().max_position_embeddings())
                : model.config().max_position_embeddings();
        this.encoder = new SequenceEncoder(tokenizer, maxLen);
        this.optimizer = new AdamW(model.manager(), config.beta1(), config.beta2(), config.eps(), config.weightDecay());
        this.mixed = new MixedPrecision(config.precision(), model.manager());
        this.compute = mixed.mixed()
                ? new RewardModel(model.config().fromTensors(model.trunk().namedTensors(), mixed.manager(), mixed.computeType()),
                        ScalarHead.fromTensors(model.head().namedTensors(), mixed.manager(), mixed.computeType()))
                : model;
        mixed.pair(model.namedParameters(), compute.namedParameters());
    }

    /** Reports every step's {@link RewardProgress#asMap()} ({@code reward/...} names) to {@code sink}. */
    public RewardTrainer metrics(dev.rlhf.lm.metrics.MetricsSink sink) {
        return addListener(RewardProgressListener.to(sink));
    }

    public RewardTrainer addListener(RewardProgressListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Optimizer steps taken. */
    public int steps() {
        return step;
    }

    /** Writes the optimizer state and the step count into {@code dir}, next to the model's weights ({@link TrainingState}). */
    public void saveState(Path dir) throws IOException {
        TrainingState.save(dir, step, optimizer, model.namedParameters());
    }

    /**
     * Goes on from a checkpoint: restores the optimizer and the step count (the weights are the caller's to load);
     * {@link #train} then takes the remaining steps with the learning rates and the batches, in their order, of a run
     * that never stopped.
     */
    public void restoreState(Path dir) throws IOException {
        step = TrainingState.load(dir, optimizer, model.namedParameters());
        mixed.weightsToCompute(model.manager());                // the weights may have been loaded since the copy
    }

    /** An example with its candidates already tokenised. */
    private record Encoded(Preference preference, int[][] sequences) {
    }

    /**
     * {@code config.epochs()} passes over {@code examples}, reshuffled every epoch with the config's seed; after
     * {@link #restoreState} the steps already taken are skipped (their shuffles still drawn, so the order is the same).
     */
    public TrainingSummary train(List<Preference> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no training examples");
        if (step > config.steps(examples.size())) {
            throw new IllegalStateException("restored step " + step + " is past the run's " + config.steps(examples.size()) + " steps");
        }
        List<Encoded> order = new ArrayList<>(examples.size());
        for (Preference p : examples) order.add(new Encoded(p, encoder.encode(p)));
        int perEpoch = (order.size() + config.batchSize() - 1) / config.batchSize();
        int total = config.steps(order.size());
        WarmupDecay schedule = config.schedule(total);
        Random rng = new Random(config.seed());
        List<RewardProgress> history = new ArrayList<>();
        long start = System.nanoTime(), seen = 0, tokens = 0;
        int index = 0;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            Collections.shuffle(order, rng);
            for (int b = 0; b < perEpoch; b++, index++) {
                if (index < step) continue;                                    // trained before the restore
                List<Encoded> batch = order.subList(b * config.batchSize(),
                        Math.min(order.size(), (b + 1) * config.batchSize()));
                RewardProgress p = step(batch, step, total, epoch, schedule.at(step));
                step++;
                seen += p.examples();
                tokens += p.tokens();
                history.add(p);
                for (RewardProgressListener l : listeners) l.onStep(p);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (history.isEmpty()) {                                // restored after its last step: nothing left to train
            return new TrainingSummary(step, 0, 0, seconds, 0, 0, Double.NaN, Double.NaN);
        }
        for (RewardProgressListener l : listeners) l.onEnd(history.get(history.size() - 1));
        int tail = Math.max(1, history.size() / 10);
        List<RewardProgress> last = history.subList(history.size() - tail, history.size());
        return new TrainingSummary(step, seen, tokens, seconds, seen / seconds, tokens / seconds,
                last.stream().mapToDouble(RewardProgress::loss).average().orElseThrow(),
                last.stream().mapToDouble(RewardProgress::accuracy).average().orElseThrow());
    }

    private RewardProgress step(List<Encoded> batch, int step, int total, int epoch, double lr) {
        long t0 = System.nanoTime();
        double totalWeight = 0;
        for (Encoded e : batch) totalWeight += e.preference().weight();
        double loss = 0, norm;
        int correct = 0;
        long tokens = 0;
        List<NDArray> params = model.parameters();
        try (NDManager s = model.manager().newSubManager()) {
            Gradients.zero(params);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                for (int i = 0; i < batch.size(); i += config.microBatchSize()) {
                    List<Encoded> micro = batch.subList(i, Math.min(batch.size(), i + config.microBatchSize()));
                    try (NDManager m = s.newSubManager()) {
                        MicroResult r = forward(micro, Math.max(totalWeight, 1e-12), m);
                        gc.backward(r.loss);
                        loss += r.loss.getFloat();
                        correct += r.correct;
                        tokens += r.tokens;
                    }
                }
            }
            mixed.gradientsToMaster(s);
            norm = Gradients.clipGlobalNormIfPositive(params, config.maxGradNorm(), s);
            if (optimizer.stepIfFinite(params, norm, lr, s)) {    // fused AdamW (zeroes the gradients); never a NaN step
                mixed.weightsToCompute(s);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new RewardProgress(step + 1, total, epoch, loss, (double) correct / batch.size(), lr, norm,
                batch.size(), tokens, batch.size() / seconds, tokens / seconds);
    }

    private record MicroResult(NDArray loss, int correct, long tokens) {
    }

    /** One forward pass over every candidate of the micro-batch; examples grouped by their number of candidates. */
    private MicroResult forward(List<Encoded> micro, double totalWeight, NDManager m) {
        Map<Integer, List<Encoded>> byK = new LinkedHashMap<>();
        for (Encoded e : micro) byK.computeIfAbsent(e.preference().size(), k -> new ArrayList<>()).add(e);
        List<int[]> seqs = new ArrayList<>();
        long tokens = 0;
        for (List<Encoded> group : byK.values()) {
            for (Encoded e : group) {
                for (int[] s : e.sequences()) {
                    seqs.add(s);
                    tokens += s.length;
                }
            }
        }
        NDArray[] idsMask = SequenceEncoder.batch(seqs, encoder.tokenizer().eosId(), m);
        NDArray rewards = MixedPrecision.toFloat32(compute.rewards(idsMask[0], idsMask[1]));  // [Σ k_i], float32
        NDArray loss = null;
        int offset = 0, correct = 0;
        for (Map.Entry<Integer, List<Encoded>> g : byK.entrySet()) {
            int k = g.getKey(), n = g.getValue().size();
            int[] chosen = new int[n];
            float[] margin = new float[n], weight = new float[n];
            for (int i = 0; i < n; i++) {
                Preference p = g.getValue().get(i).preference();
                chosen[i] = p.chosen();
                margin[i] = (float) p.margin();
                weight[i] = (float) p.weight();
            }
            NDArray r = rewards.get(offset + ":" + (offset + n * k)).reshape(n, k);  // [n, k]
            NDArray l = PreferenceLoss.weighted(PreferenceLoss.perExample(r, chosen, margin), weight, totalWeight);
            loss = loss == null ? l : loss.add(l);
            for (boolean ok : PreferenceLoss.correct(r, chosen)) if (ok) correct++;
            offset += n * k;
        }
        return new MicroResult(loss, correct, tokens);
    }

    public RewardConfig config() {
        return config;
    }

    @Override
    public void close() {
        optimizer.close();
        mixed.close();
    }
}
