package dev.rlhf.lm.cli;

import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.commandline.HelpOption;
import dev.rlhf.lm.OfflineEngine;

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

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
@Command(name = "generate", showDefaultValues = true, sortOptions = false,
        description = "Text from a model directory of any family.")
public final class GenerateCli {
    @Mixin HelpOption help;
    @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face model directory (required).")
    Path model;
    @Option(names = "--prompt", paramLabel = "TEXT", description = "One prompt, encoded as transformers' tokenizer(text) does.")
    String prompt;
    @Option(names = "--prompts", paramLabel = "POSTS.jsonl", description = "TL;DR posts, each in the paper's prompt layout.")
    Path prompts;
    @Option(names = "--max-new-tokens", description = "New tokens at most per prompt.")
    int maxNewTokens = 64;
    @Option(names = "--temperature", description = "Sampling temperature; 0 is greedy.")
    double temperature = 0.7;
    @Option(names = "--top-k", description = "Sample from the k likeliest tokens; 0: all.")
    int topK = 0;
    @Option(names = "--top-p", description = "Nucleus sampling mass; 1: all.")
    double topP = 1.0;
    @Option(names = "--seed", description = "Sampling seed.")
    long seed = 0;
    @Option(names = "--batch", description = "Prompts per sampler batch, left padded.")
    int batch = 8;
    @Option(names = "--json", description = "One JSON line per prompt (prompt_ids, ids, text) instead of the text alone.")
    boolean json;

    GenerateCli() {
    }

    public static void main(String[] args) throws Exception {
        GenerateCli cli = new GenerateCli();
        Commands.main(cli, args, p -> cli.generate(System.out));
    }

    public static void run(String[] args, PrintStream out) throws Exception {
        GenerateCli cli = new GenerateCli();
        Commands.parse(cli, args);
        cli.generate(out);
    }

    private void generate(PrintStream out) throws Exception {
        if (model == null) throw new IllegalArgumentException("option --model is required");
        OfflineEngine.use();
        Path modelDir = model;
        if ((prompt != null) == (prompts != null)) throw new IllegalArgumentException("give one of --prompt or --prompts");
        int maxNew = maxNewTokens;
        SamplingConfig sampling = new SamplingConfig(maxNew, temperature, topK, topP, seed);
        if (batch <= 0) throw new IllegalArgumentException("option --batch must be positive");
        Gson gson = new Gson();
        Tokenizer tokenizer = Tokenizers.load(modelDir);
        try (NDManager manager = NDManager.newBaseManager(Devices.best());
             CausalLm model = HfCheckpoint.loadModel(modelDir, manager)) {
            int room = model.config().max_position_embeddings() - maxNew;
            if (room <= 0) throw new IllegalArgumentException("--max-new-tokens " + maxNew + " leaves no room for a prompt");
            List<int[]> prompts = new ArrayList<>();
            if (prompt != null) {
                int[] ids = tokenizer.encodeWithSpecialTokens(prompt);
                if (ids.length > room) {
                    throw new IllegalArgumentException("the prompt has " + ids.length + " tokens; with " + maxNew
                            + " new ones the model's " + model.config().max_position_embeddings() + " positions allow " + room);
                }
                prompts.add(ids);
            } else {
                for (TldrPost post : TldrReader.readAll(this.prompts)) {
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
