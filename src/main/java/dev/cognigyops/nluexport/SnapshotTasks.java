package dev.cognigyops.nluexport;

import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;

/**
 * What a task of nlu-export on profile cognigy-v2 (delete, create, package a snapshot) means for the run:
 * queued/active/cancelling wait; done goes on to the next phase; error fails the run with the task's
 * failReason — JOB_FAILED, except the project's snapshot limit ({@value #LIMIT_REASON}, which Cognigy
 * reports as the create TASK's failure, not the POST's), which is PRECONDITION_FAILED naming the limit;
 * cancelled ends the run CANCELLED.
 */
public final class SnapshotTasks {

    /** Cognigy's failReason when a project already holds the snapshots it allows (cognigy-v2-api.md, C). */
    public static final String LIMIT_REASON = "Limit of allowed Snapshots";

    private SnapshotTasks() {
    }

    /** The run after {@code task} was read (or answered a POST) while it waits for that task. */
    public static SnapshotExportRun after(SnapshotExportRun run, Task task, int limit) {
        return switch (task.outcome()) {
            case WAIT -> run.taskSeen(task.status().sent() + (task.totalStep() > 0
                    ? " (step " + task.currentStep() + " of " + task.totalStep() + ")" : ""));
            case DONE -> run.taskDone(switch (run.phase()) {
                case DELETE_REQUESTED -> SnapshotExportRun.Phase.CREATE_DUE;
                case CREATE_REQUESTED -> SnapshotExportRun.Phase.SNAPSHOT_CREATED;
                case PACKAGE_REQUESTED -> SnapshotExportRun.Phase.PACKAGED;
                default -> throw new IllegalStateException("no task is waited for in phase " + run.phase());
            });
            case FAILED -> throw failed(run, task, limit);
            case CANCELLED -> throw new RunFailure(ErrorCode.JOB_CANCELLED, RunStatus.CANCELLED, "task " + task.id() + " ("
                    + run.waitedFor() + ") was cancelled on Cognigy");
        };
    }

    static RunFailure failed(SnapshotExportRun run, Task task, int limit) {
        String reason = task.failReason() == null ? "Cognigy gave no failReason" : task.failReason();
        if (run.phase() == SnapshotExportRun.Phase.CREATE_REQUESTED && reason.contains(LIMIT_REASON)) {
            return new RunFailure(ErrorCode.PRECONDITION_FAILED, "project " + run.projectId() + " already holds the "
                    + limit + " snapshots Cognigy allows (task " + task.id() + ": \"" + reason + "\"); "
                    + (run.rotate() ? "none of them could be rotated" : "send rotate: true to delete the oldest snapshot "
                    + "named " + SnapshotName.OURS + "* that no endpoint uses, or delete one yourself"));
        }
        return new RunFailure(ErrorCode.JOB_FAILED, "task " + task.id() + " (" + run.waitedFor() + ") ended in error: " + reason);
    }
}
