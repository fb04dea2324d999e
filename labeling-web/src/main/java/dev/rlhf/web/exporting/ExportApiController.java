package dev.rlhf.web.exporting;

import dev.rlhf.web.api.ApiProblem;
import dev.rlhf.web.importing.ImportLimits;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.time.LocalDate;

/**
 * Label exports as jsonl downloads, streamed: {@code /api/exports/comparisons} (summarize-from-feedback) and
 * {@code /api/exports/pairs} ({@code prompt, chosen, rejected}), filtered by batch, split, labeler (pseudonym)
 * and label date ({@code from}, {@code to}, ISO dates, inclusive).
 */
@RestController
@RequestMapping("/api/exports")
record ExportApiController(LabelExporter exporter) {
    static final MediaType JSONL = MediaType.parseMediaType("application/jsonl");

    @GetMapping("/{format}")
    ResponseEntity<StreamingResponseBody> export(@PathVariable String format,
                                                 @RequestParam(required = false) String batch,
                                                 @RequestParam(required = false) String split,
                                                 @RequestParam(required = false) String labeler,
                                                 @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                 @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        ExportFormat exportFormat = ExportFormat.named(format).orElseThrow(() ->
                ApiProblem.notFound("format", "export format must be 'comparisons' or 'pairs', got '" + format + "'"));
        if (split != null && !split.isBlank() && !ImportLimits.SPLITS.contains(split)) {
            throw ApiProblem.badField("split", "split must be one of " + ImportLimits.SPLITS.stream().sorted().toList());
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw ApiProblem.badField("to", "'to' is before 'from'");
        }
        ExportFilter filter = new ExportFilter(blankToNull(batch), blankToNull(split), blankToNull(labeler), from, to);
        StreamingResponseBody body = out -> exporter.export(exportFormat, filter, out);
        return ResponseEntity.ok()
                .contentType(JSONL)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + format + ".jsonl\"")
                .body(body);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
