package dev.rlhf.web.evaluation;

import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.ppo.Prompts;
import dev.rlhf.ppo.ResponseForward;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardScorer;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunContext;
import dev.rlhf.web.runs.RunExecutor;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A human-evaluation run: samples the policy's summaries (and an opponent policy's) for held-out posts with
 * {@link Sampler}, in the TL;DR prompt layout the SFT and PPO runs train on ({@code SUBREDDIT/TITLE/POST/TL;DR:}, an
 * over-long post cut by {@link Prompts#tokenize} to leave room for {@code maxNewTokens}), scores both sides with the
 * reward model when one is chosen ({@link RewardScorer}, the layout its training used), and writes the summaries, an
 * OPEN pairwise batch of policy-vs-opponent comparisons and the evaluation in one transaction
 * ({@link EvaluationStore#write}). It registers no model.
 */
@Component
public record EvaluationExecutor(HeldOutPosts heldOut, EvaluationStore store) implements RunExecutor {
    /** Prompts sampled together. */
    static final int SAMPLING_BATCH = 8;

    @Override
    public long execute(RunContext ctx) throws Exception {
        Run run = ctx.run();
        var existing = store.byRun(run.id());
        if (existing.isPresent()) {   // an earlier attempt committed and then lost its lease before it could finish
            ctx.log("evaluation " + existing.get().id() + " was written by an earlier attempt");
            return NO_MODEL;
        }
        EvaluationSpec spec = EvaluationSpec.fromJson(ctx.config());
        if (!spec.errors().isEmpty()) throw new IllegalArgumentException("invalid config: " + spec.errors());
        ModelRegistry.Model policy = policyModel(ctx, "policyModelId", spec.policyModelId());
        ModelRegistry.Model opponent = spec.opponentModelId() == null ? null : policyModel(ctx, "opponentModelId", spec.opponentModelId());
        ModelRegistry.Model rm = null;
        if (spec.rewardModelId() != null) {
            rm = ctx.model("rewardModelId", spec.rewardModelId());
            if (!rm.kind().equals(ModelKinds.REWARD_MODEL)) throw new IllegalArgumentException("rewardModelId: model " + rm.id() + " is not a reward model");
        }
        List<HeldOutPosts.Post> posts = heldOut.find(policy.id(), spec.opponentModelId(), spec.rewardModelId(), spec.postCount());
        if (posts.isEmpty()) throw new IllegalStateException("postCount: " + HeldOutPosts.noneExplained());
        ctx.log(String.format(Locale.ROOT, "human evaluation of %s against %s on %d held-out posts (%d asked for), K = %d",
                policy.name(), opponent == null ? EvaluationStore.REFERENCE : opponent.name(), posts.size(),
                spec.postCount(), spec.overlapK()));
        int total = posts.size() * (opponent == null ? 1 : 2) + (rm == null ? 0 : 1);
        int[] done = {0};
        ctx.progress(0, total);

        Samples policySamples = sample(ctx, Path.of(policy.path()), posts, spec.sampling(), done, total);
        List<String> policyTexts = policySamples.texts();
        List<String> opponentTexts = opponent == null ? null
                : sample(ctx, Path.of(opponent.path()), posts, spec.sampling(), done, total).texts();
        ModelRegistry.Model reference = sftAncestor(ctx, policy);
        Double kl = reference == null ? null : reference.id() == policy.id() ? 0.0
                : meanKl(Path.of(reference.path()), policySamples);
        if (kl != null) {
            ctx.log(String.format(Locale.ROOT, "KL of %s to %s on its %d samples: %.4f nats per summary", policy.name(),
                    reference.name(), posts.size(), kl));
        }
        double[] policyRewards = null, opponentRewards = null;
        if (rm != null) {
            List<String> opponentSide = opponentTexts != null ? opponentTexts
                    : posts.stream().map(p -> p.post().summary()).toList();
            double[][] scores = score(Path.of(rm.path()), posts, policyTexts, opponentSide);
            policyRewards = scores[0];
            opponentRewards = scores[1];
            ctx.progress(total, total);
            ctx.log(String.format(Locale.ROOT, "reward model %s: mean reward %.4f (policy), %.4f (opponent)", rm.name(),
                    Arrays.stream(policyRewards).average().orElse(Double.NaN),
                    Arrays.stream(opponentRewards).average().orElse(Double.NaN)));
        }
        ctx.checkStop();
        ObjectNode settings = spec.toJson();
        if (kl != null) {
            settings.put("policyKl", kl);
            settings.put("klReferenceModelId", reference.id());
        }
        HeldOutPosts.Lineage lineage = heldOut.lineage(policy.id(), spec.opponentModelId(), spec.rewardModelId());
        settings.put("heldOut", "comparisons only in " + String.join("/", HeldOutPosts.HELD_OUT_SPLITS)
                + "; outside the models' label snapshots; not among the posts read by the lineage's SFT/PPO runs "
                + Arrays.toString(lineage.readRuns()) + (lineage.seenUpTo() > 0
                ? "; above post " + lineage.seenUpTo() + " (read by older runs that did not record their posts)" : ""));
        EvaluationStore.Written written = store.write(run, spec, new EvaluationStore.Sampled(posts, policy.name(),
                policyTexts, opponent == null ? EvaluationStore.REFERENCE : opponent.name(), opponentTexts,
                policyRewards, opponentRewards), settings.toString());
        for (int i = 0; i < Math.min(20, posts.size()); i++) {
            ctx.sample(i, posts.get(i).id(), posts.get(i).post().prompt(), policyTexts.get(i),
                    policyRewards == null ? null : policyRewards[i], null);
        }
        ctx.log("evaluation " + written.evaluationId() + ": batch " + written.batchId() + " opened with "
                + written.comparisons() + " comparisons");
        return NO_MODEL;
    }

    private static ModelRegistry.Model policyModel(RunContext ctx, String field, long id) {
        ModelRegistry.Model m = ctx.model(field, id);
        if (!ModelKinds.POLICIES.contains(m.kind())) {
            throw new IllegalArgumentException(field + ": model " + id + " is " + m.kind() + ", not a POLICY or SFT model");
        }
        return m;
    }

    /**
     * One summary per post from the model in {@code dir}: the sampled tokens up to (not including) EOS, decoded, NUL
     * characters removed, stripped. The reward model scores these texts as stored.
     */
    private static Samples sample(RunContext ctx, Path dir, List<HeldOutPosts.Post> posts, SamplingConfig sampling,
                                  int[] done, int total) throws Exception {
        List<String> texts = new ArrayList<>(posts.size());
        int[][] queries = new int[posts.size()][], responses = new int[posts.size()][];
        int[] lengths = new int[posts.size()];
        double[] logProbs;
        try (NDManager manager = NDManager.newBaseManager(Devices.best())) {
            Tokenizer tokenizer = Tokenizers.load(dir);
            try (CausalLm model = HfCheckpoint.loadModel(dir, manager)) {
                ctx.device(model.device().toString());
                int room = model.config().max_position_embeddings() - sampling.maxNewTokens();
                if (room < 16) {
                    throw new IllegalArgumentException("maxNewTokens: " + sampling.maxNewTokens() + " leaves " + room
                            + " prompt tokens of the model's n_positions " + model.config().max_position_embeddings() + " (" + dir + ")");
                }
                ctx.log(String.format(Locale.ROOT, "sampling %d summaries from %s on %s (temperature %s, top-k %d, top-p %s, %d new tokens, seed %d)",
                        posts.size(), dir, model.device(), sampling.temperature(), sampling.topK(), sampling.topP(),
                        sampling.maxNewTokens(), sampling.seed()));
                Sampler sampler = new Sampler(model);
                int eos = tokenizer.eosId();
                for (int from = 0, chunk = 0; from < posts.size(); from += SAMPLING_BATCH, chunk++) {
                    List<HeldOutPosts.Post> some = posts.subList(from, Math.min(posts.size(), from + SAMPLING_BATCH));
                    int[][] prompts = new int[some.size()][];
                    for (int i = 0; i < some.size(); i++) prompts[i] = Prompts.tokenize(some.get(i).post(), tokenizer, room);
                    Sampler.Result r = sampler.generate(prompts, sampling.withSeed(sampling.seed() + chunk));
                    for (int i = 0; i < some.size(); i++) {
                        queries[from + i] = prompts[i];
                        responses[from + i] = r.tokens()[i];
                        lengths[from + i] = r.lengths()[i];
                        int n = r.lengths()[i];
                        if (n > 0 && r.tokens()[i][n - 1] == eos) n--;
                        // PostgreSQL's text cannot hold U+0000, which a byte-level model may sample
                        texts.add(tokenizer.decode(Arrays.copyOf(r.tokens()[i], n)).replace("\u0000", "").strip());
                    }
                    done[0] += some.size();
                    ctx.progress(done[0], total);
                    ctx.checkStop();
                }
                logProbs = ResponseForward.logProbSums(model, queries, responses, lengths, SAMPLING_BATCH);
            } finally {
                if (tokenizer instanceof AutoCloseable c) c.close();
            }
        }
        return new Samples(texts, queries, responses, lengths, logProbs);
    }

    /**
     * One model's summaries and the tokens they were decoded from: prompt tokens, the sampled tokens (EOS included
     * where sampled) and their count, and log π(y|x) of each at temperature 1.
     */
    private record Samples(List<String> texts, int[][] queries, int[][] responses, int[] lengths, double[] logProbs) {}

    /**
     * The SFT model the policy descends from (itself when it is one), following parent models in the registry; null
     * when the lineage has none.
     */
    private static ModelRegistry.Model sftAncestor(RunContext ctx, ModelRegistry.Model policy) {
        ModelRegistry.Model m = policy;
        for (int depth = 0; m != null && depth < 100; depth++) {
            if (m.kind().equals(ModelKinds.SFT)) return m;
            m = m.parentModelId() == null ? null : ctx.registry().find(m.parentModelId()).orElse(null);
        }
        return null;
    }

    /**
     * Mean over the policy's samples of Σ_t log π(y_t) − log π_ref(y_t) (temperature 1): KL(π‖π_ref) per summary,
     * estimated without bias when the samples were drawn at temperature 1 with no top-k or top-p.
     */
    private static double meanKl(Path referenceDir, Samples s) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Devices.best());
             CausalLm reference = HfCheckpoint.loadModel(referenceDir, manager)) {
            double[] ref = ResponseForward.logProbSums(reference, s.queries(), s.responses(), s.lengths(), SAMPLING_BATCH);
            double sum = 0;
            for (int i = 0; i < ref.length; i++) sum += s.logProbs()[i] - ref[i];
            return sum / ref.length;
        }
    }

    /** r(post, summary) of both sides, in the layout the reward model was trained on (prompt, " " + summary, EOS). */
    private static double[][] score(Path dir, List<HeldOutPosts.Post> posts, List<String> policy, List<String> opponent)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Devices.best());
             RewardModel rm = RewardModel.load(dir, manager)) {
            Tokenizer tokenizer = Tokenizers.load(dir);
            try {
                RewardScorer scorer = new RewardScorer(rm, tokenizer);
                List<RewardScorer.Candidate> candidates = new ArrayList<>();
                for (int i = 0; i < posts.size(); i++) candidates.add(new RewardScorer.Candidate(posts.get(i).post().prompt(), policy.get(i)));
                for (int i = 0; i < posts.size(); i++) candidates.add(new RewardScorer.Candidate(posts.get(i).post().prompt(), opponent.get(i)));
                double[] all = scorer.score(candidates);
                return new double[][]{Arrays.copyOfRange(all, 0, posts.size()), Arrays.copyOfRange(all, posts.size(), all.length)};
            } finally {
                if (tokenizer instanceof AutoCloseable c) c.close();
            }
        }
    }
}
