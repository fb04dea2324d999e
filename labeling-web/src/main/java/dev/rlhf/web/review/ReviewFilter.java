package dev.rlhf.web.review;

import dev.rlhf.web.labeling.LabelFlag;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** What the review page shows: optionally one batch, one labeler, one flag; the page (from 1). */
public record ReviewFilter(Long batchId, Long labelerId, String flag, int page) {
    public static final int PAGE_SIZE = 50;

    public ReviewFilter {
        if (flag != null && flag.isBlank()) {
            flag = null;
        }
        if (flag != null && !LabelFlag.codes().contains(flag)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "flag: unknown flag '" + flag + "'; one of " + LabelFlag.codes());
        }
        if (page < 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page: must be 1 or more, got " + page);
        }
    }

    int offset() {
        return (page - 1) * PAGE_SIZE;
    }
}
