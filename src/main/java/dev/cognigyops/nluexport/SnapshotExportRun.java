package dev.cognigyops.nluexport;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.cognigyops.runs.OperationState;
import dev.cognigyops.storage.StoredObject;

/**
 * What one nlu-export run on profile cognigy-v2 knows, as one value (docs/contract.md §9): what was asked,
 * how far it got, and what Cognigy and S3 gave back. Each step of {@code direct:nlu-export-v2} that learns or
 * changes something returns the next value, which is checkpointed; a run restored from one goes on from its
 * phase. The download link is never part of it (a pre-signed link is asked for again after a resume).
 *
 * <p>Phases in order: STARTED (rotate: the project's snapshots are to be counted), DELETE_DUE (the project is
 * full: {@code rotated} is to be deleted), DELETE_REQUESTED (its delete task is waited for), CREATE_DUE (the
 * POST snapshots is next), CREATE_UNCERTAIN (a POST failed with its effect unknown, or the run resumed with it
 * due: the snapshot is looked for by its name before any other POST), CREATE_REQUESTED (its task is waited
 * for), SNAPSHOT_CREATED (to be found by its name), PACKAGE_DUE, PACKAGE_UNCERTAIN (likewise, read back by
 * the listing's isPackaged), PACKAGE_REQUESTED, PACKAGED, ARTIFACT_STORED, WEBHOOK_NOTIFIED.
 *
 * @param taskId      the task waited for (delete, create, package), or null
 * @param taskStatus  what its last read said, for a TIMEOUT's message
 * @param rotated     the snapshot deleted (or to be deleted) to make room, or null
 * @param readBacks   read-backs after POSTs whose effect was unknown, in this run
 * @param createPosts POST snapshots sent (or maybe sent) in this run
 */
