package dev.cognigyops.trainingmonitor;

import java.util.Map;

import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.runs.OperationState;

/**
 * What a training monitor on profile cognigy-v2 knows, as one value (docs/contract.md §9): the task it
 * watches, what the reads said, the policy's verdict, and how the watching ended. Each step of
 * {@code direct:training-monitor-v2} that learns or changes something returns the next value, which is
 * checkpointed; a run restored from one goes on from its phase.
 *
 * <p>Phases in order: STARTED, WATCHING (MONITOR_START recorded; reading the task), CANCEL_REQUESTED (the
 * policy was breached with auto-cancel on: the cancel POST is due), CANCEL_UNCERTAIN (a cancel POST failed
 * with its effect unknown, or the run resumed with the POST due: the task is read back before any
 * other POST), CANCELLED (the cancel was answered), FINISHED (the task ended by itself), WEBHOOK_NOTIFIED.
 *
 * @param task                 what the last well-formed read said (null before the first)
 * @param consecutiveMalformed malformed answers in a row
 * @param breach               the policy breach of the last read while it lasts (or the one that cancelled the task)
 * @param finalState           QUEUED/RUNNING/… as seed 002 names it, once the watching is over
 * @param cancelled            whether this monitor cancelled the task
 * @param readBacks            how often the task was read back after a cancel POST whose effect was unknown
 */
