package dev.rlhf.web.labeling;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Why a labeler skips a comparison; stored in {@code skips.reason} by {@link #code()}. */
public enum SkipReason {
    CANNOT_JUDGE("Can't judge / needs expertise"),
    BROKEN_OUTPUT("Broken or empty output"),
    OFFENSIVE("Offensive content I won't rate"),
    OTHER("Other (say why below)");

    private final String description;

    SkipReason(String description) {
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
        return Arrays.stream(values()).map(SkipReason::code).toList();
    }

    /** The reason of a code; refused naming {@code reason} when it is missing or unknown. */
    static SkipReason of(String code) {
        if (code == null || code.isBlank()) {
            throw LabelingException.badField("reason", "reason is required: one of " + codes());
        }
        return Arrays.stream(values()).filter(r -> r.code().equals(code)).findFirst()
                .orElseThrow(() -> LabelingException.badField("reason", "unknown reason '" + code + "'; one of " + codes()));
    }
}
