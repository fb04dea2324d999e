package dev.rlhf.web.labeling;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Why a labeler flags a post; stored in {@code labels.flags} by {@link #code()}. */
public enum LabelFlag {
    UNSUITABLE("Unsuitable for summarising"),
    OFFENSIVE("Offensive content"),
    LOW_QUALITY("All summaries are unusable"),
    DUPLICATE("Duplicate post"),
    OTHER("Other (say why in the note)");

    private final String description;

    LabelFlag(String description) {
        this.description = description;
    }

    /** The stored code: the constant's name in lower case. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }

    public static List<String> codes() {
        return Arrays.stream(values()).map(LabelFlag::code).toList();
    }
}
