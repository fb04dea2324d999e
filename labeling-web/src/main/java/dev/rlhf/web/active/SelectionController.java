package dev.rlhf.web.active;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A selected batch's page (how it was chosen, the pool's and the batch's mean disagreement, every chosen comparison
 * with its disagreement) and the same as JSON for export. Researchers and admins; 404 for a batch no run selected.
 */
@Controller
record SelectionController(SelectedComparisons selections) {
    @GetMapping("/research/batches/{id}/selection")
    String page(@PathVariable long id, Model model) {
        model.addAttribute("s", selection(id));
        model.addAttribute("rows", selections.rows(id));
        return "active/selection";
    }

    /** {@code {"selection": {…}, "comparisons": [{rank, comparisonId, post, …, disagreement, memberDeltas, labels}]}}. */
    @GetMapping("/api/batches/{id}/disagreements")
    @ResponseBody
    Map<String, Object> export(@PathVariable long id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("selection", selection(id));
        List<SelectedComparisons.Row> rows = selections.rows(id);
        body.put("comparisons", rows);
        return body;
    }

    private SelectedComparisons.Selection selection(long batchId) {
        return selections.ofBatch(batchId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "batch " + batchId + " was not selected by a SELECT_BATCH run"));
    }
}
