package dev.rlhf.web.labeling;

import java.util.Arrays;
import java.util.List;

/** Why a labeler flags a post; stored in {@code labels.flags} by {@link #code()}. */
public enum LabelFlag {
    UNSUITABLE("unsuitable", "Unsuitable for summarising"),
    OFFENSIVE("offensive", "Offensive content"),
    LOW_QUALITY("low_quality", "All summaries are unusable"),
    DUPLICATE("duplicate", "Duplicate post"),
    OTHER("other", "Other (say why in the note)");

    private final String code;
    private final String description;

    LabelFlag(String code, String description) {
        this.code = code;
        this.description = description;
    }

    public String code() {
        return code;
    }

    public String description() {
        return description;
    }

    public static List<String> codes() {
        return Arrays.stream(values()).map(LabelFlag::code).toList();
    }
}
