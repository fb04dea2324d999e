package dev.rlhf.web.models;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** How a run registers the model it trained: the registry row and the directory's {@code README.md}, both or neither. */
@Component
public class TrainedModels {
    private final ModelRegistry registry;
    private final ModelReadme readme;

    public TrainedModels(ModelRegistry registry, ModelReadme readme) {
        this.registry = registry;
        this.readme = readme;
    }

    /**
     * Registers a trained model and writes its card to {@code path/README.md}; a card that cannot be written rolls
     * the registry row back.
     */
    @Transactional
    public long register(String name, String kind, String path, Long parentModelId, Long runId, Long snapshotId,
                         String metricsJson) {
        long id = registry.register(name, kind, path, parentModelId, runId, snapshotId, metricsJson);
        readme.write(registry.find(id).orElseThrow());
        return id;
    }
}
