package dev.rlhf.lm.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tokenizer files of {@code hf-tiny-families} (written by {@code make_family_fixtures.py} with their own
 * encoders): Llama 3 style byte-level BPE with BOS from the post-processor, Qwen2 style without BOS and with EOS and
 * pad from generation_config.json, GPT-NeoX style, and a SentencePiece-converted BPE with byte fallback (Mistral).
 */
class FamilyTokenizersTest {

    static Path root() throws URISyntaxException {
        return Path.of(FamilyTokenizersTest.class.getResource("/hf-tiny-families").toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "mistral", "neox"})
    void encodesAsTheReferenceEncoderAndDecodesBack(String family) throws Exception {
        JsonObject cases = JsonParser.parseString(Files.readString(root().resolve("expected_encodings.json"),
                StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject(family);
        try (HfTokenizer tok = (HfTokenizer) Tokenizers.load(root().resolve(family))) {
            assertEquals(cases.get("eos_id").getAsInt(), tok.eosId());
            assertEquals(cases.get("pad_id").getAsInt(), tok.padId());
            assertEquals(cases.get("vocab_size").getAsInt(), tok.vocabSize());
            for (JsonElement e : cases.getAsJsonArray("encodings")) {
                String text = e.getAsJsonObject().get("text").getAsString();
                int[] ids = ints(e.getAsJsonObject().getAsJsonArray("ids"));
                assertArrayEquals(ids, tok.encode(text), family + ": " + text);
                assertArrayEquals(ints(e.getAsJsonObject().getAsJsonArray("with_special")), tok.encodeWithSpecialTokens(text),
                        family + " with special tokens: " + text);
                assertEquals(text, tok.decode(ids), family + ": decode");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "mistral"})
    void savedTokenizerLoadsBackTheSame(String family, @TempDir Path out) throws Exception {
        try (HfTokenizer tok = (HfTokenizer) Tokenizers.load(root().resolve(family))) {
            tok.save(out);
            assertTrue(Files.isRegularFile(out.resolve(HfTokenizer.CONFIG_FILE)));
            Files.copy(root().resolve(family).resolve("config.json"), out.resolve("config.json"));
            try (HfTokenizer back = (HfTokenizer) Tokenizers.load(out)) {
                assertEquals(tok.eosId(), back.eosId());
                assertArrayEquals(tok.encodeWithSpecialTokens("the cat sat"), back.encodeWithSpecialTokens("the cat sat"));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aModelSavedIntoTheDirectoryItsTokenizerCameFromKeepsIt(@TempDir Path dir) throws Exception {
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(root().resolve("llama").resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve(ByteTokenizer.MARKER_FILE), "{}");                 // a stale file of the other kind
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch");
             HfTokenizer tok = (HfTokenizer) Tokenizers.load(dir)) {
            dev.rlhf.lm.io.HfCheckpoint c = dev.rlhf.lm.io.HfCheckpoint.load(dir, m);
            dev.rlhf.lm.io.HfCheckpoint.save(dir, c.config(), c.tensors(), java.util.Map.of(), tok);
        }
        assertEquals(Files.readString(root().resolve("llama/tokenizer.json")), Files.readString(dir.resolve("tokenizer.json")));
        assertTrue(Files.isRegularFile(dir.resolve(HfTokenizer.CONFIG_FILE)));
        assertTrue(!Files.exists(dir.resolve(ByteTokenizer.MARKER_FILE)));
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tokenizer")), "scratch removed");
        }
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }
}