public record SnapshotExportRun(Phase phase, String runId, String projectId, String snapshotName, String description,
                                String bucket, String key, String webhookUrl, boolean rotate, long startedAtMs,
                                String taskId, String taskStatus, SnapshotRotation.Snapshot rotated, String snapshotId,
                                int readBacks, int createPosts, StoredObject stored,
                                Map<String, Object> webhook) implements OperationState {

    public enum Phase {
        STARTED, DELETE_DUE, DELETE_REQUESTED, CREATE_DUE, CREATE_UNCERTAIN, CREATE_REQUESTED, SNAPSHOT_CREATED,
        PACKAGE_DUE, PACKAGE_UNCERTAIN, PACKAGE_REQUESTED, PACKAGED, ARTIFACT_STORED, WEBHOOK_NOTIFIED
    }

    static SnapshotExportRun start(SnapshotExportRequest request, String runId, long nowMs) {
        return new SnapshotExportRun(request.rotate() ? Phase.STARTED : Phase.CREATE_DUE, runId, request.projectId(),
                request.snapshotName(), request.description(), request.bucket(), request.key(), request.webhookUrl(),
                request.rotate(), nowMs, null, null, null, null, 0, 0, null, null);
    }

    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    public boolean isAt(String phase) {
        return this.phase == Phase.valueOf(phase);
    }

    /** A task is being waited for. */
    public boolean waitingForTask() {
        return phase == Phase.DELETE_REQUESTED || phase == Phase.CREATE_REQUESTED || phase == Phase.PACKAGE_REQUESTED;
    }

    /** The snapshot is still to be asked for (POST due, or its effect to be read back). */
    public boolean createPending() {
        return phase == Phase.CREATE_DUE || phase == Phase.CREATE_UNCERTAIN;
    }

    /** The packaging is still to be asked for (POST due, or its effect to be read back). */
    public boolean packagePending() {
        return phase == Phase.PACKAGE_DUE || phase == Phase.PACKAGE_UNCERTAIN;
    }

    public boolean hasWebhook() {
        return webhookUrl != null;
    }

    @Override
    public Map<String, String> pathValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("projectId", projectId);
        if (taskId != null) {
            values.put("taskId", taskId);
        }
        if (snapshotId != null) {
            values.put("snapshotId", snapshotId);
        }
        if (rotated != null) {
            values.put("rotatedSnapshotId", rotated.id());
        }
        return values;
    }

    @Override
    public String resource() {
        return "snapshot:" + projectId + ":" + snapshotName;
    }

    @Override
    public boolean pollDone() {
        return !waitingForTask();
    }

    @Override
    public String pollStatus() {
        return "task " + taskId + " (" + waitedFor() + ") is " + (taskStatus == null ? "not read yet" : taskStatus);
    }

    /** What the task waited for does, for messages. */
    String waitedFor() {
        return switch (phase) {
            case DELETE_REQUESTED -> "deleting snapshot " + rotated.name() + " to make room";
            case CREATE_REQUESTED -> "creating snapshot " + snapshotName;
            case PACKAGE_REQUESTED -> "packaging snapshot " + snapshotName;
            default -> "none";
        };
    }

    @Override
    public boolean onlyReadsSince(OperationState saved) {
        return saved instanceof SnapshotExportRun before && before.phase == phase && waitingForTask()
                && java.util.Objects.equals(before.taskId, taskId);
    }

    // ---- the next values

    SnapshotExportRun at(Phase next) {
        return new SnapshotExportRun(next, runId, projectId, snapshotName, description, bucket, key, webhookUrl, rotate,
                startedAtMs, taskId, taskStatus, rotated, snapshotId, readBacks, createPosts, stored, webhook);
    }

    /** Going on from a saved state: a POST that was due may have been sent; read back first. */
    SnapshotExportRun resumed() {
        return switch (phase) {
            case CREATE_DUE -> at(Phase.CREATE_UNCERTAIN);
            case PACKAGE_DUE -> at(Phase.PACKAGE_UNCERTAIN);
            default -> this;
        };
    }

    SnapshotExportRun rotating(SnapshotRotation.Snapshot oldest) {
        return new SnapshotExportRun(oldest == null ? Phase.CREATE_DUE : Phase.DELETE_DUE, runId, projectId, snapshotName,
                description, bucket, key, webhookUrl, rotate, startedAtMs, taskId, taskStatus, oldest, snapshotId, readBacks,
                createPosts, stored, webhook);
    }

    /** A task was started for the phase's request: waited for next. */
    SnapshotExportRun waitingFor(Phase requested, String task, String status) {
        return new SnapshotExportRun(requested, runId, projectId, snapshotName, description, bucket, key, webhookUrl, rotate,
                startedAtMs, task, status, rotated, snapshotId, readBacks, createPosts + (requested == Phase.CREATE_REQUESTED ? 1 : 0),
                stored, webhook);
    }

    SnapshotExportRun taskSeen(String status) {
        return new SnapshotExportRun(phase, runId, projectId, snapshotName, description, bucket, key, webhookUrl, rotate,
                startedAtMs, taskId, status, rotated, snapshotId, readBacks, createPosts, stored, webhook);
    }

    /** The task waited for is done: the phase after it, the task forgotten. */
    SnapshotExportRun taskDone(Phase next) {
        return new SnapshotExportRun(next, runId, projectId, snapshotName, description, bucket, key, webhookUrl, rotate,
                startedAtMs, null, null, rotated, snapshotId, readBacks, createPosts, stored, webhook);
    }

    /** A POST whose effect is unknown: one more maybe-sent POST of the snapshot when it was that one. */
    SnapshotExportRun uncertain(Phase next) {
        return new SnapshotExportRun(next, runId, projectId, snapshotName, description, bucket, key, webhookUrl, rotate,
                startedAtMs, taskId, taskStatus, rotated, snapshotId, readBacks, createPosts + (next == Phase.CREATE_UNCERTAIN ? 1 : 0),
                stored, webhook);
    }

    SnapshotExportRun readBack(Phase next) {
        return new SnapshotExportRun(next, runId, projectId, snapshotName, description, bucket, key, webhookUrl, rotate,
                startedAtMs, taskId, taskStatus, rotated, snapshotId, readBacks + 1, createPosts, stored, webhook);
    }

    SnapshotExportRun found(String id, Phase next) {
        return new SnapshotExportRun(next, runId, projectId, snapshotName, description, bucket, key, webhookUrl, rotate,
                startedAtMs, null, null, rotated, id, readBacks, createPosts, stored, webhook);
    }

    SnapshotExportRun withStored(StoredObject object) {
        return new SnapshotExportRun(Phase.ARTIFACT_STORED, runId, projectId, snapshotName, description, bucket, key, webhookUrl,
                rotate, startedAtMs, taskId, taskStatus, rotated, snapshotId, readBacks, createPosts, object, webhook);
    }

    SnapshotExportRun withWebhook(Map<String, Object> outcome) {
        return new SnapshotExportRun(Phase.WEBHOOK_NOTIFIED, runId, projectId, snapshotName, description, bucket, key, webhookUrl,
                rotate, startedAtMs, taskId, taskStatus, rotated, snapshotId, readBacks, createPosts, stored, outcome);
    }
}
