package dev.rlhf.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlhf.lm.AdamW;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Gradients;
import dev.rlhf.lm.LmHead;
import dev.rlhf.lm.MixedPrecision;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * PPO for language models as in Ziegler et al. (2019) and Stiennon et al. (2020), with the details of Huang et al.
 * (2024). One call of {@link #step()} is one iteration; {@link #rollout(int)} and {@link #update} hold every step of
 * the algorithm in the order it happens:
 * <ol>
 *   <li>sample a batch of prompts; generate responses with the KV-cache sampler at temperature τ;</li>
 *   <li>score query + response with the reward function; a response without EOS gets the fixed penalty instead;</li>
 *   <li>log π_old of the response tokens (softmax(logits / τ)) as the sampler drew them, log π_ref from a pass of
 *       the reference; per-token rewards −β·(log π_old − log π_ref), plus the score on the last token;</li>
 *   <li>values V_old from the value network; optionally whiten the rewards (mean kept); GAE(γ, λ); whiten the
 *       advantages;</li>
 *   <li>{@code ppoEpochs} passes of shuffled minibatches: clipped policy loss + c_v · clipped value loss, global-norm
 *       gradient clip, AdamW with the decaying learning rate;</li>
 *   <li>update β (fixed, or Ziegler's adaptive controller).</li>
 * </ol>
 * Every random draw of iteration i is seeded from (seed, i), so the generator state of a run is its iteration
 * counter: a run resumed from a checkpoint repeats the iterations of one that never stopped.
 *
 * <p>The models belong to the caller. The policy and value network are trained; the reference policy and the reward
 * function are only read. Under mixed precision ({@link PpoConfig#precision()}) generation and every pass run on
 * half-precision working copies of the policy, the reference and the value network, made here; the log-softmax, the
 * losses and the optimizer work in float32 on the caller's models, the masters. Each iteration, each forward chunk and each minibatch opens its own NDManager sub-manager,
 * and the gradient-free passes run outside any gradient collector, so native memory stays flat over a long run.
 */
public final class PpoTrainer implements AutoCloseable {

    /** One iteration's experience, padding positions (after each row's EOS) hold 0. */
    public record Rollout(
            int[][] queries,        // prompt tokens per row (unpadded)
            int[][] responses,      // [B][N] generated tokens; EOS again after a row's first EOS
            int[] lengths,          // real response tokens, up to and including EOS
            boolean[] hasEos,       // the response ended with EOS within the limit
            float[] rawScores,      // the reward function's scores
            float[] scores,         // after the missing-EOS penalty
            float[][] logProbs,     // log π_old(a_t|s_t)
            float[][] refLogProbs,  // log π_ref(a_t|s_t)
            float[][] values,       // V_old(s_t)
            float[][] rewards,      // −β·KL_t (+ score on the last token), before any whitening
            float[][] advantages,   // whitened GAE advantages
            float[][] returns,      // A_t + V_t (before whitening)
            double[] kl,            // Σ_t log π_old − log π_ref per row
            double entropy,         // mean per-token entropy of softmax(logits / τ)
            double beta,
            double generationSeconds) {}

    private record UpdateStats(double policyLoss, double valueLoss, double clipFraction, double approxKl,
                               double learningRate, double gradNorm, int skippedSteps) {}

    /** The diagnostics of one applied optimizer step (0-based epoch and minibatch), for tests. */
    record MinibatchStats(int epoch, int minibatch, double clipFraction, double approxKl) {}

    private final PpoConfig config;
    private final CausalLm policy;
    private final CausalLm reference;
    private final ValueModel value;
    /** What the passes run on: the three models themselves, or their working copies under mixed precision. */
    private final CausalLm computePolicy;
    private final CausalLm computeReference;
    private final ValueModel computeValue;
    private final MixedPrecision mixed;
    private final RewardFunction reward;
    private final Tokenizer tokenizer;
    private final List<int[]> prompts;
    private final List<NDArray> parameters = new ArrayList<>();
    private final Map<String, NDArray> namedParameters = new LinkedHashMap<>();
    private final AdamW optimizer;
    private final AdaptiveKlController klController;
    private final List<PpoListener> listeners = new ArrayList<>();
    private Consumer<MinibatchStats> minibatchListener = s -> {};
    private Path checkpointDir;
    private int iteration;

    /**
     * @param policy    trained; initialised by the caller from the SFT model
     * @param reference frozen copy of the SFT model
     * @param value     trained; initialised by the caller from the reward model
     * @param reward    scores responses (the reward model, or a rule)
     * @param tokenizer decodes sample tables; saved with checkpoints
     * @param prompts   prompt token ids to sample batches from
     */
    public PpoTrainer(PpoConfig config, CausalLm policy, CausalLm reference, ValueModel value, RewardFunction reward,
                      Tokenizer tokenizer, List<int[]> prompts) {
        Prompts.checkFit(prompts, config.responseLength(), policy, reference, value.trunk());
        this.config = config;
        this.policy = policy;
        this.reference = reference;
        this.value = value;
        this.reward = reward;
        this.tokenizer = tokenizer;
        this.prompts = List.copyOf(prompts);
        namedParameters.putAll(trained(policy, value));
        parameters.addAll(namedParameters.values());
        this.mixed = new MixedPrecision(config.precision(), policy.manager());
        if (mixed.mixed()) {
            DataType type = mixed.computeType();
            NDManager copies = mixed.manager();
            this.computePolicy = policy.config().fromTensors(policy.namedTensors(), copies, type);
            this.computeReference = reference.config().fromTensors(reference.namedTensors(), copies, type);
            this.computeValue = new ValueModel(value.trunk().config().fromTensors(value.trunk().namedTensors(), copies, type),
                    ScalarHead.fromTensors(value.head().namedTensors(), copies, type));
        } else {
            this.computePolicy = policy;
            this.computeReference = reference;
            this.computeValue = value;
        }
        mixed.pair(namedParameters, trained(computePolicy, computeValue));
        this.optimizer = new AdamW(policy.manager(), config.adamBeta1(), config.adamBeta2(), config.adamEps(),
                config.weightDecay());
        this.klController = AdaptiveKlController.of(config);
    }

    /** The trained parameters by checkpoint name: the policy's ({@code policy.}…), then the value network's ({@code value.}…). */
    private static Map<String, NDArray> trained(CausalLm policy, ValueModel value) {
        Map<String, NDArray> named = new LinkedHashMap<>();
        policy.namedTensors().forEach((k, v) -> named.put("policy." + k, v));
        value.trunk().trunkTensors().forEach((k, v) -> named.put("value." + k, v));
        value.head().namedTensors().forEach((k, v) -> named.put("value." + k, v));
        return named;
    }

    /**
     * Reports every iteration's {@link PpoMetrics#asMap()} ({@code ppo/...} names) and the checkpoints to
     * {@code sink}; the phase {@code ppo} is announced with the planned iterations.
     */
    public PpoTrainer metrics(dev.rlhf.lm.metrics.MetricsSink sink) {
        return addListener(new PpoListener() {
            @Override
            public void onStart(String device, PpoConfig config, int firstIteration) {
                sink.begin("ppo", config.iterations());
            }

            @Override
            public void onIteration(PpoMetrics m) {
                sink.log(m.iteration(), m.asMap());
            }

            @Override
            public void onCheckpoint(int iteration, java.nio.file.Path dir) {
                sink.checkpoint(iteration, dir);
            }
        });
    }

    public PpoTrainer addListener(PpoListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Receives the clip fraction and approx KL of every applied optimizer step (tests look at single minibatches). */
    void onMinibatch(Consumer<MinibatchStats> listener) {
        this.minibatchListener = listener;
    }

    /** Where {@link #train()} writes checkpoints ({@code checkpoint-NNNNNN} directories); null for none. */
    public PpoTrainer checkpointDir(Path dir) {
        this.checkpointDir = dir;
        return this;
    }

    public PpoConfig config() {
        return config;
    }

    /** Iterations completed. */
    public int iteration() {
        return iteration;
    }

    public double beta() {
        return klController.beta();
    }

    /** Runs iterations until {@code config.iterations()}, checkpointing every N and at the end. */
    public PpoMetrics train() throws IOException {
        for (PpoListener l : listeners) l.onStart(policy.device().toString(), config, iteration + 1);
        PpoMetrics last = null;
        while (iteration < config.iterations()) {
            last = step();
            boolean end = iteration == config.iterations();
            if (checkpointDir != null && (end || (config.checkpointEvery() > 0 && iteration % config.checkpointEvery() == 0))) {
                Path dir = saveCheckpoint(checkpointDir);
                for (PpoListener l : listeners) l.onCheckpoint(iteration, dir);
            }
        }
        for (PpoListener l : listeners) l.onEnd(last);
        return last;
    }

    /** One PPO iteration: rollout, then update, then β. */
    public PpoMetrics step() {
        int it = iteration + 1;
        long start = System.nanoTime();
        try (NDManager iter = policy.manager().newSubManager()) {
            Rollout ro = rollout(it);
            double scoringSeconds = (System.nanoTime() - start) / 1e9 - ro.generationSeconds();
            long updateStart = System.nanoTime();
            UpdateStats u = update(ro, it, iter);
            double updateSeconds = (System.nanoTime() - updateStart) / 1e9;

            // (6) β: fixed, or e = clip(KL/target − 1, ±0.2), β ← β·(1 + e·n/horizon).
            double meanKl = PpoMath.mean(ro.kl());
            klController.update(meanKl, ro.queries().length);
            iteration = it;

            PpoMetrics m = metrics(it, ro, u, scoringSeconds, updateSeconds);
            for (PpoListener l : listeners) l.onIteration(m);
            if (config.sampleEvery() > 0 && it % config.sampleEvery() == 0 && config.samplesShown() > 0) {
                List<PpoListener.Sample> samples = samples(ro);
                for (PpoListener l : listeners) l.onSamples(it, samples);
            }
            return m;
        }
    }

    /** Steps (1)–(4) of iteration {@code it}: generate, score, log-probs, values, rewards, advantages. */
    public Rollout rollout(int it) {
        int n = config.responseLength();
        double tau = config.temperature(), beta = klController.beta();
        long start = System.nanoTime();

        // (1) A batch of prompts; responses sampled from softmax(logits / τ) with the KV cache.
        int[][] queries = promptBatch(it);
        // (2) Scores r(x, y); no EOS within the limit → the fixed penalty instead (the EOS trick).
        ScoredResponses sr = ScoredResponses.sample(computePolicy, queries, SamplingConfig.of(n, tau, seed(it, 1)), reward,
                config.penalizeMissingEos(), config.missingEosPenalty(), start);
        int rows = queries.length;
        int[] lengths = sr.lengths();

        // (3) log π_old and the entropy of π_old: the sampler's, from the logits each token was drawn from (the
        // policy's weights have not moved since), so the policy needs no pass of its own here.
        float[][] logProbs = sr.generation().logProbs(), refLogProbs = new float[rows][n], values = new float[rows][n];
        double entropySum = PpoMath.sumOverTokens(sr.generation().entropies(), lengths);    // H = −Σ p·log p
        // (3) log π_ref of the response tokens, and (4) V_old: no gradients.
        Batch all = Batch.of(queries, sr.generation().tokens(), lengths);
        for (int from = 0; from < rows; from += config.forwardBatchSize()) {
            int to = Math.min(rows, from + config.forwardBatchSize());
            try (NDManager m = policy.manager().newSubManager()) {
                Batch.Tensors b = all.rows(from, to, m);
                NDArray refLogp = LmHead.logProbs(ResponseForward.logits(computeReference, b), b.targets(), tau);
                PpoMath.copyRows(refLogp.toFloatArray(), refLogProbs, from, n);
                NDArray v = MixedPrecision.toFloat32(computeValue.values(ResponseForward.hidden(computeValue.trunk(), b))); // V(s_t)
                PpoMath.copyRows(v.toFloatArray(), values, from, n);
            }
        }
        long realTokens = Arrays.stream(lengths).asLongStream().sum();
        for (int r = 0; r < rows; r++) {                                              // padding positions hold 0
            for (int t = lengths[r]; t < n; t++) logProbs[r][t] = refLogProbs[r][t] = values[r][t] = 0;
        }

        // (3) r_t = −β·(log π_old − log π_ref), plus the (penalised) score on the last real token.
        float[][] rewards = PpoMath.shapedRewards(logProbs, refLogProbs, sr.scores(), lengths, beta);
        double[] kl = PpoMath.sequenceKl(logProbs, refLogProbs, lengths);

        // (4) Optionally r_t ← (r_t − mean) / std + mean over the batch (whitenRewards: scale normalised, mean kept).
        float[][] gaeRewards = config.whitenRewards() ? PpoMath.whiten(rewards, lengths, false) : rewards;
        // (4) GAE: δ_t = r_t + γV_{t+1} − V_t, A_t = δ_t + γλA_{t+1}, R_t = A_t + V_t; then whiten A.
        float[][][] gae = PpoMath.gae(gaeRewards, values, lengths, config.gamma(), config.lambda());
        float[][] advantages = PpoMath.whiten(gae[0], lengths);
        return new Rollout(queries, sr.generation().tokens(), lengths, sr.hasEos(), sr.rawScores(), sr.scores(), logProbs,
                refLogProbs, values, rewards, advantages, gae[1], kl, entropySum / realTokens, beta, sr.generationSeconds());
    }

    /** Step (5): {@code ppoEpochs} passes over shuffled minibatches, one AdamW step each. */
    private UpdateStats update(Rollout ro, int it, NDManager iter) {
        int rows = ro.queries().length, mb = config.minibatchSize(), n = config.responseLength();
        Batch all = Batch.of(ro.queries(), ro.responses(), ro.lengths());
        double pgSum = 0, vlSum = 0, clipped = 0, approxKl = 0, lr = 0, norm = 0;
        long tokens = 0;
        int steps = 0, skipped = 0;
        Random shuffle = new Random(seed(it, 2));
        for (int epoch = 0; epoch < config.ppoEpochs(); epoch++) {
            int[] order = permutation(rows, shuffle);
            for (int from = 0; from < rows; from += mb) {
                int[] idx = Arrays.copyOfRange(order, from, from + mb);
                try (NDManager m = iter.newSubManager()) {
                    Batch.Tensors b = all.select(idx, m);
                    NDArray oldLogp = gatherRows(ro.logProbs(), idx, m);
                    NDArray adv = gatherRows(ro.advantages(), idx, m);
                    NDArray ret = gatherRows(ro.returns(), idx, m);
                    NDArray oldV = gatherRows(ro.values(), idx, m);
                    float[] newLogpHost;
                    Gradients.zero(parameters);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray logp = LmHead.logProbs(ResponseForward.logits(computePolicy, b), b.targets(), config.temperature()); // log π_θ
                        NDArray pg = PpoMath.policyLoss(logp, oldLogp, adv, b.responseMask(), config.clipRange());       // max(−Aρ, −A·clip(ρ))
                        NDArray v = MixedPrecision.toFloat32(computeValue.values(ResponseForward.hidden(computeValue.trunk(), b))); // V_φ(s_t)
                        NDArray vl = PpoMath.valueLoss(v, oldV, ret, b.responseMask(), config.valueClipRange());         // ½max((V−R)², (V_clip−R)²)
                        NDArray loss = pg.add(vl.mul(Constants.scalar(vl, config.valueCoef())));                                 // L = L_pg + c_v·L_v
                        gc.backward(loss);
                        pgSum += pg.getFloat();
                        vlSum += vl.getFloat();
                        newLogpHost = logp.toFloatArray();
                    }
                    mixed.gradientsToMaster(m);                                               // float32 gradients on the masters
                    norm = Gradients.clipGlobalNormIfPositive(parameters, config.maxGradNorm(), m); // g ← g·min(1, c/‖g‖)
                    lr = config.learningRateAt(optimizer.steps());
                    if (!optimizer.stepIfFinite(parameters, norm, lr, m)) {                  // AdamW; never a NaN/inf step
                        skipped++;
                        steps++;
                        continue;
                    }
                    mixed.weightsToCompute(m);                                                // the working copies follow
                    // Diagnostics on the real tokens: clip fraction and approx KL (ρ − 1) − log ρ.
                    double mbClipped = 0, mbApproxKl = 0;
                    long mbTokens = 0;
                    for (int i = 0; i < idx.length; i++) {
                        int r = idx[i];
                        for (int t = 0; t < ro.lengths()[r]; t++) {
                            double logRatio = newLogpHost[i * n + t] - ro.logProbs()[r][t];
                            double ratio = Math.exp(logRatio);
                            if (Math.abs(ratio - 1) > config.clipRange()) mbClipped++;
                            mbApproxKl += ratio - 1 - logRatio;
                            mbTokens++;
                        }
                    }
                    clipped += mbClipped;
                    approxKl += mbApproxKl;
                    tokens += mbTokens;
                    minibatchListener.accept(new MinibatchStats(epoch, from / mb, mbClipped / mbTokens, mbApproxKl / mbTokens));
                    steps++;
                }
            }
        }
        return new UpdateStats(pgSum / steps, vlSum / steps, tokens == 0 ? 0 : clipped / tokens,
                tokens == 0 ? 0 : approxKl / tokens, lr, norm, skipped);
    }

    // ---- bookkeeping ----

    /** The prompts of iteration {@code it}: a seeded draw without replacement (with, when there are too few). */
    int[][] promptBatch(int it) {
        return Prompts.draw(prompts, config.batchSize(), seed(it, 0));
    }

    /** A seed for draw {@code kind} of iteration {@code it}, from the run's seed. */
    long seed(int it, int kind) {
        return PpoMath.iterationSeed(config.seed(), it, kind);
    }

    private static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static NDArray gatherRows(float[][] src, int[] rows, NDManager m) {
        int n = src[0].length;
        float[] flat = new float[rows.length * n];
        for (int i = 0; i < rows.length; i++) System.arraycopy(src[rows[i]], 0, flat, i * n, n);
        return Constants.floats(m, flat, new Shape(rows.length, n));
    }

    private PpoMetrics metrics(int it, Rollout ro, UpdateStats u, double scoringSeconds, double updateSeconds) {
        int rows = ro.queries().length;
        double score = 0, total = PpoMath.sumOverTokens(ro.rewards(), ro.lengths()), length = 0, eos = 0;
        for (int r = 0; r < rows; r++) {
            score += ro.rawScores()[r];
            length += ro.lengths()[r];
            if (ro.hasEos()[r]) eos++;
        }
        double seconds = ro.generationSeconds() + scoringSeconds + updateSeconds;
        return new PpoMetrics(it, score / rows, PpoMath.mean(ro.kl()), total / rows, ro.entropy(), u.policyLoss(),
                u.valueLoss(), u.clipFraction(), u.approxKl(),
                PpoMath.explainedVariance(ro.values(), ro.returns(), ro.lengths()), length / rows, eos / rows,
                ro.beta(), u.learningRate(), u.gradNorm(), u.skippedSteps(), length / seconds, ro.generationSeconds(), scoringSeconds,
                updateSeconds);
    }

    private List<PpoListener.Sample> samples(Rollout ro) {
        List<PpoListener.Sample> out = new ArrayList<>();
        int eos = policy.config().eos_token_id();
        for (int r = 0; r < Math.min(config.samplesShown(), ro.queries().length); r++) {
            int[] resp = Arrays.copyOf(ro.responses()[r], ro.lengths()[r]);
            if (ro.hasEos()[r]) resp = Arrays.copyOf(resp, resp.length - 1);
            assert Arrays.stream(resp).noneMatch(x -> x == eos);
            out.add(new PpoListener.Sample(tokenizer.decode(ro.queries()[r]), tokenizer.decode(resp),
                    ro.rawScores()[r], ro.hasEos()[r]));
        }
        return out;
    }

    // ---- checkpoints ----

    /** Writes {@code dir/checkpoint-NNNNNN} for the current iteration (see {@link PpoCheckpoint}); returns it. */
    public Path saveCheckpoint(Path dir) throws IOException {
        return PpoCheckpoint.save(dir, iteration, klController.beta(), optimizer, namedParameters, policy, value,
                tokenizer, config);
    }

    /** Restores weights, optimizer moments, β and the iteration counter from a checkpoint directory. */
    public void resume(Path checkpoint) throws IOException {
        PpoCheckpoint.State s = PpoCheckpoint.restore(checkpoint, optimizer, namedParameters, policy.manager());
        klController.setBeta(s.beta());
        iteration = s.iteration();
        mixed.weightsToCompute(policy.manager());
    }

    /** Frees the optimizer's moments and the working copies of mixed precision. */
    @Override
    public void close() {
        optimizer.close();
        mixed.close();
    }
}
