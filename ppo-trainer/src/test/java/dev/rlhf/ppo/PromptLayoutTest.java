package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.SftBatch;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrPrompt;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.Preference;
import dev.rlhf.reward.SequenceEncoder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A post too long for the context is cut the same way wherever it is read: SFT, the reward model (one candidate or a
 * preference), PPO's prompts and sampling/evaluation (which tokenise prompts through {@link Prompts} and
 * {@link TldrPrompt} too) all keep the header, the TL;DR cue and the whole summary, and give the same prompt tokens
 * for the same room.
 */
class PromptLayoutTest {

    static final ByteTokenizer BYTES = new ByteTokenizer();

    @Test
    void aLongPostEncodesToTheSamePromptEverywhere() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 300; i++) body.append(i == 0 ? "" : " ").append("word").append(i);
        TldrPost post = new TldrPost("long1", "relationships", "Should I move?", body.toString(), "move in spring");
        int room = 100;                                           // prompt tokens everywhere
        int summary = BYTES.encode(post.completion()).length;    // " move in spring"

        int[] ppo = Prompts.tokenize(post, BYTES, room);
        String text = BYTES.decode(ppo);
        assertTrue(ppo.length <= room && ppo.length > room - 10, "the room is used: " + ppo.length);
        assertTrue(text.startsWith("SUBREDDIT: r/relationships\nTITLE: Should I move?\nPOST: word0 word1 "), text);
        String kept = text.substring(text.indexOf("POST: ") + 6, text.lastIndexOf("\nTL;DR:"));
        assertTrue(body.toString().startsWith(kept + " "), "whole words from the start of the body: " + kept);

        // SFT: n_positions + 1 = prompt room + summary + EOS
        SftExample sft = SftExample.ofPost(post, BYTES, room + summary);
        assertArrayEquals(ppo, sft.prompt(), "SFT prompt");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SftBatch batch = SftBatch.of(List.of(sft), room + summary, m);
            int[] inputs = batch.inputs().toIntArray();
            assertArrayEquals(ppo, Arrays.copyOf(inputs, ppo.length), "the batch reads the prompt unchanged");
            assertEquals(summary + 1, (long) batch.supervised(), "the whole summary and EOS are trained on");
        }

        // Reward model: maxLen = prompt room + summary + EOS; one candidate, and a preference whose longest summary
        // is this one
        SequenceEncoder encoder = new SequenceEncoder(BYTES, room + summary + 1);
        int[] rm = encoder.encode(post.prompt(), post.summary());
        assertArrayEquals(ppo, Arrays.copyOf(rm, ppo.length), "reward-model prompt");
        assertArrayEquals(BYTES.encode(post.completion()), Arrays.copyOfRange(rm, ppo.length, rm.length - 1), "whole summary");
        assertEquals(ByteTokenizer.EOS_ID, rm[rm.length - 1]);
        Preference pref = new Preference(post.id(), post.prompt(), List.of(post.summary(), "stay"), 0, 1, 0, "w", null, null);
        for (int[] seq : encoder.encode(pref)) assertArrayEquals(ppo, Arrays.copyOf(seq, ppo.length), "preference prompt");

        // sampling and evaluation take the same rule
        assertArrayEquals(ppo, TldrPrompt.encode(post.prompt(), BYTES, room, "post long1"));
    }
}
