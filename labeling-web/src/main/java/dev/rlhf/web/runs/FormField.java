package dev.rlhf.web.runs;

/**
 * One field of a run form: its name (the form parameter, the API's JSON key and the config's key), its default as
 * the form shows it (empty: the kind fills it in, e.g. from the chosen trunk), a line of help (what the field means;
 * {@link FieldHelp} has the shared lines, a kind may say more), and the group (the form's fieldset) it is shown in.
 */
public record FormField(String name, String defaultValue, String help, String group) {
    public static FormField of(String name, Object defaultValue) {
        return new FormField(name, defaultValue == null ? "" : String.valueOf(defaultValue), FieldHelp.of(name), null);
    }

    public FormField help(String text) {
        return new FormField(name, defaultValue, text, group);
    }

    public FormField in(String groupName) {
        return new FormField(name, defaultValue, help, groupName);
    }
}
