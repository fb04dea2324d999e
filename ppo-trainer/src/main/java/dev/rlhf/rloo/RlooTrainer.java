package dev.rlhf.rloo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlhf.lm.AdamW;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Gradients;
import dev.rlhf.lm.LmHead;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.metrics.PhaseLog;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.ppo.Batch;
import dev.rlhf.ppo.PolicyCheckpoint;
import dev.rlhf.ppo.PpoMath;
import dev.rlhf.ppo.Prompts;
import dev.rlhf.ppo.ResponseForward;
import dev.rlhf.ppo.RewardFunction;
import dev.rlhf.ppo.ScoredResponses;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * REINFORCE leave-one-out (Ahmadian et al., 2024, "Back to Basics"): no value network; each prompt is sampled k times
 * and each sample's baseline is the mean reward of the other k − 1. One call of {@link #step()} is one iteration:
 * <ol>
 *   <li>draw {@code batchSize} prompts; sample k responses of each at temperature τ with the KV cache;</li>
 *   <li>score them; a response without EOS gets the fixed penalty instead (the EOS trick);</li>
 *   <li>log π_old and log π_ref of the response tokens (no gradients); R_i = score_i − β·Σ_t (log π_old − log π_ref);</li>
 *   <li>A_i = R_i − mean of the other k − 1 rewards of the same prompt;</li>
 *   <li>{@code epochs} passes over shuffled minibatches: −A·log π(y|x) (reinforce) or PPO's clipped ratio of whole
 *       responses (clipped); global-norm clip, AdamW.</li>
 * </ol>
 * Every random draw of iteration i is seeded from (seed, i), so a run resumed from a checkpoint repeats the
 * iterations of one that never stopped.
 */
public final class RlooTrainer implements AutoCloseable {

    /** One iteration's samples; rows come in groups of k samples of one prompt, padding positions hold 0. */
    public record Rollout(int[][] queries, int[][] responses, int[] lengths, boolean[] hasEos, float[] rawScores,
                          float[] scores, float[][] logProbs, double[] kl, double[] rewards, double[] advantages,
                          double entropy, double generationSeconds) {}

    private record UpdateStats(double loss, double clipFraction, double approxKl, double learningRate, double gradNorm,
                               int skipped) {}

    private final RlooConfig config;
    private final CausalLm policy;
    private final CausalLm reference;
    private final RewardFunction reward;
    private final Tokenizer tokenizer;
    private final List<int[]> prompts;
    private final List<NDArray> parameters;
    private final AdamW optimizer;
    private final List<RlooListener> listeners = new ArrayList<>();
    private Path checkpointDir;
    private int iteration;

    public RlooTrainer(RlooConfig config, CausalLm policy, CausalLm reference, RewardFunction reward, Tokenizer tokenizer,
                       List<int[]> prompts) {
        Prompts.checkFit(prompts, config.responseLength(), policy, reference);
        this.config = config;
        this.policy = policy;
        this.reference = reference;
        this.reward = reward;
        this.tokenizer = tokenizer;
        this.prompts = List.copyOf(prompts);
        this.parameters = List.copyOf(policy.namedTensors().values());
        this.optimizer = new AdamW(policy.manager(), config.adamBeta1(), config.adamBeta2(), config.adamEps(),
                config.weightDecay());
    }

    /**
     * Reports every iteration's {@link RlooMetrics#asMap()} and the checkpoints to {@code sink}; the phase
     * {@code rloo} is announced with the planned iterations.
     */
    public RlooTrainer metrics(dev.rlhf.lm.metrics.MetricsSink sink) {
        PhaseLog log = new PhaseLog(sink, "rloo");
        return addListener(new RlooListener() {
            @Override
            public void onIteration(RlooMetrics m) {
                log.log(m.iteration(), config.iterations(), m.asMap());
            }

            @Override
            public void onCheckpoint(int iteration, Path dir) {
                sink.checkpoint(iteration, dir);
            }
        });
    }

