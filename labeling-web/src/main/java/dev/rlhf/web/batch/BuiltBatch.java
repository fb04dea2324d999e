package dev.rlhf.web.batch;

import java.util.List;

/** The result of building a batch: its id, how many real and gold comparisons it got, and the posts skipped (why). */
public record BuiltBatch(long id, String name, int comparisons, int gold, List<String> skipped) {
}
