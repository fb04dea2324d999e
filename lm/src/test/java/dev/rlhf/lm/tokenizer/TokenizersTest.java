package dev.rlhf.lm.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizersTest {

    static Path fixture;
    static HfTokenizer bpe;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadBpe() throws IOException, URISyntaxException {
        fixture = Path.of(TokenizersTest.class.getResource("/hf-tiny-gpt2").toURI());
        bpe = HfTokenizer.load(fixture.resolve("tokenizer.json"));
    }

    @AfterAll
    static void closeBpe() {
        bpe.close();
    }

    // ------------------------------------------------------------------ bytes

    @Test
    void bytesRoundTripMultibyteUtf8() {
        ByteTokenizer t = new ByteTokenizer();
        String text = "naïve café, 日本語, emoji 🙂\n";
        int[] ids = t.encode(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(utf8.length, ids.length);
        for (int i = 0; i < ids.length; i++) assertEquals(utf8[i] & 0xFF, ids[i]);
        assertArrayEquals(new int[] {0xF0, 0x9F, 0x99, 0x82}, t.encode("🙂"));
        assertEquals(text, t.decode(ids));
        assertEquals(257, t.vocabSize());
        assertEquals(256, t.eosId());
    }

    @Test
    void bytesDecodeSkipsEosAndToleratesBrokenUtf8() {
        ByteTokenizer t = new ByteTokenizer();
        assertEquals("ab", t.decode(new int[] {'a', 256, 'b', 256}));
        // The first two bytes of 日 (E6 97 A5): a cut-off multibyte character, as a sampled completion may end.
        String partial = t.decode(new int[] {'x', 0xE6, 0x97});
        assertTrue(partial.startsWith("x") && partial.contains("\uFFFD"), partial);
        assertEquals("\uFFFD", t.decode(new int[] {0xFF}));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {257}));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
        assertArrayEquals(new int[0], t.encode(""));
    }

    // ------------------------------------------------------------------ GPT-2 BPE

    @Test
    void bpeEncodingsMatchTheIndependentEncoder() throws IOException {
        JsonObject expected = JsonParser.parseString(
                Files.readString(fixture.resolve("expected_encodings.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(expected.get("eos_id").getAsInt(), bpe.eosId());
        assertEquals(expected.get("vocab_size").getAsInt(), bpe.vocabSize());
        int checked = 0;
        for (JsonElement e : expected.getAsJsonArray("encodings")) {
            String text = e.getAsJsonObject().get("text").getAsString();
            int[] ids = e.getAsJsonObject().getAsJsonArray("ids").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
            assertArrayEquals(ids, bpe.encode(text), "encoding of \"" + text + "\"");
            assertEquals(text, bpe.decode(ids), "decoding of \"" + text + "\"");
            checked++;
        }
        assertEquals(14, checked);
    }

    @Test
    void bpeUsesMergesAddsNoSpecialTokensAndDoesNotTruncate() {
        int[] the = bpe.encode("the");
        assertEquals(1, the.length, "\"the\" is a merged token of the fixture vocabulary");
        assertArrayEquals(new int[] {bpe.eosId()}, bpe.encode("<|endoftext|>"));
        String longText = "the cat sat on the mat. ".repeat(200);
        int[] ids = bpe.encode(longText);
        assertTrue(ids.length > 1000, "no truncation: " + ids.length);
        assertEquals(longText, bpe.decode(ids));
        String cut = bpe.decode(new int[] {bpe.encode("日")[0]});
        assertTrue(cut.contains("\uFFFD"), cut); // one byte of a three-byte character
        assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {bpe.vocabSize()}));
    }

    @Test
    void bpeWithoutEndOfTextIsRefused() throws IOException {
        String json = Files.readString(fixture.resolve("tokenizer.json"), StandardCharsets.UTF_8)
                .replace("<|endoftext|>", "<|end|>");
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> HfTokenizer.load(file));
        assertTrue(e.getMessage().contains("no end-of-text token"), e.getMessage());
    }

    // ------------------------------------------------------------------ choosing one

    @Test
    void loadPicksBpeWhenTokenizerJsonIsPresent() throws IOException {
        Tokenizer t = Tokenizers.load(fixture);
        try {
            assertInstanceOf(HfTokenizer.class, t);
            assertArrayEquals(bpe.encode("hello world"), t.encode("hello world"));
        } finally {
            ((HfTokenizer) t).close();
        }
        Path copy = tmp.resolve("copied");
        bpe.save(copy);
        assertEquals(Files.readString(fixture.resolve("tokenizer.json")), Files.readString(copy.resolve("tokenizer.json")));
        try (HfTokenizer again = (HfTokenizer) Tokenizers.load(copy)) {
            assertEquals(bpe.eosId(), again.eosId());
        }
    }

    @Test
    void loadPicksBytesFromTheirMarkerAndRefusesAnEmptyDirectory() throws IOException {
        Path dir = tmp.resolve("bytes");
        new ByteTokenizer().save(dir);
        assertTrue(Files.exists(dir.resolve(ByteTokenizer.MARKER_FILE)));
        assertInstanceOf(ByteTokenizer.class, Tokenizers.load(dir));

        Files.writeString(dir.resolve(ByteTokenizer.MARKER_FILE), "{\"type\":\"bytes\",\"vocab_size\":300,\"eos_token_id\":256}");
        IOException wrong = assertThrows(IOException.class, () -> Tokenizers.load(dir));
        assertTrue(wrong.getMessage().contains(ByteTokenizer.MARKER_FILE), wrong.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IOException none = assertThrows(IOException.class, () -> Tokenizers.load(empty));
        assertTrue(none.getMessage().contains("no tokenizer found"), none.getMessage());
    }
}
