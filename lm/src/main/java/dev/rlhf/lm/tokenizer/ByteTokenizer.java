package dev.rlhf.lm.tokenizer;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The UTF-8 bytes of the text as ids 0..255, with {@link #EOS_ID} 256 as end-of-text: a vocabulary of 257 that
 * needs no files, for tests and small models trained from scratch.
 *
 * <p>Saved as the marker file {@value #MARKER_FILE} (JSON: {@code {"type": "bytes", "vocab_size": 257,
 * "eos_token_id": 256}}), which {@link Tokenizers#load} recognises. A file of its own is used rather than a
 * {@code tokenizer.json} or {@code tokenizer_config.json}, which Hugging Face tools would try to read as theirs.
 */
public final class ByteTokenizer implements Tokenizer {

    public static final int EOS_ID = 256;
    public static final int VOCAB_SIZE = 257;
    public static final String MARKER_FILE = "byte_tokenizer.json";
    static final String TYPE = "bytes";

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = bytes[i] & 0xFF;
        return ids;
    }

    /** EOS decodes to nothing; ids outside 0..256 are refused. Invalid UTF-8 becomes U+FFFD. */
    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id == EOS_ID) continue;
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("token id " + id + " is outside the byte vocabulary 0.." + EOS_ID);
            }
            bytes[n++] = (byte) id;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8); // replaces malformed input, never throws
    }

    @Override
    public int eosId() {
        return EOS_ID;
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public void save(Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        JsonObject o = new JsonObject();
        o.addProperty("type", TYPE);
        o.addProperty("vocab_size", VOCAB_SIZE);
        o.addProperty("eos_token_id", EOS_ID);
        Files.writeString(modelDir.resolve(MARKER_FILE), new Gson().toJson(o), StandardCharsets.UTF_8);
    }

    /** Reads the marker file, refusing one that describes a different byte vocabulary. */
    static ByteTokenizer load(Path markerFile) throws IOException {
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(markerFile, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(markerFile + ": not a JSON object: " + e.getMessage(), e);
        }
        if (!o.has("type") || !TYPE.equals(o.get("type").getAsString())
                || !o.has("vocab_size") || o.get("vocab_size").getAsInt() != VOCAB_SIZE
                || !o.has("eos_token_id") || o.get("eos_token_id").getAsInt() != EOS_ID) {
            throw new IOException(markerFile + ": expected {\"type\": \"bytes\", \"vocab_size\": " + VOCAB_SIZE
                    + ", \"eos_token_id\": " + EOS_ID + "}, found " + o);
        }
        return new ByteTokenizer();
    }

    @Override
    public String toString() {
        return "ByteTokenizer(vocab 257, eos 256)";
    }
}
