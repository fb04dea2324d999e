package dev.rlhf.web.runs;

import dev.rlhf.web.snapshots.PromptSet;

import jakarta.validation.constraints.Positive;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The prompt set of a PPO run (the hyperparameters are {@code PpoConfig}'s, checked by that record; the policy and the
 * reward model are ids of the registry).
 */
public record PpoSpec(@Positive(message = "must be positive") int maxPosts, String promptSplit, String promptSubreddit)
        implements RunSpec {

    public static PpoSpec defaults() {
        return new PpoSpec(1000, PromptSet.ANY, "");
    }

    @Override
    public Map<String, String> crossFieldErrors() {
        return PromptSet.errors(promptSplit, promptSubreddit);
    }

    /**
     * The form fields of a run that samples a policy against a reward model (PPO, RLOO): the name, the policy and the
     * reward model, this prompt set, then the fields of the trainer's {@code config}.
     */
    static List<FormField> formFields(Record config) {
        List<FormField> f = new ArrayList<>(List.of(FormField.of("name", ""), FormField.of("baseModelId", ""),
                FormField.of("rewardModelId", "")));
        f.addAll(SpecBinder.fields(defaults()));
        f.addAll(SpecBinder.fields(config));
        return f;
    }

    public PromptSet promptSet() {
        return new PromptSet(promptSplit, promptSubreddit, maxPosts);
    }
}
