package dev.rlhf.lm.formats;

import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one rule for a too-long TL;DR prompt: the body loses its last words; header, cue and summary stay. */
class TldrPromptTest {

    static final ByteTokenizer BYTES = new ByteTokenizer();
    static final TldrPost LONG = new TldrPost("p1", "cats", "My cat", "one two three four five six seven eight nine ten", "a cat");

    @Test
    void aPromptThatFitsIsLeftAlone() {
        String prompt = LONG.prompt();
        assertArrayEquals(BYTES.encode(prompt), TldrPrompt.encode(prompt, BYTES, prompt.length(), "post p1"));
    }

    @Test
    void theBodyLosesWholeWordsFromItsEnd() {
        String prompt = LONG.prompt();                              // 94 bytes: header 38, body 49, cue 7
        int[] ids = TldrPrompt.encode(prompt, BYTES, 70, "post p1");
        String text = BYTES.decode(ids);
        assertTrue(ids.length <= 70, text);
        assertTrue(text.startsWith("SUBREDDIT: r/cats\nTITLE: My cat\nPOST: one two"), text);
        assertTrue(text.endsWith("\nTL;DR:"), text);
        String body = text.substring(text.indexOf("POST: ") + 6, text.lastIndexOf("\nTL;DR:"));
        assertTrue(LONG.post().startsWith(body + " "), "a prefix of whole words: '" + body + "'");
        assertEquals("one two three four five", body, "as many words as fit in 70 − 45 = 25 bytes");
    }

    @Test
    void onlyTheHeaderAndCueThatDoNotFitAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TldrPrompt.encode(LONG.prompt(), BYTES, 30, "post p1"));
        assertTrue(e.getMessage().contains("post p1") && e.getMessage().contains("header"), e.getMessage());
        // an empty body is still a prompt
        String text = BYTES.decode(TldrPrompt.encode(LONG.prompt(), BYTES, 45, "post p1"));
        assertEquals("SUBREDDIT: r/cats\nTITLE: My cat\nPOST: \nTL;DR:", text);
    }

    @Test
    void sftKeepsTheWholeSummaryAndFitsThePrompt() {
        SftExample e = SftExample.ofPost(LONG, BYTES, 60);
        int[] summary = BYTES.encode(" a cat");
        int[] expected = Arrays.copyOf(summary, summary.length + 1);
        expected[summary.length] = ByteTokenizer.EOS_ID;
        assertArrayEquals(expected, e.completion());
        assertArrayEquals(TldrPrompt.encode(LONG.prompt(), BYTES, 61 - expected.length, "post p1"), e.prompt(),
                "the prompt gets the room n_positions + 1 − (summary + EOS)");
        assertEquals("SUBREDDIT: r/cats\nTITLE: My cat\nPOST: one two\nTL;DR:", BYTES.decode(e.prompt()));
        assertTrue(BYTES.decode(e.prompt()).startsWith("SUBREDDIT: r/cats\nTITLE: My cat\nPOST: "));
    }

    @Test
    void aTokenizerWhosePostProcessorAddsBosStartsEveryPromptWithItWithinTheBudget() throws Exception {
        dev.rlhf.lm.tokenizer.Tokenizer llama = dev.rlhf.lm.tokenizer.Tokenizers.load(
                java.nio.file.Path.of("src/test/resources/hf-tiny-families/llama"));
        TldrPost post = new TldrPost("p", "test", "A title", "one two three four five six seven eight nine ten", "sum");
        int[] whole = TldrPrompt.encode(post.prompt(), llama, 10_000, "post p");
        int bos = llama.encodeWithSpecialTokens("x")[0];
        assertEquals(bos, whole[0], "BOS first, as transformers' tokenizer(text) gives it");
        assertArrayEquals(llama.encodeWithSpecialTokens(post.prompt()), whole);
        int[] cut = TldrPrompt.encode(post.prompt(), llama, whole.length - 3, "post p");
        assertEquals(bos, cut[0]);
        assertTrue(cut.length <= whole.length - 3, "BOS counts towards the budget: " + cut.length);
    }
}
