package dev.rlhf.lm.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face fast tokenizer read from {@code tokenizer.json} by DJL's binding of the Hugging Face tokenizers
 * library (native code shipped in the DJL jar, loaded with no download): byte-level BPE (GPT-2, Llama 3, Qwen2),
 * SentencePiece models converted to BPE with byte fallback (Llama 2, Mistral), or any other model the library reads.
 *
 * <p>{@link #encode} adds no special tokens and neither truncates nor pads; {@link #encodeWithSpecialTokens} adds
 * what the file's post-processor adds (Llama's BOS; nothing for GPT-2 or Qwen2), as transformers does by default.
 * End-of-text is, in this order, {@code eos_token_id} of {@code generation_config.json}, of {@code config.json}, the
 * {@code eos_token} of {@code tokenizer_config.json}, or {@value #GPT2_EOS}; with none of them the file is refused.
 * Padding is {@code pad_token_id} / {@code pad_token} from the same files when set ({@link #padId()}, −1 if none).
 * {@link #decode} keeps special tokens. The tokenizer holds native memory: {@link #close()} it when done.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {

    public static final String FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";
    public static final String GENERATION_CONFIG_FILE = "generation_config.json";
    /** GPT-2's end-of-text, used when no config names an EOS. */
    public static final String GPT2_EOS = "<|endoftext|>";
    /** The files of a model directory this tokenizer is read from and saved to. */
    static final List<String> FILES = List.of(FILE, CONFIG_FILE, SPECIAL_TOKENS_FILE);

    private final Path source;
    private final HuggingFaceTokenizer tokenizer;
    private final int eosId;
    private final int padId;
    private final int vocabSize;

    private HfTokenizer(Path source, HuggingFaceTokenizer tokenizer, int eosId, int padId, int vocabSize) {
        this.source = source;
        this.tokenizer = tokenizer;
        this.eosId = eosId;
        this.padId = padId;
        this.vocabSize = vocabSize;
    }

    /** Loads {@code tokenizer.json}, with EOS and pad from the config files beside it. */
    public static HfTokenizer load(Path tokenizerJson) throws IOException {
        JsonObject o = json(tokenizerJson);
        if (o == null) throw new IOException(tokenizerJson + ": not a tokenizer.json");
        JsonObject model = o.has("model") && o.get("model").isJsonObject() ? o.getAsJsonObject("model") : null;
        if (model == null || !model.has("vocab")) {
            throw new IOException(tokenizerJson + ": not a tokenizer.json (no model with a vocab)");
        }
        Map<String, Integer> ids = new HashMap<>();
        JsonElement vocab = model.get("vocab");
        if (vocab.isJsonObject()) {                                       // BPE, WordPiece, WordLevel: token → id
            for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) ids.put(e.getKey(), e.getValue().getAsInt());
        } else if (vocab.isJsonArray()) {                                 // Unigram: [[piece, score], …], id = index
            JsonArray a = vocab.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) ids.putIfAbsent(a.get(i).getAsJsonArray().get(0).getAsString(), i);
        }
        if (o.has("added_tokens") && o.get("added_tokens").isJsonArray()) {
            for (JsonElement t : o.getAsJsonArray("added_tokens")) {
                ids.put(t.getAsJsonObject().get("content").getAsString(), t.getAsJsonObject().get("id").getAsInt());
            }
        }
        int maxId = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        Path dir = tokenizerJson.toAbsolutePath().getParent();
        Integer eos = specialId(dir, ids, "eos_token_id", "eos_token");
        if (eos == null) eos = ids.get(GPT2_EOS);
        if (eos == null) {
            throw new IOException(tokenizerJson + ": no end-of-text token: none of " + GENERATION_CONFIG_FILE + ", config.json, "
                    + CONFIG_FILE + " names one and there is no " + GPT2_EOS + " in the vocabulary");
        }
        Integer pad = specialId(dir, ids, "pad_token_id", "pad_token");
        HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        return new HfTokenizer(tokenizerJson, hf, eos, pad == null ? -1 : pad, maxId + 1);
    }

    /** An id from generation_config.json or config.json ({@code idField}), else tokenizer_config.json's token ({@code tokenField}). */
    private static Integer specialId(Path dir, Map<String, Integer> ids, String idField, String tokenField) throws IOException {
        if (dir == null) return null;
        for (String f : new String[] {GENERATION_CONFIG_FILE, "config.json"}) {
            JsonObject o = json(dir.resolve(f));
            if (o != null && o.has(idField) && !o.get(idField).isJsonNull()) {
                JsonElement e = o.get(idField);
                return e.isJsonArray() ? e.getAsJsonArray().get(0).getAsInt() : e.getAsInt();
            }
        }
        JsonObject tc = json(dir.resolve(CONFIG_FILE));
        if (tc != null && tc.has(tokenField) && !tc.get(tokenField).isJsonNull()) {
            JsonElement e = tc.get(tokenField);
            String token = e.isJsonObject() ? e.getAsJsonObject().get("content").getAsString() : e.getAsString();
            Integer id = ids.get(token);
            if (id == null) throw new IOException(dir.resolve(CONFIG_FILE) + ": " + tokenField + " \"" + token + "\" is not in the vocabulary");
            return id;
        }
        return null;
    }

    private static JsonObject json(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a JSON object: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        return ids(tokenizer.encode(text, false, false));
    }

    /** The ids as transformers' {@code tokenizer(text)} gives them: with the post-processor's special tokens (e.g. BOS). */
    @Override
    public int[] encodeWithSpecialTokens(String text) {
        return ids(tokenizer.encode(text, true, false));
    }

    private static int[] ids(Encoding encoding) {
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside the vocabulary of " + vocabSize);
            }
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, false);
    }

    @Override
    public int eosId() {
        return eosId;
    }

    /** The pad id the config files name, or −1 (padding is carried by the attention mask either way). */
    public int padId() {
        return padId;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** Copies {@code tokenizer.json} and the tokenizer config files beside it into {@code modelDir}. */
    @Override
    public void save(Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        Path from = source.toAbsolutePath().getParent();
        for (String f : FILES) {
            Path src = f.equals(FILE) ? source : from.resolve(f);
            Path target = modelDir.resolve(f);
            if (!Files.isRegularFile(src)) continue;
            if (Files.exists(target) && Files.isSameFile(src, target)) continue;
            Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer(" + source + ", vocab " + vocabSize + ", eos " + eosId + ")";
    }
}
