package dev.rlhf.web.runs;

/**
 * One field of a run form: its name (the form parameter, the API's JSON key and the config's key), its default as
 * the form shows it (empty: the kind fills it in, e.g. from the chosen trunk), and a line of help (null when the name
 * says enough).
 */
public record FormField(String name, String defaultValue, String help) {
    public static FormField of(String name, Object defaultValue) {
        return new FormField(name, defaultValue == null ? "" : String.valueOf(defaultValue), null);
    }

    public FormField help(String text) {
        return new FormField(name, defaultValue, text);
    }
}
