package dev.cognigyops.trainingmonitor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.cognigyops.cognigyv2.Task;

/**
 * training-monitor's policy on profile cognigy-v2 (docs/contract.md §9): a task stagnates when its
 * {@code currentStep} has not changed for {@code maxStagnationSeconds} while it is active; with
 * {@code enableAutoCancel} the monitor then cancels it ({@code POST tasks/{taskId}/cancel}).
 */
public record TaskPolicy(long maxStagnationSeconds, boolean enableAutoCancel) {

    public static final TaskPolicy DEFAULT = new TaskPolicy(300, true);

    /**
     * @param task            the task as just read
     * @param stepChangedAtMs when its currentStep last changed while active, or it was first seen active (null before)
     * @param nowMs           now
     * @return the breach, when there is one
     */
    public Optional<CancellationPolicy.Breach> evaluate(Task task, Long stepChangedAtMs, long nowMs) {
        if (task.status() != Task.Status.ACTIVE || stepChangedAtMs == null) {
            return Optional.empty();
        }
        long stalledSeconds = (nowMs - stepChangedAtMs) / 1000;
        if (stalledSeconds < maxStagnationSeconds) {
            return Optional.empty();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("current_step", task.currentStep());
        values.put("total_step", task.totalStep());
        values.put("stalled_seconds", stalledSeconds);
        values.put("max_stagnation_seconds", maxStagnationSeconds);
        return Optional.of(new CancellationPolicy.Breach("progress_stagnated", "currentStep has stayed at "
                + task.currentStep() + (task.totalStep() > 0 ? " of " + task.totalStep() : "") + " for " + stalledSeconds
                + " s (limit " + maxStagnationSeconds + " s)", values));
    }
}
