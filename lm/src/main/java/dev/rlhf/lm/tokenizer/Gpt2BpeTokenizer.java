package dev.rlhf.lm.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * GPT-2's byte-level BPE, read from a Hugging Face {@code tokenizer.json} by DJL's binding of the Hugging Face
 * tokenizers library (native code shipped in the DJL jar, loaded with no download).
 *
 * <p>Encoding adds no special tokens and neither truncates nor pads. End-of-text is {@value #EOS_TOKEN}, looked up
 * in the file's added tokens or vocabulary; its absence is an error. {@link #decode} keeps special tokens in the text,
 * so a decoded EOS reads {@value #EOS_TOKEN}; callers that show completions cut them at {@link #eosId()} first.
 * The tokenizer holds native memory: {@link #close()} it when done (it is also freed when garbage collected).
 */
public final class Gpt2BpeTokenizer implements Tokenizer, AutoCloseable {

    public static final String FILE = "tokenizer.json";
    public static final String EOS_TOKEN = "<|endoftext|>";

    private final Path source;
    private final HuggingFaceTokenizer tokenizer;
    private final int eosId;
    private final int vocabSize;

    private Gpt2BpeTokenizer(Path source, HuggingFaceTokenizer tokenizer, int eosId, int vocabSize) {
        this.source = source;
        this.tokenizer = tokenizer;
        this.eosId = eosId;
        this.vocabSize = vocabSize;
    }

    /** Loads {@code tokenizer.json}. */
    public static Gpt2BpeTokenizer load(Path tokenizerJson) throws IOException {
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(tokenizerJson, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(tokenizerJson + ": not a tokenizer.json: " + e.getMessage(), e);
        }
        JsonObject model = o.has("model") && o.get("model").isJsonObject() ? o.getAsJsonObject("model") : null;
        if (model == null || !model.has("type") || !"BPE".equals(model.get("type").getAsString())
                || !model.has("vocab") || !model.get("vocab").isJsonObject()) {
            throw new IOException(tokenizerJson + ": not a BPE tokenizer (model.type must be \"BPE\" with a vocab)");
        }
        Integer eos = null;
        int maxId = -1;
        for (Map.Entry<String, JsonElement> e : model.getAsJsonObject("vocab").entrySet()) {
            int id = e.getValue().getAsInt();
            maxId = Math.max(maxId, id);
            if (e.getKey().equals(EOS_TOKEN)) eos = id;
        }
        if (o.has("added_tokens") && o.get("added_tokens").isJsonArray()) {
            for (JsonElement t : o.getAsJsonArray("added_tokens")) {
                int id = t.getAsJsonObject().get("id").getAsInt();
                maxId = Math.max(maxId, id);
                if (EOS_TOKEN.equals(t.getAsJsonObject().get("content").getAsString())) eos = id;
            }
        }
        if (eos == null) throw new IOException(tokenizerJson + ": no " + EOS_TOKEN + " token in the vocabulary");
        HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        return new Gpt2BpeTokenizer(tokenizerJson, hf, eos, maxId + 1);
    }

    @Override
    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
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

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** Copies the {@code tokenizer.json} this tokenizer was loaded from into {@code modelDir}. */
    @Override
    public void save(Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        Path target = modelDir.resolve(FILE);
        if (Files.exists(target) && Files.isSameFile(source, target)) return;
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "Gpt2BpeTokenizer(" + source + ", vocab " + vocabSize + ", eos " + eosId + ")";
    }
}
