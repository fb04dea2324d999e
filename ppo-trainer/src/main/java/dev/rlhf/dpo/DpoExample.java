package dev.rlhf.dpo;

import dev.rlhf.lm.formats.TldrPrompt;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.reward.Preference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One preference pair as DPO reads it: the prompt's tokens, then the chosen and the rejected response, each
 * {@code " " + summary} and EOS (the layout of SFT and the reward model).
 */
public record DpoExample(String postId, int[] prompt, int[] chosen, int[] rejected) {

    public DpoExample {
        if (prompt.length == 0 || chosen.length == 0 || rejected.length == 0) {
            throw new IllegalArgumentException("post " + postId + ": prompt, chosen and rejected must each hold a token");
        }
    }

    /**
     * The pairs of {@code preferences}, the prompt fitted to the room the longer response leaves in {@code maxLength}
     * tokens. Only pairs are taken (build best-of-4 labels as their implied pairs); a preference of more than two
     * candidates is refused, naming its post.
     */
    public static List<DpoExample> of(List<Preference> preferences, Tokenizer tokenizer, int maxLength) {
        List<DpoExample> out = new ArrayList<>(preferences.size());
        for (Preference p : preferences) {
            if (p.size() != 2) {
                throw new IllegalArgumentException("post " + p.postId() + ": DPO takes pairs, this preference has "
                        + p.size() + " candidates (build best-of-N labels as their implied pairs)");
            }
            int[] chosen = response(p.candidates().get(p.chosen()), tokenizer);
            int[] rejected = response(p.candidates().get(1 - p.chosen()), tokenizer);
            int longest = Math.max(chosen.length, rejected.length);
            int[] prompt = TldrPrompt.encode(p.prompt(), tokenizer, maxLength - longest,
                    "post " + p.postId() + " (response of " + longest + " tokens with EOS, maxLength " + maxLength + ")");
            out.add(new DpoExample(p.postId(), prompt, chosen, rejected));
        }
        return out;
    }

    /** " " + summary, then EOS. */
    private static int[] response(String summary, Tokenizer tokenizer) {
        int[] s = tokenizer.encode(" " + summary);
        int[] r = Arrays.copyOf(s, s.length + 1);
        r[s.length] = tokenizer.eosId();
        return r;
    }

    /** The longest sequence, prompt + response. */
    public int length() {
        return prompt.length + Math.max(chosen.length, rejected.length);
    }
}
