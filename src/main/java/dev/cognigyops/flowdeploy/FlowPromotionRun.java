package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.cognigyops.nluexport.SnapshotRotation;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunStatus;

/**
 * What a flow-deploy on profile cognigy-v2 knows, as one value (docs/contract.md §9): the flows selected and
 * their manifest entries, and every external change made so far — the rollback snapshot, the package, its
 * upload, its merge, a restore — each recorded (and checkpointed) as soon as Cognigy has answered, so that a
 * resumed run never makes one twice. Each step of {@code direct:flow-deploy-v2} that learns or changes something
 * returns the next value.
 *
 * <p>Phases in order: STARTED, SOURCE_LISTED (flows selected), CHARTS_READ, CHECKED (the target listed, every
 * dependency there or selected; the manifest dated), MANIFEST_STORED (a dry run ends here; a deployment counts the
 * target's snapshots next), ROTATION_DELETE_DUE (the target is full: {@code rotated} is to be deleted; a run resumed
 * here sends the DELETE again — a 404 says it is gone), ROTATION_DELETE_TASK (its task is waited for), SNAPSHOT_ROOM
 * (the target has room for the rollback snapshot); then per change
 * {@code X_POSTING} (the POST is about to be sent: a run resumed here, or one whose POST failed with its effect
 * unknown, reads back before posting again), {@code X_TASK} (Cognigy's task is known; it is waited for) and the
 * change's result: SNAPSHOT (SNAPSHOT_TAKEN, SNAPSHOT_FOUND), PACKAGE (PACKAGE_MADE, PACKAGE_STORED in S3),
 * UPLOAD (UPLOADED), MERGE (MERGED), VERIFIED; on a failure after the merge started RESTORE_DUE, RESTORE_POSTING,
 * RESTORE_TASK, then RESTORED or RESTORE_FAILED; a failure before the merge started: NOT_DEPLOYED (nothing to
 * restore). The final manifest is stored once after any of these ({@code finalManifestStored}).
 *
 * @param flows             the selected flows' manifest entries, in selection order
 * @param chartIndex        the next flow whose chart is read
 * @param targetReferenceIds the referenceIds the target had before the merge
 * @param taskId            the task being waited for (or read back)
 * @param taskStatus        how the task was last seen, for a TIMEOUT's message
 * @param postedAtMs        when the current POST was sent (epoch ms): a read-back looks for tasks since
 * @param uncertain         the current POST may have been sent and its effect is unknown: read back first
 * @param readBacks         read-backs of the current POST that found nothing (it is posted again once)
 * @param mergeStarted      the merge POST was (or may have been) sent: a failure now restores the target
 * @param failure           why the deployment failed (after the merge started, or before)
 * @param restoreError      why the restore failed, when it did
 * @param finalManifestStored the final manifest was stored (or could not be: finalManifestError)
 * @param rotated           the target's snapshot deleted (or to be deleted) to make room for the rollback snapshot, or null
 */
