package dev.rlhf.web.runs;

import java.time.Duration;
import java.time.Instant;

/** A run as the pages and the JSON API show it: its row plus elapsed time and an ETA from the steps done so far. */
public record RunView(long id, String name, String kind, String state, String config, Long baseModelId,
                      Long outputModelId, String workerId, int attempts, int maxAttempts, String error, String log,
                      String checkpointPath, String device, int step, Integer totalSteps, Instant createdAt,
                      Instant startedAt, Instant finishedAt, Long elapsedSeconds, Long etaSeconds,
                      Long launchedFrom) {

    public static RunView of(Run r, Instant now) {
        Long elapsed = null, eta = null;
        if (r.startedAt() != null) {
            Instant end = r.finishedAt() != null ? r.finishedAt() : now;
            elapsed = Duration.between(r.startedAt(), end).toSeconds();
            if (r.state() == RunState.RUNNING && r.step() > 0 && r.totalSteps() != null && r.totalSteps() >= r.step()) {
                eta = Math.round((double) elapsed / r.step() * (r.totalSteps() - r.step()));
            }
        }
        return new RunView(r.id(), r.name(), r.kind(), r.state().name(), r.config(), r.baseModelId(), r.outputModelId(),
                r.workerId(), r.attempts(), r.maxAttempts(), r.error(), r.log(), r.checkpointPath(), r.device(), r.step(),
                r.totalSteps(), r.createdAt(), r.startedAt(), r.finishedAt(), elapsed, eta, r.launchedFrom());
    }

    public static String duration(Long seconds) {
        if (seconds == null) return "–";
        return seconds >= 3600 ? String.format("%dh %02dm", seconds / 3600, seconds % 3600 / 60)
                : String.format("%dm %02ds", seconds / 60, seconds % 60);
    }
}
