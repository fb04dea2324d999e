package dev.rlhf.web.runs;

import dev.rlhf.web.models.TrainedModels;
import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.SftConfig;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.SftTrainer;
import dev.rlhf.lm.TrainingListener;
import dev.rlhf.lm.formats.TldrPrompt;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.io.SftStart;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.web.snapshots.PromptSets.DbPost;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SFT on the posts in the database (TL;DR layout: prompt = the post, completion = " " + its reference summary + EOS),
 * from scratch with the byte tokenizer or from a registered model, through {@link SftTrainer}. Checkpoints go to
 * {@code run-ID/checkpoint-STEP} (weights, optimizer state, step); a re-claimed run loads its last checkpoint and
 * trains the remaining steps as if it had never stopped (same learning rates, same data order).
 */
@Component
public record SftExecutor(PromptSets promptSets, TrainedModels trained, SpecBinder binder) implements RunExecutor {
    private static final Pattern CHECKPOINT_STEP = Pattern.compile("checkpoint-(\\d+)$");

    @Override
    public long execute(RunContext ctx) throws Exception {
        SftSpec spec = binder.stored(SftSpec.class, SftSpec.defaults(), ctx.config());
        Run run = ctx.run();
        PromptSet set = spec.promptSet();
        List<DbPost> posts = promptSets.posts(set);
        if (posts.isEmpty()) throw new IllegalStateException("promptSplit: no posts with a summary in the prompt set (" + set.describe() + ")");
        promptSets.record(run.id(), posts);

        int startStep = 0;
        Path resumeFrom = null;
        if (run.checkpointPath() != null) {
            Matcher m = CHECKPOINT_STEP.matcher(run.checkpointPath());
            if (m.find() && Files.isDirectory(Path.of(run.checkpointPath()))) {
                resumeFrom = Path.of(run.checkpointPath());
                startStep = Integer.parseInt(m.group(1));
            }
        }
        Path init = resumeFrom;
        if (init == null && run.baseModelId() != null) {
            init = ctx.baseModelDir();
        }
        int total = spec.steps();
        SftConfig config = spec.trainerConfig();
        try (NDManager manager = NDManager.newBaseManager(Devices.best())) {
            SftStart start = SftStart.of(init, manager, spec.nPositions(), spec.nEmbd(), spec.nLayer(), spec.nHead(), spec.seed());
            Tokenizer tokenizer = start.tokenizer();
            CausalLm model = start.model();
            List<String> leftOut = new ArrayList<>();
            List<SftExample> examples = SftExample.ofPosts(posts.stream().map(DbPost::post).toList(), tokenizer,
                    model.config().max_position_embeddings(), leftOut);
            if (!leftOut.isEmpty()) {
                ctx.log(String.format("left out %d of %d posts whose header and summary alone exceed n_positions %d (first: %s)",
                        leftOut.size(), posts.size(), model.config().max_position_embeddings(), leftOut.get(0)));
            }
            if (examples.isEmpty()) {
                throw new IllegalArgumentException("nPositions: no post of the prompt set fits " + model.config().max_position_embeddings()
                        + " positions with its header and whole summary");
            }
            ctx.device(model.device().toString());
            ctx.log(String.format("SFT on %d posts, %,d parameters, device %s, steps %d..%d of %d%s", examples.size(),
                    model.config().parameterCount(), model.device(), startStep + 1, total, total,
                    resumeFrom != null ? ", resuming from " + resumeFrom : init == null ? ", from scratch (byte tokenizer)" : ", from " + init));
            Path runDir = ctx.runDir();
            Path finalDir = runDir.resolve("final");
            TrainingListener.Progress last = null;
            if (startStep < total) {
                try (model; SftTrainer trainer = new SftTrainer(model, config)) {
                    if (resumeFrom != null) trainer.restoreState(resumeFrom);   // moments, step: data order and lr go on
                    trainer.metrics(ctx.sink()).addListener(p -> {
                        int step = p.step();
                        if (step % 10 == 0 || step == total) {
                            ctx.log(String.format("step %d/%d loss %.4f lr %.2e grad-norm %.3f %.0f tok/s", step, total,
                                    p.loss(), p.learningRate(), p.gradNorm(), p.tokensPerSecond()));
                        }
                        ctx.checkStop();
                    });
                    trainer.checkpointHook((mdl, step) -> {
                        Path dir = step == total ? finalDir : runDir.resolve("checkpoint-" + step);
                        HfCheckpoint.save(dir, mdl.config(), mdl.namedTensors(), Map.of(), tokenizer);
                        if (step != total) {
                            trainer.saveState(dir);
                            ctx.checkpoint(dir);
                            ctx.log("checkpoint " + dir);
                        }
                    });
                    last = trainer.train(examples);
                    samples(ctx, model, tokenizer, posts, total);
                }
            } else {
                HfCheckpoint.save(finalDir, model.config(), model.namedTensors(), Map.of(), tokenizer);
                model.close();
            }
            String metrics = String.format(java.util.Locale.ROOT,
                    "{%s\"steps\": %d, %s}", last == null ? "" : "\"loss\": " + RunExecutor.jsonNumber(last.loss()) + ", ", total,
                    postsUsed("posts", posts));
            long id = trained.register(run.name() + " #" + run.id(), ModelKinds.SFT, finalDir.toAbsolutePath().toString(),
                    run.baseModelId(), run.id(), null, metrics);
            ctx.log("registered model " + id + " at " + finalDir.toAbsolutePath());
            return id;
        }
    }

    /**
     * A few greedy completions of the first posts whose prompts fit the room 24 new tokens leave, by the trained
     * model, for the run page's sample table.
     */
    private static void samples(RunContext ctx, CausalLm model, Tokenizer tokenizer, List<DbPost> posts, int step) {
        int room = model.config().max_position_embeddings() - 24;
        List<DbPost> some = posts.stream().filter(p -> TldrPrompt.fits(p.post().prompt(), tokenizer, room)).limit(3).toList();
        if (some.isEmpty()) return;
        int[][] prompts = new int[some.size()][];
        for (int i = 0; i < some.size(); i++) {
            prompts[i] = TldrPrompt.encode(some.get(i).post().prompt(), tokenizer, room, "post " + some.get(i).post().id());
        }
        Sampler.Result r = new Sampler(model).generate(prompts, SamplingConfig.greedy(24));
        for (int i = 0; i < some.size(); i++) {
            int[] out = Arrays.copyOf(r.tokens()[i], r.lengths()[i]);
            ctx.sample(step, some.get(i).id(), some.get(i).post().prompt(), tokenizer.decode(out), null, null);
        }
    }

    /** The posts a run used, for its model card: how many, and the first and last post id (its prompt set, in id order). */
    static String postsUsed(String countKey, List<DbPost> posts) {
        return String.format(java.util.Locale.ROOT, "\"%s\": %d, \"first_post_id\": %d, \"last_post_id\": %d",
                countKey, posts.size(), posts.get(0).id(), posts.get(posts.size() - 1).id());
    }
}