public record FlowPromotionRun(Phase phase, String runId, String sourceProjectId, String targetProjectId,
                               List<String> flowIds, boolean dryRun, String createdAt,
                               List<PromotionPlan.SourceFlow> sourceFlows, List<PromotedFlow> flows, int chartIndex,
                               List<String> targetReferenceIds, String bucket, String manifestKey, String manifestUri,
                               String packageKey, String packageUri, String packageSha256, long packageBytes,
                               String snapshotName, String snapshotId, String packageId, String uploadedPackageId,
                               String taskId, String taskStatus, long postedAtMs, boolean uncertain, int readBacks,
                               boolean mergeStarted, Failure failure, String restoreError, boolean finalManifestStored,
                               String finalManifestError, SnapshotRotation.Snapshot rotated)
        implements OperationState {

    public static final String PROPERTY = OperationState.PROPERTY;

    public enum Phase {
        STARTED, SOURCE_LISTED, CHARTS_READ, CHECKED, MANIFEST_STORED,
        ROTATION_DELETE_DUE, ROTATION_DELETE_TASK, SNAPSHOT_ROOM,
        SNAPSHOT_POSTING, SNAPSHOT_TASK, SNAPSHOT_TAKEN, SNAPSHOT_FOUND,
        PACKAGE_POSTING, PACKAGE_TASK, PACKAGE_MADE, PACKAGE_STORED,
        UPLOAD_POSTING, UPLOAD_TASK, UPLOADED,
        MERGE_POSTING, MERGE_TASK, MERGED, VERIFIED,
        RESTORE_DUE, RESTORE_POSTING, RESTORE_TASK, RESTORED, RESTORE_FAILED,
        NOT_DEPLOYED
    }

    /** A flow's final state in the manifest. */
    public enum FlowState {
        /** selected, nothing done yet (a dry run's, or a failure's before the merge) */
        PLANNED,
        /** in the target under its referenceId after the merge */
        DEPLOYED,
        /** the deployment failed before the merge started: the target never had it merged */
        NOT_DEPLOYED,
        /** the target was restored from the rollback snapshot */
        RESTORED,
        /** the merge may have changed it and the restore failed: check the target */
        UNKNOWN
    }

    /**
     * One selected flow, as the manifest shows it.
     *
     * @param contentHash SHA-256 of its chart's canonical JSON (support/CanonicalJson), null until read
     * @param references  the referenceIds its chart executes or jumps to (ChartReferences), sorted
     * @param inTarget    whether the target had a flow with its referenceId before the merge (null until listed)
     */
    public record PromotedFlow(String id, String referenceId, String name, String contentHash, List<String> references,
                               Boolean inTarget, FlowState state) {

        PromotedFlow with(FlowState next) {
            return new PromotedFlow(id, referenceId, name, contentHash, references, inTarget, next);
        }
    }

    /** Why the run failed after the merge started. */
    public record Failure(ErrorCode code, RunStatus status, String message) {
    }

    static FlowPromotionRun started(String runId, FlowPromotionRequest request, String bucket, String manifestKey,
                                    String packageKey) {
        return new FlowPromotionRun(Phase.STARTED, runId, request.sourceProjectId(), request.targetProjectId(),
                request.flowIds(), request.dryRun(), null, List.of(), List.of(), 0, List.of(), bucket, manifestKey, null,
                packageKey, null, null, 0, "cognigy-ops-before-" + runId, null, null, null, null, null, 0, false, 0,
                false, null, null, false, null, null);
    }

    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    public boolean isAt(String phase) {
        return this.phase == Phase.valueOf(phase);
    }

    public boolean hasMoreCharts() {
        return chartIndex < flows.size();
    }

    /** The step a failure after the merge started leads to: the target restored from the rollback snapshot. */
    public boolean restoring() {
        return phase.compareTo(Phase.RESTORE_DUE) >= 0 && phase.compareTo(Phase.RESTORE_TASK) <= 0;
    }

    /** A deployment (not a dry run) whose final manifest is still to be stored. */
    public boolean finalManifestDue() {
        return !dryRun && !finalManifestStored;
    }

    /** The referenceIds of the selected flows. */
    public List<String> referenceIds() {
        return flows.stream().map(PromotedFlow::referenceId).toList();
    }

    public List<String> idsIn(FlowState state) {
        return flows.stream().filter(f -> f.state() == state).map(PromotedFlow::id).toList();
    }

    @Override
    public Map<String, String> pathValues() {
        Map<String, String> values = new HashMap<>();
        values.put("sourceProjectId", sourceProjectId);
        values.put("targetProjectId", targetProjectId);
        // the project whose tasks a read-back lists: a package is made in the source, the rest happens in the target
        values.put("taskProjectId", phase == Phase.PACKAGE_POSTING ? sourceProjectId : targetProjectId);
        if (hasMoreCharts() && phase == Phase.SOURCE_LISTED) {
            values.put("flowId", flows.get(chartIndex).id());
        }
        putIfSet(values, "taskId", taskId);
        putIfSet(values, "snapshotId", snapshotId);
        putIfSet(values, "packageId", packageId);
        putIfSet(values, "uploadedPackageId", uploadedPackageId);
        if (rotated != null) {
            values.put("rotatedSnapshotId", rotated.id());
        }
        return values;
    }

    @Override
    public String resource() {
        return "project:" + targetProjectId;
    }

    @Override
    public boolean pollDone() {
        return !phase.name().endsWith("_TASK");
    }

    @Override
    public String pollStatus() {
        return taskId == null ? "no task read yet" : "task " + taskId + " (" + phase + ") " + (taskStatus == null ? "not read yet" : taskStatus);
    }

    /** Reads of a task only learn its status: kept at most every cognigy.store.reads-checkpoint-seconds. */
    @Override
    public boolean onlyReadsSince(OperationState saved) {
        return saved instanceof FlowPromotionRun before && before.phase == phase && phase.name().endsWith("_TASK")
                && java.util.Objects.equals(before.taskId, taskId);
    }

    // ---- the next values

    /** Going on from a saved state: a POST that was about to be sent may have been; read back first. */
    FlowPromotionRun resumed() {
        return phase.name().endsWith("_POSTING") ? next().uncertain(true).build() : this;
    }

    Next next() {
        return new Next(this);
    }

    private static void putIfSet(Map<String, String> values, String name, String value) {
        if (value != null) {
            values.put(name, value);
        }
    }

    /** A copy to change field by field (the record has many). */
    static final class Next {
        Phase phase;
        final String runId;
        final String sourceProjectId;
        final String targetProjectId;
        final List<String> flowIds;
        final boolean dryRun;
        String createdAt;
        List<PromotionPlan.SourceFlow> sourceFlows;
        List<PromotedFlow> flows;
        int chartIndex;
        List<String> targetReferenceIds;
        final String bucket;
        final String manifestKey;
        String manifestUri;
        final String packageKey;
        String packageUri;
        String packageSha256;
        long packageBytes;
        final String snapshotName;
        String snapshotId;
        String packageId;
        String uploadedPackageId;
        String taskId;
        String taskStatus;
        long postedAtMs;
        boolean uncertain;
        int readBacks;
        boolean mergeStarted;
        Failure failure;
        String restoreError;
        boolean finalManifestStored;
        String finalManifestError;
        SnapshotRotation.Snapshot rotated;

        Next(FlowPromotionRun r) {
            phase = r.phase;
            runId = r.runId;
            sourceProjectId = r.sourceProjectId;
            targetProjectId = r.targetProjectId;
            flowIds = r.flowIds;
            dryRun = r.dryRun;
            createdAt = r.createdAt;
            sourceFlows = r.sourceFlows;
            flows = r.flows;
            chartIndex = r.chartIndex;
            targetReferenceIds = r.targetReferenceIds;
            bucket = r.bucket;
            manifestKey = r.manifestKey;
            manifestUri = r.manifestUri;
            packageKey = r.packageKey;
            packageUri = r.packageUri;
            packageSha256 = r.packageSha256;
            packageBytes = r.packageBytes;
            snapshotName = r.snapshotName;
            snapshotId = r.snapshotId;
            packageId = r.packageId;
            uploadedPackageId = r.uploadedPackageId;
            taskId = r.taskId;
            taskStatus = r.taskStatus;
            postedAtMs = r.postedAtMs;
            uncertain = r.uncertain;
            readBacks = r.readBacks;
            mergeStarted = r.mergeStarted;
            failure = r.failure;
            restoreError = r.restoreError;
            finalManifestStored = r.finalManifestStored;
            finalManifestError = r.finalManifestError;
            rotated = r.rotated;
        }

        Next phase(Phase next) {
            phase = next;
            return this;
        }

        Next uncertain(boolean value) {
            uncertain = value;
            return this;
        }

        /** Every flow's state set to {@code state}. */
        Next flowsAll(FlowState state) {
            List<PromotedFlow> next = new ArrayList<>();
            flows.forEach(f -> next.add(f.with(state)));
            flows = List.copyOf(next);
            return this;
        }

        /** A POST of this phase is about to be sent (at {@code nowMs}). */
        Next posting(Phase posting, long nowMs) {
            phase = posting;
            postedAtMs = nowMs;
            uncertain = false;
            taskId = null;
            taskStatus = null;
            return this;
        }

        FlowPromotionRun build() {
            return new FlowPromotionRun(phase, runId, sourceProjectId, targetProjectId, flowIds, dryRun, createdAt,
                    sourceFlows, flows, chartIndex, targetReferenceIds, bucket, manifestKey, manifestUri, packageKey,
                    packageUri, packageSha256, packageBytes, snapshotName, snapshotId, packageId, uploadedPackageId,
                    taskId, taskStatus, postedAtMs, uncertain, readBacks, mergeStarted, failure, restoreError,
                    finalManifestStored, finalManifestError, rotated);
        }
    }
}
