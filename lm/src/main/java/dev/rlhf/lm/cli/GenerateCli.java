package dev.rlhf.lm.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrPrompt;
import dev.rlhf.lm.formats.TldrReader;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Text from a model directory of any family.
 *
 * <pre>
 * --model DIR (--prompt TEXT | --prompts posts.jsonl) --max-new-tokens N --temperature T
 * [--top-p P --top-k K --seed S --batch 8] [--json]
 * </pre>
 * {@code --temperature 0} is greedy. A {@code --prompt} is encoded as transformers' {@code tokenizer(text)} does, with
 * the special tokens the tokenizer adds (Llama's BOS); the posts of a TL;DR jsonl get the paper's prompt layout,
 * encoded as SFT encodes it and trimmed to leave room for the new tokens. Prompts go through the sampler in batches
 * of {@code --batch}, left padded. With {@code --json} each prompt gives one line
 * {@code {"prompt_ids": [...], "ids": [...], "text": "..."}}: the generated ids up to and including EOS, and their
 * text without it; otherwise the text alone, one completion per line.
 */
public final class GenerateCli {
    static final Set<String> OPTIONS = Set.of("model", "prompt", "prompts", "max-new-tokens", "temperature", "top-p",
            "top-k", "seed", "batch");
    static final Set<String> FLAGS = Set.of("json");

    private GenerateCli() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    public static void run(String[] args, PrintStream out) throws Exception {
        CliArgs a = CliArgs.parse(args, OPTIONS, FLAGS);
        CliArgs.offlineEngine();
        Path modelDir = a.path("model");
        if (a.has("prompt") == a.has("prompts")) throw new IllegalArgumentException("give one of --prompt or --prompts");
        int maxNew = a.integer("max-new-tokens", 64);
        SamplingConfig sampling = new SamplingConfig(maxNew, a.decimal("temperature", 0.7), a.integer("top-k", 0),
                a.decimal("top-p", 1.0), a.longValue("seed", 0));
        int batch = a.integer("batch", 8);
        if (batch <= 0) throw new IllegalArgumentException("option --batch must be positive");
        boolean json = a.has("json");
        Gson gson = new Gson();
        Tokenizer tokenizer = Tokenizers.load(modelDir);
        try (NDManager manager = NDManager.newBaseManager(Devices.best());
             CausalLm model = HfCheckpoint.loadModel(modelDir, manager)) {
            int room = model.config().max_position_embeddings() - maxNew;
            if (room <= 0) throw new IllegalArgumentException("--max-new-tokens " + maxNew + " leaves no room for a prompt");
            List<int[]> prompts = new ArrayList<>();
            if (a.has("prompt")) {
                int[] ids = tokenizer.encodeWithSpecialTokens(a.string("prompt", ""));
                if (ids.length > room) {
                    throw new IllegalArgumentException("the prompt has " + ids.length + " tokens; with " + maxNew
                            + " new ones the model's " + model.config().max_position_embeddings() + " positions allow " + room);
                }
                prompts.add(ids);
            } else {
                for (TldrPost post : TldrReader.readAll(a.path("prompts"))) {
                    prompts.add(TldrPrompt.encode(post.prompt(), tokenizer, room, "post " + post.id()));
                }
            }
            Sampler sampler = new Sampler(model);
            for (int from = 0; from < prompts.size(); from += batch) {
                int[][] chunk = prompts.subList(from, Math.min(prompts.size(), from + batch)).toArray(new int[0][]);
                Sampler.Result r = sampler.generate(chunk, sampling.withSeed(sampling.seed() + from));
                for (int i = 0; i < chunk.length; i++) {
                    int[] ids = Arrays.copyOf(r.tokens()[i], r.lengths()[i]);
                    int[] textIds = ids.length > 0 && ids[ids.length - 1] == tokenizer.eosId()
                            ? Arrays.copyOf(ids, ids.length - 1) : ids;
                    String text = tokenizer.decode(textIds);
                    if (json) {
                        JsonObject o = new JsonObject();
                        o.add("prompt_ids", array(chunk[i]));
                        o.add("ids", array(ids));
                        o.addProperty("text", text);
                        out.println(gson.toJson(o));
                    } else {
                        out.println(text);
                    }
                }
            }
            out.flush();
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();
        }
    }

    private static JsonArray array(int[] ids) {
        JsonArray a = new JsonArray();
        for (int id : ids) a.add(id);
        return a;
    }

}
