package dev.rlhf.web.active;

import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A SELECT_BATCH run's config ({@code runs.config}): the ensemble (registered reward models), the candidate pool
 * (posts and summary sources), how many pairs, how to choose them, and the new batch's name and options.
 */
public record SelectBatchSpec(String batchName, List<Long> members, List<String> posts, List<String> sources,
                              int batchSize, SelectionMethod method, DisagreementMeasure measure, long seed,
                              int overlapK, boolean tiesAllowed, BigDecimal goldRate, int priority) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The batch options as the batch builder takes them (pairwise; posts and sources are the pool's, not its). */
    public BatchSpec batchOptions() {
        return new BatchSpec(batchName, BatchMode.PAIRWISE, overlapK, tiesAllowed, goldRate, priority, null, null);
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("batchName", batchName);
        members.forEach(o.putArray("members")::add);
        posts.forEach(o.putArray("posts")::add);
        sources.forEach(o.putArray("sources")::add);
        o.put("batchSize", batchSize);
        o.put("method", method.name());
        o.put("measure", measure.name());
        o.put("seed", seed);
        o.put("mode", BatchMode.PAIRWISE.name());
        o.put("overlapK", overlapK);
        o.put("tiesAllowed", tiesAllowed);
        o.put("goldRate", goldRate.toPlainString());
        o.put("priority", priority);
        return JSON.writeValueAsString(o);
    }

    public static SelectBatchSpec fromJson(JsonNode c) {
        List<Long> members = new ArrayList<>();
        c.path("members").forEach(m -> members.add(m.asLong()));
        List<String> posts = new ArrayList<>();
        c.path("posts").forEach(p -> posts.add(p.asString()));
        List<String> sources = new ArrayList<>();
        c.path("sources").forEach(s -> sources.add(s.asString()));
        return new SelectBatchSpec(c.path("batchName").asString(), members, posts, sources, c.path("batchSize").asInt(),
                SelectionMethod.valueOf(c.path("method").asString(SelectionMethod.DISAGREEMENT.name())),
                DisagreementMeasure.valueOf(c.path("measure").asString(DisagreementMeasure.STD_PROBABILITY.name())),
                c.path("seed").asLong(0), c.path("overlapK").asInt(1), c.path("tiesAllowed").asBoolean(false),
                new BigDecimal(c.path("goldRate").asString("0")), c.path("priority").asInt(0));
    }
}
