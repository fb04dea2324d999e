package dev.rlhf.web.runs;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What a run form's field means, from {@code field-help.properties} beside this class: a field's shared line (its
 * name is the key), or a kind's own line ({@code KIND.field}) where the field means something of its own there.
 */
public final class FieldHelp {
    private FieldHelp() {}

    private static final Properties LINES = load();

    /** The shared help line of {@code name}, or null when the field means something different in each kind. */
    public static String of(String name) {
        return LINES.getProperty(name);
    }

    /** {@code kind}'s own line for {@code name}, or null when the kind shows the shared one. */
    public static String of(RunKind kind, String name) {
        return LINES.getProperty(kind.name() + "." + name);
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = FieldHelp.class.getResourceAsStream("field-help.properties")) {
            if (in == null) throw new IllegalStateException("field-help.properties is missing beside " + FieldHelp.class.getName());
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
