package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When a training job is cancelled (seed 002, corrected): CPU or memory use above its threshold
 * while the job is not finished, or no progress change for {@code maxStagnationSeconds} while it is
 * RUNNING — measured from the last progress change (or from when it started running), not from the
 * job's start.
 */
public record CancellationPolicy(long maxStagnationSeconds, double maxCpuThreshold, double maxMemoryThreshold,
                                 boolean enableAutoCancel) {

    public static final CancellationPolicy DEFAULT = new CancellationPolicy(300, 95, 90, true);

    /** A breach: a short reason ({@code cpu_threshold_exceeded}, …), a sentence, and the values that broke it. */
    public record Breach(String reason, String message, Map<String, Object> values) {
    }

    /**
     * @param status              the latest answer
     * @param progressChangedAt   when the progress last changed while RUNNING (or the job was first seen running)
     * @param now                 the time of the answer
     */
    public Optional<Breach> evaluate(JobStatus status, Instant progressChangedAt, Instant now) {
        if (status.state().isTerminal()) {
            return Optional.empty();
        }
        if (status.cpuUsage() > maxCpuThreshold) {
            return Optional.of(new Breach("cpu_threshold_exceeded",
                    "CPU use " + status.cpuUsage() + "% is above the threshold of " + maxCpuThreshold + "%",
                    values("cpu_usage", status.cpuUsage(), "max_cpu_threshold", maxCpuThreshold, status)));
        }
        if (status.memoryUsage() > maxMemoryThreshold) {
            return Optional.of(new Breach("memory_threshold_exceeded",
                    "memory use " + status.memoryUsage() + "% is above the threshold of " + maxMemoryThreshold + "%",
                    values("memory_usage", status.memoryUsage(), "max_memory_threshold", maxMemoryThreshold, status)));
        }
        if (status.state() == TrainingState.RUNNING && progressChangedAt != null) {
            long stalled = Duration.between(progressChangedAt, now).toSeconds();
            if (stalled >= maxStagnationSeconds) {
                return Optional.of(new Breach("progress_stagnated",
                        "progress has stayed at " + status.progressPercent() + "% for " + stalled
                                + " s (limit " + maxStagnationSeconds + " s)",
                        values("stagnant_seconds", stalled, "max_stagnation_seconds", maxStagnationSeconds, status)));
            }
        }
        return Optional.empty();
    }

    private static Map<String, Object> values(String k1, Object v1, String k2, Object v2, JobStatus s) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(k1, v1);
        values.put(k2, v2);
        values.put("state", s.state().name());
        values.put("progress_percent", s.progressPercent());
        values.put("cpu_usage", s.cpuUsage());
        values.put("memory_usage", s.memoryUsage());
        return values;
    }
}
