package dev.rlhf.web.runs;

import java.time.Instant;

/** One row of {@code runs}, as the pages and the worker read it. */
public record Run(long id, String name, String kind, RunState state, String config, Long baseModelId,
                  Long snapshotId, Long outputModelId, String workerId, Instant heartbeatAt, Instant leaseExpiresAt,
                  int attempts, int maxAttempts, String error, String log, String checkpointPath, Instant createdAt,
                  Instant startedAt, Instant finishedAt, String device, int step, Integer totalSteps, Long launchedFrom) {
}
