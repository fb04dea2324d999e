package dev.rlhf.ppo.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of the policy trainers ({@code ppo}, {@code rloo}, {@code dpo}): {@code --name value} pairs (the
 * names in kebab-case or camelCase, kept in camelCase), {@code --fresh} (ignore the checkpoints in {@code --out}) and
 * {@code --help}.
 *
 * @param values name (camelCase) → text, in the order given; {@link #require} takes the inputs out, the rest are the
 *               config's fields
 */
record TrainerOptions(Map<String, String> values, boolean fresh, boolean help) {

    static TrainerOptions parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean fresh = false, help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--fresh")) {
                fresh = true;
            } else if (a.equals("--help") || a.equals("-h")) {
                help = true;
            } else {
                if (!a.startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --name value at \"" + a + "\"");
                values.put(camel(a.substring(2)), args[++i]);
            }
        }
        return new TrainerOptions(values, fresh, help);
    }

    /** Removes and returns the input {@code name}; refused, in kebab-case, when it is missing. */
    String require(String name) {
        String v = values.remove(name);
        if (v == null) throw new IllegalArgumentException("--" + kebab(name) + " is required");
        return v;
    }

    static String camel(String s) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : s.toCharArray()) {
            if (c == '-') up = true;
            else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    static String kebab(String s) {
        return s.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }
}
