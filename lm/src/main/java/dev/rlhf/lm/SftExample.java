package dev.rlhf.lm;

/** One supervised example: the model reads {@code prompt} and learns to continue it with {@code completion}. */
public record SftExample(int[] prompt, int[] completion) {

    public SftExample {
        if (prompt.length == 0) throw new IllegalArgumentException("prompt must hold at least one token");
        if (completion.length == 0) throw new IllegalArgumentException("completion must hold at least one token");
    }
}
