package dev.rlhf.web.models;

import dev.rlhf.web.snapshots.DataCards;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.snapshots.SnapshotStatistics;
import dev.rlhf.web.snapshots.SnapshotStatisticsQuery;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The model registry page, model cards as Markdown, and the data card of each label snapshot (page and Markdown). */
@Controller
record ModelRegistryController(ModelRegistry registry, LabelSnapshots snapshots, ModelCards cards, ModelLineage lineage, SnapshotStatisticsQuery statistics, ModelRegistration registration) {
    static final MediaType MARKDOWN = new MediaType("text", "markdown", StandardCharsets.UTF_8);

    /** One registry row: the model with its run, parent and snapshot (each null where there is none) and key metrics. */
    record Row(ModelRegistry.Model model, ModelRegistry.MadeBy run, ModelRegistry.Model parent, LabelSnapshots.Snapshot snapshot,
               Map<String, String> metrics) {}

    /**
     * The model page: the reward-model dashboard (the stored evaluation's numbers, tables and charts), the model's
     * lineage back to the root, and its generated model card.
     */
    @GetMapping("/research/models/{id}")
    String modelDashboard(@PathVariable long id, Model model) {
        ModelRegistry.Model m = registry.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        LabelSnapshots.Snapshot snapshot = m.snapshotId() == null ? null
                : snapshots.all().stream().filter(s -> s.id() == m.snapshotId()).findFirst().orElse(null);
        model.addAttribute("d", RewardModelDashboard.of(m, snapshot));
        model.addAttribute("size", RewardModelDashboard.SIZE);
        model.addAttribute("pad", RewardModelDashboard.PAD);
        model.addAttribute("lineage", lineage.of(m));
        model.addAttribute("card", cards.of(m));
        return "runs/model";
    }

    @GetMapping("/research/models")
    String registry(Model model) {
        List<ModelRegistry.Model> all = registry.all();
        Map<Long, ModelRegistry.Model> byId = all.stream().collect(Collectors.toMap(ModelRegistry.Model::id, Function.identity()));
        Map<Long, LabelSnapshots.Snapshot> snapshotsById = snapshots.all().stream()
                .collect(Collectors.toMap(LabelSnapshots.Snapshot::id, Function.identity()));
        model.addAttribute("rows", all.stream().map(m -> new Row(m,
                m.runId() == null ? null : registry.madeBy(m.runId()).orElse(null),
                m.parentModelId() == null ? null : byId.get(m.parentModelId()),
                m.snapshotId() == null ? null : snapshotsById.get(m.snapshotId()),
                ModelCards.keyMetrics(m.metrics()))).toList());
        model.addAttribute("kinds", ModelRegistration.KINDS);
        model.addAttribute("modelsDir", registration.modelsDir());
        return "runs/models";
    }

    @GetMapping("/research/models/{id}/card.md")
    ResponseEntity<String> modelCard(@PathVariable long id) {
        ModelRegistry.Model m = registry.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no model " + id));
        return markdown(cards.of(m).markdown(), "model-" + id + "-card.md");
    }

    @GetMapping("/research/snapshots/{id}")
    String dataCard(@PathVariable long id, Model model) {
        SnapshotStatistics st = statistics.of(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no snapshot " + id));
        model.addAttribute("snapshot", st.snapshot());
        model.addAttribute("card", DataCards.of(st));
        model.addAttribute("models", registry.all().stream().filter(m -> m.snapshotId() != null && m.snapshotId() == id).toList());
        return "runs/snapshot";
    }

    @GetMapping("/research/snapshots/{id}/card.md")
    ResponseEntity<String> dataCardMarkdown(@PathVariable long id) {
        SnapshotStatistics st = statistics.of(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no snapshot " + id));
        return markdown(DataCards.of(st).markdown(), "snapshot-" + id + "-data-card.md");
    }

    private static ResponseEntity<String> markdown(String text, String filename) {
        return ResponseEntity.ok().contentType(MARKDOWN)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
                .body(text);
    }
}
