package dev.rlhf.lm.formats;

import com.google.gson.JsonObject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code {"prompt","chosen","rejected"}} preference-pair jsonl. A comparison of k summaries gives k − 1 pairs
 * (the chosen summary against each other one); the prompt is the TL;DR layout of {@link PostInfo#prompt()}.
 */
public final class PreferencePairs {

    private PreferencePairs() {
    }

    /** The implied pairs of one comparison: chosen ≻ every other summary; none for a tie. */
    public static List<PreferencePair> of(Comparison c) {
        return of(c.info().prompt(), c.summaries().stream().map(Summary::text).toList(), c.choice());
    }

    /** The implied pairs of a prompt's candidates {@code texts} of which {@code choice} was chosen (null: a tie). */
    public static List<PreferencePair> of(String prompt, List<String> texts, Integer choice) {
        List<PreferencePair> pairs = new ArrayList<>();
        if (choice == null) return pairs;
        for (int i = 0; i < texts.size(); i++) {
            if (i != choice) pairs.add(new PreferencePair(prompt, texts.get(choice), texts.get(i)));
        }
        return pairs;
    }

    /** One pair as its line's object: {@code {"prompt","chosen","rejected"}} (the web export adds its own fields). */
    public static JsonObject toJson(PreferencePair p) {
        JsonObject o = new JsonObject();
        o.addProperty("prompt", p.prompt());
        o.addProperty("chosen", p.chosen());
        o.addProperty("rejected", p.rejected());
        return o;
    }

    /** Writes the implied pairs of every comparison; returns the number of lines written. */
    public static long write(Path file, Iterable<Comparison> comparisons) throws IOException {
        long n = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Comparison c : comparisons) {
                for (PreferencePair p : of(c)) {
                    JsonLines.write(out, toJson(p));
                    n++;
                }
            }
        }
        return n;
    }

    /** Reads a pair jsonl (either TRL form); a line lacking a field is refused with its number. */
    public static List<PreferencePair> read(Path file) throws IOException {
        List<PreferencePair> pairs = new ArrayList<>();
        JsonLines.forEach(file, PreferencePairs::parse, pairs::add);
        return pairs;
    }

    /**
     * One line's object, in TRL's standard or conversational form ({@link TrlPreference}); {@code source} and
     * {@code lineNo} only name the place in errors.
     */
    public static PreferencePair parse(JsonObject o, String source, long lineNo) {
        return TrlPreference.parse(o, source, lineNo);
    }
}
