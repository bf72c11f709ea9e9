package dev.cognigyops.trainingmonitor;

import java.time.Instant;
import java.util.List;

/** One well-formed answer of {@code GET …/ai/train/{jobId}/status} (seed 002's {@code JobStatusResponse}). */
public record JobStatus(String jobId, TrainingState state, double progressPercent, List<Metric> metrics,
                        double cpuUsage, double memoryUsage, Double gpuMemoryUsed,
                        Instant startedAt, Instant completedAt) {

    /** One metric entry: {@code {timestamp, metric_name, value, unit}}. */
    public record Metric(Instant timestamp, String name, double value, String unit) {
    }

    public JobStatus {
        metrics = List.copyOf(metrics);
    }
}
