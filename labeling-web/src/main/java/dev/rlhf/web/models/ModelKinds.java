package dev.rlhf.web.models;

import java.util.Set;

/** The values of {@code models.kind}: what a registered model is. */
public final class ModelKinds {
    public static final String SFT = "SFT";
    public static final String REWARD_MODEL = "REWARD_MODEL";
    public static final String POLICY = "POLICY";
    /** The models that generate summaries: an SFT model or a PPO policy. */
    public static final Set<String> POLICIES = Set.of(SFT, POLICY);

    private ModelKinds() {}
}