public record TaskMonitorRun(Phase phase, String taskId, String webhookUrl, long pollIntervalSeconds, TaskPolicy policy,
                             Seen task, int consecutiveMalformed, TrainingMonitorRun.PolicyBreach breach,
                             TrainingState finalState, boolean cancelled, int readBacks,
                             TrainingMonitorRun.Statistics statistics, Map<String, Object> webhook) implements OperationState {

    public enum Phase {
        STARTED, WATCHING, CANCEL_REQUESTED, CANCEL_UNCERTAIN, CANCELLED, FINISHED, WEBHOOK_NOTIFIED
    }

    /**
     * The task as last read.
     *
     * @param stepChangedAtMs when currentStep last changed while active, or the task was first seen active (epoch ms)
     */
    public record Seen(String status, String name, long currentStep, long totalStep, double progress, String failReason,
                       String lastFinishedAt, Long stepChangedAtMs) {

        Seen next(Task read, long nowMs) {
            Long changedAt = stepChangedAtMs;
            boolean active = read.status() == Task.Status.ACTIVE;
            if (active && (!Task.Status.ACTIVE.sent().equals(status) || read.currentStep() != currentStep)) {
                changedAt = nowMs;
            }
            return new Seen(read.status().sent(), read.name(), read.currentStep(), read.totalStep(), read.progressPercent(),
                    read.failReason(), read.lastFinishedAt(), changedAt);
        }

        Seen finishedAt(String at) {
            return new Seen(status, name, currentStep, totalStep, progress, failReason, at, stepChangedAtMs);
        }

        /** The task's state as seed 002 names it: queued QUEUED, active RUNNING, done COMPLETED, error FAILED, cancelling/cancelled CANCELLED. */
        TrainingState state() {
            return TaskMonitorRun.state(Task.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT)));
        }
    }

    /** docs/contract.md §9's mapping of a task's status to seed 002's states. */
    public static TrainingState state(Task.Status status) {
        return switch (status) {
            case QUEUED -> TrainingState.QUEUED;
            case ACTIVE -> TrainingState.RUNNING;
            case DONE -> TrainingState.COMPLETED;
            case ERROR -> TrainingState.FAILED;
            case CANCELLING, CANCELLED -> TrainingState.CANCELLED;
        };
    }

    static TaskMonitorRun start(TaskMonitorRequest request) {
        return new TaskMonitorRun(Phase.STARTED, request.taskId(), request.webhookUrl(), request.pollInterval().toSeconds(),
                request.policy(), null, 0, null, null, false, 0, TrainingMonitorRun.Statistics.NONE, null);
    }

    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    public boolean isAt(String phase) {
        return this.phase == Phase.valueOf(phase);
    }

    /** The cancel is not settled yet: it is to be sent, or its effect read back. */
    public boolean cancelPending() {
        return phase == Phase.CANCEL_REQUESTED || phase == Phase.CANCEL_UNCERTAIN;
    }

    public boolean hasWebhook() {
        return webhookUrl != null;
    }

    @Override
    public Map<String, String> pathValues() {
        return Map.of("taskId", taskId);
    }

    @Override
    public String resource() {
        return "task:" + taskId;
    }

    @Override
    public boolean pollDone() {
        return !isBefore(Phase.CANCEL_REQUESTED.name());
    }

    @Override
    public String pollStatus() {
        if (consecutiveMalformed > 0) {
            return "the last answer for task " + taskId + " was malformed";
        }
        if (task == null) {
            return "task " + taskId + " not read yet";
        }
        return "task " + taskId + " is " + task.status() + " (step " + task.currentStep() + " of " + task.totalStep() + ")"
                + (breach == null ? "" : ", breaching its policy: " + breach.message());
    }

    /** Reads while WATCHING only learn; the run store keeps them at most every cognigy.store.reads-checkpoint-seconds. */
    @Override
    public boolean onlyReadsSince(OperationState saved) {
        return saved instanceof TaskMonitorRun before && before.phase == Phase.WATCHING && phase == Phase.WATCHING;
    }

    /** A fixed wait of pollIntervalSeconds between reads (within cognigy.poll.training-monitor.max-delay-ms). */
    @Override
    public long pollDelayMs() {
        return pollIntervalSeconds * 1000;
    }

    // ---- the next values

    TaskMonitorRun at(Phase next) {
        return new TaskMonitorRun(next, taskId, webhookUrl, pollIntervalSeconds, policy, task, consecutiveMalformed, breach,
                finalState, cancelled, readBacks, statistics, webhook);
    }

    /** Going on from a saved state: a cancel POST that was due may have been sent; read the task back first. */
    TaskMonitorRun resumed() {
        return phase == Phase.CANCEL_REQUESTED ? at(Phase.CANCEL_UNCERTAIN) : this;
    }

    /** A well-formed read, answered after {@code latencyMs} in {@code attempts} attempts. */
    TaskMonitorRun read(Task read, long nowMs, long latencyMs, int attempts) {
        Seen seen = (task == null ? new Seen(null, null, 0, 0, 0, null, null, null) : task).next(read, nowMs);
        return new TaskMonitorRun(phase, taskId, webhookUrl, pollIntervalSeconds, policy, seen, 0, breach, finalState,
                cancelled, readBacks, statistics.answered(latencyMs, attempts), webhook);
    }

    /** A malformed answer: one more in a row, one more error. */
    TaskMonitorRun malformed(long latencyMs, int attempts) {
        return new TaskMonitorRun(phase, taskId, webhookUrl, pollIntervalSeconds, policy, task, consecutiveMalformed + 1,
                breach, finalState, cancelled, readBacks, statistics.answered(latencyMs, attempts).error(), webhook);
    }

    TaskMonitorRun withBreach(TrainingMonitorRun.PolicyBreach current) {
        return new TaskMonitorRun(phase, taskId, webhookUrl, pollIntervalSeconds, policy, task, consecutiveMalformed, current,
                finalState, cancelled, readBacks, statistics, webhook);
    }

    /** The task ended by itself. */
    TaskMonitorRun finished(TrainingState state) {
        return new TaskMonitorRun(Phase.FINISHED, taskId, webhookUrl, pollIntervalSeconds, policy, task, consecutiveMalformed,
                null, state, false, readBacks, statistics, webhook);
    }

    TaskMonitorRun cancelRequested(TrainingMonitorRun.PolicyBreach cause) {
        return new TaskMonitorRun(Phase.CANCEL_REQUESTED, taskId, webhookUrl, pollIntervalSeconds, policy, task,
                consecutiveMalformed, cause, finalState, cancelled, readBacks, statistics, webhook);
    }

    /** The cancel POST failed with its effect unknown: read the task back before anything else. */
    TaskMonitorRun cancelUncertain() {
        return at(Phase.CANCEL_UNCERTAIN);
    }

    /** One more read-back of an uncertain cancel. */
    TaskMonitorRun readBack() {
        return new TaskMonitorRun(phase, taskId, webhookUrl, pollIntervalSeconds, policy, task, consecutiveMalformed, breach,
                finalState, cancelled, readBacks + 1, statistics, webhook);
    }

    /** The cancel took effect (answered, or read back) at {@code at}. */
    TaskMonitorRun cancelledAt(String at) {
        return new TaskMonitorRun(Phase.CANCELLED, taskId, webhookUrl, pollIntervalSeconds, policy,
                task == null ? null : task.finishedAt(at), consecutiveMalformed, breach, TrainingState.CANCELLED, true,
                readBacks, statistics, webhook);
    }

    TaskMonitorRun withWebhook(Map<String, Object> outcome) {
        return new TaskMonitorRun(Phase.WEBHOOK_NOTIFIED, taskId, webhookUrl, pollIntervalSeconds, policy, task,
                consecutiveMalformed, breach, finalState, cancelled, readBacks, statistics, outcome);
    }

    /** The failed read in flight when the monitor gave up: a poll and an error. */
    TaskMonitorRun readFailed(long latencyMs, int attempts) {
        return new TaskMonitorRun(phase, taskId, webhookUrl, pollIntervalSeconds, policy, task, consecutiveMalformed, breach,
                finalState, cancelled, readBacks, statistics.answered(latencyMs, attempts).error(), webhook);
    }
}
