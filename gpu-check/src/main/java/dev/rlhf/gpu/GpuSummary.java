package dev.rlhf.gpu;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folds the phases the script ran (a tab-separated file: phase, status, seconds, note), the correctness checks and
 * the benchmark files into one {@code summary.json}.
 * <pre>
 *   GpuCheck summary --mode gpu|cpu --phases FILE --correctness FILE --bench FILE[,FILE] --out FILE
 * </pre>
 * {@code all_passed} holds when no phase failed or ran out of time and every correctness check passed; a check may
 * be skipped only where the script names why (the transformers comparison, when transformers is not importable).
 */
final class GpuSummary {

    private GpuSummary() {}

    static void run(Map<String, String> o) throws IOException {
        JsonObject s = new JsonObject();
        s.addProperty("mode", o.getOrDefault("mode", "gpu"));
        JsonArray phases = new JsonArray();
        boolean phasesOk = true;
        Path pf = Path.of(o.getOrDefault("phases", "phases.tsv"));
        if (Files.isRegularFile(pf)) {
            for (String line : Files.readAllLines(pf, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f.length < 3) continue;
                JsonObject p = new JsonObject();
                p.addProperty("phase", f[0]);
                p.addProperty("status", f[1]);
                p.addProperty("seconds", Double.parseDouble(f[2]));
                if (f.length > 3 && !f[3].isEmpty()) p.addProperty("note", f[3]);
                if (f[1].equals("failed") || f[1].equals("timeout")) phasesOk = false;
                phases.add(p);
            }
        } else {
            phasesOk = false;
        }
        s.add("phases", phases);
        boolean checksOk = false;
        List<String> failed = new ArrayList<>();
        Path cf = Path.of(o.getOrDefault("correctness", "correctness.json"));
        if (Files.isRegularFile(cf)) {
            JsonArray checks = JsonParser.parseString(Files.readString(cf)).getAsJsonArray();
            checksOk = checks.size() > 0;
            for (JsonElement e : checks) {
                JsonObject c = e.getAsJsonObject();
                String status = c.get("status").getAsString();
                boolean allowedSkip = status.equals("skipped") && c.has("reason") && !c.get("reason").getAsString().isBlank();
                if (!status.equals("pass") && !allowedSkip) {
                    checksOk = false;
                    failed.add(c.get("check").getAsString());
                }
            }
            s.add("checks", checks);
        } else {
            failed.add("correctness (no " + cf.getFileName() + ")");
        }
        JsonObject bench = new JsonObject();
        for (String b : o.getOrDefault("bench", "").split(",")) {
            if (b.isBlank()) continue;
            Path bp = Path.of(b);
            if (!Files.isRegularFile(bp)) continue;
            JsonObject j = JsonParser.parseString(Files.readString(bp)).getAsJsonObject();
            String size = j.getAsJsonObject("ours").get("size").getAsString();
            JsonObject brief = new JsonObject();
            if (j.has("ours_over_torch")) brief.add("ours_over_torch", j.get("ours_over_torch"));
            brief.add("ours", j.get("ours"));
            bench.add(size, brief);
        }
        s.add("bench", bench);
        s.addProperty("checks_passed", checksOk);
        s.addProperty("phases_ok", phasesOk);
        s.addProperty("all_passed", checksOk && phasesOk);
        if (!failed.isEmpty()) s.add("failed_checks", GpuCheck.GSON.toJsonTree(failed));
        String json = new com.google.gson.GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(s);
        Files.writeString(Path.of(o.getOrDefault("out", "summary.json")), json + "\n", StandardCharsets.UTF_8);
        System.out.println("checks passed: " + checksOk + "; phases ok: " + phasesOk + "; all passed: " + (checksOk && phasesOk)
                + (failed.isEmpty() ? "" : "; failed: " + failed));
    }
}
