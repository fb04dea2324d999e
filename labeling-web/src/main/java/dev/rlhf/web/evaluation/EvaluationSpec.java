package dev.rlhf.web.evaluation;

import dev.rlhf.lm.SamplingConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inputs of a human-evaluation run ({@code runs.config} of an EVALUATION run): the policy, its opponent (another
 * policy, or the posts' reference summaries when {@code opponentModelId} is null), an optional reward model, how many
 * held-out posts, the overlap K and ties of the batch, and {@link SamplingConfig}'s settings. {@link #errors()} names
 * every impossible field; which models exist and what kind they are is checked against the registry by
 * {@link EvaluationRunType}.
 */
public record EvaluationSpec(Long policyModelId, Long opponentModelId, Long rewardModelId, int postCount, int overlapK,
                             boolean tiesAllowed, double temperature, double topP, int topK, int maxNewTokens,
                             long seed) {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int MAX_POSTS = 5000;
    static final int MAX_NEW_TOKENS = 512;

    public static EvaluationSpec defaults() {
        return new EvaluationSpec(null, null, null, 50, 3, true, 0.7, 1.0, 0, 48, 0);
    }

    public Map<String, String> errors() {
        Map<String, String> e = new LinkedHashMap<>();
        if (policyModelId == null) e.put("baseModelId", "is required: the policy to evaluate (an SFT or POLICY model)");
        if (opponentModelId != null && opponentModelId.equals(policyModelId)) {
            e.put("opponentModelId", "must differ from the policy (leave it empty for the reference summaries)");
        }
        if (postCount < 1 || postCount > MAX_POSTS) e.put("postCount", "must be between 1 and " + MAX_POSTS);
        if (overlapK < 1 || overlapK > 20) e.put("overlapK", "must be between 1 and 20");
        if (!(temperature >= 0) || Double.isInfinite(temperature)) e.put("temperature", "must be ≥ 0 (0 is greedy)");
        if (!(topP > 0 && topP <= 1)) e.put("topP", "must be in (0, 1]");
        if (topK < 0) e.put("topK", "must be ≥ 0 (0 keeps every token)");
        if (maxNewTokens < 1 || maxNewTokens > MAX_NEW_TOKENS) e.put("maxNewTokens", "must be between 1 and " + MAX_NEW_TOKENS);
        return e;
    }

    public SamplingConfig sampling() {
        return new SamplingConfig(maxNewTokens, temperature, topK, topP, seed);
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("policyModelId", policyModelId);
        if (opponentModelId != null) n.put("opponentModelId", opponentModelId);
        if (rewardModelId != null) n.put("rewardModelId", rewardModelId);
        n.put("postCount", postCount);
        n.put("overlapK", overlapK);
        n.put("tiesAllowed", tiesAllowed);
        n.put("temperature", temperature);
        n.put("topP", topP);
        n.put("topK", topK);
        n.put("maxNewTokens", maxNewTokens);
        n.put("seed", seed);
        return n;
    }

    public static EvaluationSpec fromJson(JsonNode n) {
        EvaluationSpec d = defaults();
        return new EvaluationSpec(id(n.path("policyModelId")), id(n.path("opponentModelId")), id(n.path("rewardModelId")),
                n.path("postCount").asInt(d.postCount()), n.path("overlapK").asInt(d.overlapK()),
                n.path("tiesAllowed").asBoolean(d.tiesAllowed()), n.path("temperature").asDouble(d.temperature()),
                n.path("topP").asDouble(d.topP()), n.path("topK").asInt(d.topK()),
                n.path("maxNewTokens").asInt(d.maxNewTokens()), n.path("seed").asLong(d.seed()));
    }

    private static Long id(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asLong();
    }
}
