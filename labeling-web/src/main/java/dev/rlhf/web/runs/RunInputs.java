package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;

import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What every run form shares: the checks of the run's name, a model of the registry, a label snapshot and a prompt
 * set with posts; reading the spec ({@link SpecBinder}); queueing the run.
 */
@Component
public record RunInputs(ModelRegistry registry, LabelSnapshots snapshots, PromptSets promptSets, SpecBinder binder,
                        RunQueue queue) {
    public <R extends Record & RunSpec> SpecBinder.Bound<R> spec(Class<R> type, R defaults, Map<String, String> values) {
        return binder.bind(type, defaults, values);
    }

    /**
     * Checks and queues a run of a policy trainer against a reward model (PPO, RLOO): the policy in {@code baseModelId}
     * and the reward model in {@code rewardModelId}, both registered with their kinds, {@link PpoSpec}'s prompt set
     * (which must hold posts) and the trainer's config record (its fields by name, {@code what} in messages), stored
     * as {@code {maxPosts, promptSplit, promptSubreddit, rewardModelId, KEY: {every config field}}}.
     */
    public RunLauncher.Result queueAgainstRewardModel(RunKind kind, Map<String, String> values, Record defaults, String what,
                                                      String key, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = name(values, errors);
        Long policy = requiredModel(values, "baseModelId", ModelKinds.POLICIES, ": the policy to start from (an SFT model)", errors);
        Long rewardModel = requiredModel(values, "rewardModelId", Set.of(ModelKinds.REWARD_MODEL), "", errors);
        SpecBinder.Bound<PpoSpec> spec = spec(PpoSpec.class, PpoSpec.defaults(), values);
        spec.errors().forEach(errors::putIfAbsent);
        if (spec.ok()) promptSetHasPosts(spec.spec().promptSet(), errors);
        Record config = ConfigForm.bind(defaults, values, errors, what);
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        ObjectNode stored = SpecBinder.toJson(spec.spec());
        stored.put("rewardModelId", rewardModel);
        stored.set(key, SpecBinder.toJson(config));
        return queue(name, kind, stored.toString(), policy, null, userId);
    }

    /** Queues one run with {@code config} (JSON) as its config. */
    public RunLauncher.Result queue(String name, RunKind kind, String config, Long baseModelId, Long snapshotId, Long userId) {
        return RunLauncher.Result.queued(enqueue(name, kind, config, baseModelId, snapshotId, userId));
    }

    /** Queues one run and returns its id (for a form that queues several in one transaction). */
    public long enqueue(String name, RunKind kind, String config, Long baseModelId, Long snapshotId, Long userId) {
        return queue.enqueue(name, kind, config, baseModelId, snapshotId, userId);
    }

    /** The run's name: required, at most 100 characters. */
    public static String name(Map<String, String> values, Map<String, String> errors) {
        String name = FormValues.text(values, "name");
        if (name.isEmpty()) errors.put("name", "is required");
        else if (name.length() > 100) errors.put("name", "must be at most 100 characters");
        return name;
    }

    /**
     * The model id in {@code field} (null when empty), refused when it is not a number, not in the registry, or (where
     * {@code kinds} is not empty) of another kind.
     */
    public Long model(Map<String, String> values, String field, Set<String> kinds, Map<String, String> errors) {
        String v = FormValues.text(values, field);
        if (v.isEmpty()) return null;
        long id;
        try {
            id = Long.parseLong(v);
        } catch (NumberFormatException e) {
            errors.put(field, "must be a model id");
            return null;
        }
        var m = registry.find(id);
        if (m.isEmpty()) errors.put(field, "no model " + id + " in the registry");
        else if (!kinds.isEmpty() && !kinds.contains(m.get().kind())) {
            errors.put(field, "model " + id + " is " + m.get().kind() + ", not " + String.join(" or ", kinds.stream().sorted().toList()));
        }
        return id;
    }

    /** As {@link #model}, and an empty field is refused as {@code "is required" + why}. */
    public Long requiredModel(Map<String, String> values, String field, Set<String> kinds, String why, Map<String, String> errors) {
        Long id = model(values, field, kinds, errors);
        if (id == null && !errors.containsKey(field)) errors.put(field, "is required" + why);
        return id;
    }

    /** The required label snapshot in {@code snapshotId}. */
    public Long snapshot(Map<String, String> values, Map<String, String> errors) {
        String snap = FormValues.text(values, "snapshotId");
        if (snap.isEmpty()) {
            errors.put("snapshotId", "is required: freeze a label snapshot first");
            return null;
        }
        try {
            long id = Long.parseLong(snap);
            if (!snapshots.exists(id)) errors.put("snapshotId", "no label snapshot " + id);
            return id;
        } catch (NumberFormatException e) {
            errors.put("snapshotId", "must be a snapshot id");
            return null;
        }
    }

    /** A prompt set that holds no post is refused on {@code promptSplit}. */
    public void promptSetHasPosts(PromptSet set, Map<String, String> errors) {
        if (errors.containsKey("promptSplit") || errors.containsKey("promptSubreddit")) return;
        if (promptSets.isEmpty(set)) errors.put("promptSplit", "no post with a summary in this prompt set (" + set.describe() + ")");
    }
}