    public RlooTrainer addListener(RlooListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Where {@link #train()} writes {@code checkpoint-NNNNNN} directories; null for none. */
    public RlooTrainer checkpointDir(Path dir) {
        this.checkpointDir = dir;
        return this;
    }

    public int iteration() {
        return iteration;
    }

    /** Runs iterations until {@code config.iterations()}, checkpointing every N and at the end. */
    public RlooMetrics train() throws IOException {
        RlooMetrics last = null;
        while (iteration < config.iterations()) {
            last = step();
            boolean end = iteration == config.iterations();
            if (checkpointDir != null && (end || (config.checkpointEvery() > 0 && iteration % config.checkpointEvery() == 0))) {
                Path dir = PolicyCheckpoint.save(checkpointDir, iteration, optimizer, policy, tokenizer, config.asMap());
                for (RlooListener l : listeners) l.onCheckpoint(iteration, dir);
            }
        }
        return last;
    }

    /** One iteration: rollout, then update. */
    public RlooMetrics step() {
        int it = iteration + 1;
        long start = System.nanoTime();
        Rollout ro = rollout(it);
        double scoringSeconds = (System.nanoTime() - start) / 1e9 - ro.generationSeconds();
        long updateStart = System.nanoTime();
        UpdateStats u = update(ro, it);
        double updateSeconds = (System.nanoTime() - updateStart) / 1e9;
        iteration = it;
        int rows = ro.queries().length;
        double score = 0, length = 0, eos = 0;
        for (int r = 0; r < rows; r++) {
            score += ro.rawScores()[r];
            length += ro.lengths()[r];
            if (ro.hasEos()[r]) eos++;
        }
        RlooMetrics m = new RlooMetrics(it, score / rows, PpoMath.mean(ro.kl()), PpoMath.mean(ro.rewards()), ro.entropy(), u.loss(),
                u.clipFraction(), u.approxKl(), length / rows, eos / rows, u.learningRate(), u.gradNorm(), u.skipped(),
                ro.generationSeconds(), scoringSeconds, updateSeconds);
        for (RlooListener l : listeners) l.onIteration(m);
        return m;
    }

    /** Steps (1)–(4) of iteration {@code it}. */
    public Rollout rollout(int it) {
        int n = config.responseLength(), k = config.samplesPerPrompt();
        double tau = config.temperature();
        long start = System.nanoTime();

        // (1) batchSize prompts, each k times in a row; responses from softmax(logits / τ) with the KV cache.
        int[][] drawn = Prompts.draw(prompts, config.batchSize(), seed(it, 0));
        int[][] queries = new int[config.rows()][];
        for (int r = 0; r < queries.length; r++) queries[r] = drawn[r / k];
        // (2) Scores; no EOS within the limit → the fixed penalty instead.
        ScoredResponses sr = ScoredResponses.sample(policy, queries, SamplingConfig.of(n, tau, seed(it, 1)), reward,
                config.penalizeMissingEos(), config.missingEosPenalty(), start);
        int rows = queries.length;
        int[] lengths = sr.lengths();

        // (3) log π_old and its entropy: the sampler's, from the logits each token was drawn from; log π_ref of the
        // response tokens from a pass of the reference, without gradients.
        float[][] logProbs = sr.generation().logProbs(), refLogProbs = new float[rows][n];
        double entropySum = PpoMath.sumOverTokens(sr.generation().entropies(), lengths);    // H = −Σ p·log p
        Batch all = Batch.of(queries, sr.generation().tokens(), lengths);
        for (int from = 0; from < rows; from += config.forwardBatchSize()) {
            int to = Math.min(rows, from + config.forwardBatchSize());
            try (NDManager m = policy.manager().newSubManager()) {
                Batch.Tensors b = all.rows(from, to, m);
                PpoMath.copyRows(LmHead.logProbs(ResponseForward.logits(reference, b), b.targets(), tau).toFloatArray(),
                        refLogProbs, from, n);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int t = lengths[r]; t < n; t++) logProbs[r][t] = refLogProbs[r][t] = 0;   // padding holds 0
        }
        double[] kl = PpoMath.sequenceKl(logProbs, refLogProbs, lengths);
        double[] rewards = RlooMath.sequenceRewards(sr.scores(), kl, config.klCoef());       // R = score − β·KL

        // (4) A_i = R_i − mean of the other k − 1 rewards of its prompt.
        double[] advantages = RlooMath.leaveOneOutAdvantages(rewards, k);
        long realTokens = Arrays.stream(lengths).asLongStream().sum();
        return new Rollout(queries, sr.generation().tokens(), lengths, sr.hasEos(), sr.rawScores(), sr.scores(), logProbs,
                kl, rewards, advantages, entropySum / realTokens, sr.generationSeconds());
    }

    /** Step (5): {@code epochs} passes over shuffled minibatches, one AdamW step each. */
    private UpdateStats update(Rollout ro, int it) {
        int rows = ro.queries().length, mb = config.minibatchSize();
        Batch all = Batch.of(ro.queries(), ro.responses(), ro.lengths());
        double[] oldSeq = new double[rows];
        for (int r = 0; r < rows; r++) for (int t = 0; t < ro.lengths()[r]; t++) oldSeq[r] += ro.logProbs()[r][t];
        double lossSum = 0, clipped = 0, approxKl = 0, lr = 0, norm = 0;
        int steps = 0, skipped = 0, applied = 0;
        Random shuffle = new Random(seed(it, 2));
        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < rows; r++) order.add(r);
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            Collections.shuffle(order, shuffle);
            for (int from = 0; from < rows; from += mb) {
                int[] idx = order.subList(from, from + mb).stream().mapToInt(Integer::intValue).toArray();
                try (NDManager m = policy.manager().newSubManager()) {
                    Batch.Tensors b = all.select(idx, m);
                    float[] adv = new float[mb], old = new float[mb];
                    for (int i = 0; i < mb; i++) {
                        adv[i] = (float) ro.advantages()[idx[i]];
                        old[i] = (float) oldSeq[idx[i]];
                    }
                    NDArray a = Constants.floats(m, adv, new Shape(mb)), oldLogp = Constants.floats(m, old, new Shape(mb));
                    float[] newSeq;
                    Gradients.zero(parameters);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray tokenLogp = LmHead.logProbs(ResponseForward.logits(policy, b), b.targets(), config.temperature());
                        NDArray seq = tokenLogp.mul(b.responseMask()).sum(new int[] {1});           // log π(y|x)
                        NDArray loss = config.clipped() ? RlooMath.clippedLoss(seq, oldLogp, a, config.clipRange())
                                : RlooMath.reinforceLoss(seq, a);
                        gc.backward(loss);
                        lossSum += loss.getFloat();
                        newSeq = seq.toFloatArray();
                    }
                    norm = Gradients.clipGlobalNormIfPositive(parameters, config.maxGradNorm(), m);
                    lr = config.learningRateAt(optimizer.steps());
                    steps++;
                    if (!optimizer.stepIfFinite(parameters, norm, lr, m)) {
                        skipped++;
                        continue;
                    }
                    applied++;
                    for (int i = 0; i < mb; i++) {                      // diagnostics per response, old → new
                        double logRatio = newSeq[i] - old[i], ratio = Math.exp(logRatio);
                        if (config.clipped() && Math.abs(ratio - 1) > config.clipRange()) clipped++;
                        approxKl += ratio - 1 - logRatio;
                    }
                }
            }
        }
        long seen = (long) applied * mb;
        return new UpdateStats(lossSum / steps, seen == 0 ? 0 : clipped / seen, seen == 0 ? 0 : approxKl / seen, lr,
                norm, skipped);
    }

    /** A seed for draw {@code kind} of iteration {@code it}, from the run's seed. */
    private long seed(int it, int kind) {
        return PpoMath.iterationSeed(config.seed(), it, kind);
    }

    /** Restores weights, optimizer moments and the iteration counter from a checkpoint directory. */
    public void resume(Path checkpoint) throws IOException {
        int saved = PolicyCheckpoint.restore(checkpoint, optimizer, policy);
        if (saved > config.iterations()) {
            throw new IOException(checkpoint + ": iteration " + saved + " is past the run's " + config.iterations());
        }
        iteration = saved;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
