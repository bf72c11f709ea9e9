package dev.cognigyops.flowdeploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.nluexport.ArtifactDownload;
import dev.cognigyops.nluexport.SnapshotName;
import dev.cognigyops.nluexport.SnapshotRotation;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.storage.ArtifactStore;
import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.CanonicalJson;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import static dev.cognigyops.flowdeploy.FlowPromotionRun.Phase;

/**
 * flow-deploy on profile cognigy-v2 (docs/contract.md §9): flows promoted from one project to another as a
 * package, with rollback. The route is {@code direct:flow-deploy-v2} ({@code routes/operations/flow-deploy.camel.yaml});
 * each public method is one step's outcome, value in and value out ({@link FlowPromotionRun}); the decisions are
 * {@link PromotionPlan}, {@link ChartReferences}, {@link TaskReadBack}, {@link PromotionManifest}, {@link Task}
 * and, for the room the rollback snapshot needs in a full target, nlu-export's {@link SnapshotRotation}.
 */
public final class FlowDeployV2 {

    /** The exchange property Camel keeps a caught exception in (doCatch). */
    static final String CAUGHT = "CamelExceptionCaught";
    /** The exchange property the package's download link is kept in between its POST and the download (never in the state). */
    public static final String PACKAGE_LINK = "flowDeployPackageLink";
    /** A failReason of the snapshot task when the project holds 10 snapshots (cognigy-v2-api.md, C/PLG). */
    static final String SNAPSHOT_LIMIT = "Limit of allowed Snapshots";
    /** Exchange properties holding the target's snapshots and endpoints between the rotation's steps (never checkpointed). */
    public static final String TARGET_SNAPSHOTS = "flowDeployTargetSnapshots";
    public static final String TARGET_ENDPOINTS = "flowDeployTargetEndpoints";
    /** A POST whose effect stayed unknown after a read-back is posted again at most this often. */
    static final int MAX_REPOSTS = 1;

    private final Settings settings;
    private final ArtifactStore store;
    private final ArtifactDownload download;
    private final S3Client s3;
    private final AuditLog audit;
    private final EnvironmentLocks locks;
    private final Clock clock;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FlowDeployV2.class);

    public FlowDeployV2(Settings settings, ArtifactStore store, ArtifactDownload download, S3Client s3, AuditLog audit,
                        EnvironmentLocks locks, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.download = download;
        this.s3 = s3;
        this.audit = audit;
        this.locks = locks;
        this.clock = clock;
    }

    // ---- begin

    /**
     * A new run's state from its payload, or the saved state the run goes on from. A deployment (not a dry run)
     * holds its target project (the seeds flow-deploy's EnvironmentLocks, keyed by targetProjectId) until the run ends.
     */
    public FlowPromotionRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        FlowPromotionRun run;
        if (context.resumeFrom() != null) {
            run = Json.MAPPER.convertValue(context.resumeFrom(), FlowPromotionRun.class).resumed();
        } else {
            FlowPromotionRequest request = FlowPromotionRequest.from(context.payload());
            String dir = settings.require("cognigy.flow-deploy.manifest-prefix") + "/" + request.targetProjectId() + "/";
            run = FlowPromotionRun.started(context.runId(), request, settings.require("cognigy.s3.bucket"),
                    dir + context.runId() + ".json", dir + context.runId() + ".package.zip");
        }
        if (!run.dryRun()) {
            String holder = locks.claim(run.targetProjectId(), run.runId());
            if (holder != null) {
                throw new RunFailure(ErrorCode.CONFLICT, "flow-deploy run " + holder + " is deploying to project "
                        + run.targetProjectId() + " now; nothing was done: run again when it has finished");
            }
            String target = run.targetProjectId();
            String runId = run.runId();
            context.whenFinished(() -> locks.release(target, runId));
        }
        return run;
    }

    // ---- plan: select, charts, the target, dependencies

    /** The source's flows are listed (all pages): the selection, and its flows' charts are read next. */
    public FlowPromotionRun sourceListed(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                         @Body JsonNode items, @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        List<PromotionPlan.SourceFlow> listed = PromotionPlan.flows(items);
        List<PromotionPlan.SourceFlow> selected = PromotionPlan.select(listed, run.flowIds(), run.sourceProjectId());
        List<FlowPromotionRun.PromotedFlow> flows = selected.stream().map(f -> new FlowPromotionRun.PromotedFlow(f.id(),
                f.referenceId(), f.name(), null, List.of(), null, FlowPromotionRun.FlowState.PLANNED)).toList();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source_project_id", run.sourceProjectId());
        details.put("listed", listed.size());
        details.put("selected", flows.stream().map(FlowPromotionRun.PromotedFlow::id).toList());
        audit.record(context, "FLOWS_SELECTED", "SUCCESS", "project:" + run.sourceProjectId(), details);
        FlowPromotionRun.Next next = run.next().phase(Phase.SOURCE_LISTED);
        next.sourceFlows = List.copyOf(listed);
        next.flows = flows;
        next.chartIndex = 0;
        return next.build();
    }

    /** One selected flow's chart: its contentHash and the flows it executes or jumps to. */
    public FlowPromotionRun chartRead(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run, @Body JsonNode chart) {
        FlowPromotionRun.PromotedFlow flow = run.flows().get(run.chartIndex());
        List<FlowPromotionRun.PromotedFlow> flows = new ArrayList<>(run.flows());
        flows.set(run.chartIndex(), new FlowPromotionRun.PromotedFlow(flow.id(), flow.referenceId(), flow.name(),
                CanonicalJson.sha256(chart), List.copyOf(ChartReferences.of(chart, flow.referenceId())), null, flow.state()));
        FlowPromotionRun.Next next = run.next();
        next.flows = List.copyOf(flows);
        next.chartIndex = run.chartIndex() + 1;
        if (next.chartIndex >= flows.size()) {
            next.phase = Phase.CHARTS_READ;
        }
        return next.build();
    }

    /**
     * The target's flows are listed: which selected flows it has, and every dependency that would be missing
     * after the merge (DEPENDENCY_MISSING, all named; nothing was changed). The manifest is dated now.
     */
    public FlowPromotionRun targetListed(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                         @Body JsonNode items, @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Set<String> inTarget = referenceIds(items);
        List<String> missing = PromotionPlan.missing(run.flows(), inTarget, run.sourceFlows(), run.targetProjectId());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("flows", run.flows().size());
        details.put("missing", missing);
        details.put("in_target", run.flows().stream().filter(f -> inTarget.contains(f.referenceId()))
                .map(FlowPromotionRun.PromotedFlow::referenceId).toList());
        audit.record(context, "DEPENDENCIES_RESOLVED", missing.isEmpty() ? "SUCCESS" : "FAILURE", run.resource(), details);
        if (!missing.isEmpty()) {
            ArrayNode list = context.output().putArray("missingDependencies");
            missing.forEach(list::add);
            throw new RunFailure(ErrorCode.DEPENDENCY_MISSING, missing.size() + " missing "
                    + (missing.size() == 1 ? "dependency" : "dependencies") + "; nothing was changed: " + String.join(" | ", missing));
        }
        List<FlowPromotionRun.PromotedFlow> flows = run.flows().stream().map(f -> new FlowPromotionRun.PromotedFlow(f.id(),
                f.referenceId(), f.name(), f.contentHash(), f.references(), inTarget.contains(f.referenceId()), f.state())).toList();
        FlowPromotionRun.Next next = run.next().phase(Phase.CHECKED);
        next.flows = flows;
        next.targetReferenceIds = List.copyOf(new TreeSet<>(inTarget));
        next.createdAt = clock.instant().toString();
        return next.build();
    }

    // ---- the manifest in S3 (ArtifactStore.putJson: SSE AES256, metadata sha256, as the seeds flow-deploy's)

    /** The planned manifest is stored, before anything is changed. */
    public FlowPromotionRun storePlannedManifest(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                                 @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        StoredObject stored = storeManifest(run, "planned", context);
        FlowPromotionRun.Next next = run.next().phase(Phase.MANIFEST_STORED);
        next.manifestUri = stored.uri();
        return next.build();
    }

    /** The final manifest (each flow's final state); S3 not taking it is said in the result, after what the run did. */
    public FlowPromotionRun storeFinalManifest(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                               @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        FlowPromotionRun.Next next = run.next();
        try {
            storeManifest(run, "final", context);
        } catch (RunFailure e) {
            next.finalManifestError = e.getMessage();
        }
        next.finalManifestStored = true;
        return next.build();
    }

    private StoredObject storeManifest(FlowPromotionRun run, String stage, RunContext context) {
        String where = "s3://" + run.bucket() + "/" + run.manifestKey();
        try {
            StoredObject stored = store.putJson(run.bucket(), run.manifestKey(), PromotionManifest.of(run));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("stage", stage);
            details.put("outcome", PromotionManifest.outcome(run).name());
            details.put("flows", run.flows().size());
            details.put("sha256", stored.sha256());
            details.put("server_side_encryption", "AES256");
            audit.record(context, "MANIFEST_STORED", "SUCCESS", stored.uri(), details);
            context.output().put("manifestUri", stored.uri());
            return stored;
        } catch (RuntimeException e) {
            RunFailure named = store.storingFailed(e, run.bucket(), run.manifestKey());
            audit.record(context, "MANIFEST_STORED", "FAILURE", where, Map.of("stage", stage, "error", named.getMessage()));
            throw named;
        }
    }

    // ---- room for the rollback snapshot: the target's oldest cognigy-ops-* snapshot no endpoint uses goes when it is full

    private int snapshotLimit() {
        return settings.requireInt("cognigy.v2.flow-deploy.snapshot-limit");
    }

    /** Whether the target's snapshots fill it: only then are its endpoints read. */
    public boolean targetFull(@ExchangeProperty(TARGET_SNAPSHOTS) JsonNode snapshots) {
        return SnapshotRotation.full(snapshots, snapshotLimit());
    }

    /**
     * The target's snapshots counted (and, when it is full, its endpoints read): room for the rollback snapshot, or
     * the snapshot that goes to make it — never the run's own rollback snapshot. A full target with none that may go
     * fails PRECONDITION_FAILED naming the limit, before anything in it was changed.
     */
    public FlowPromotionRun rotationChecked(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                            @ExchangeProperty(TARGET_SNAPSHOTS) JsonNode snapshots,
                                            @ExchangeProperty(TARGET_ENDPOINTS) JsonNode endpoints,
                                            @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        int limit = snapshotLimit();
        SnapshotRotation.Verdict verdict = SnapshotRotation.decide(snapshots, SnapshotRotation.entrypoints(endpoints), limit,
                run.snapshotName());
        if (!verdict.full()) {
            return run.next().phase(Phase.SNAPSHOT_ROOM).build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("project_id", run.targetProjectId());
        details.put("snapshot_name", run.snapshotName());
        details.put("snapshots_held", verdict.held());
        details.put("snapshot_limit", limit);
        if (verdict.delete() == null) {
            details.put("rotated", null);
            audit.record(context, "SNAPSHOT_ROTATION", "NONE_DELETABLE", run.resource(), details);
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "target project " + run.targetProjectId() + " holds "
                    + verdict.held() + " snapshots, the limit of " + limit + " (cognigy.v2.flow-deploy.snapshot-limit), and "
                    + "none can be rotated to make room for the rollback snapshot " + run.snapshotName() + ": no snapshot named "
                    + SnapshotName.OURS + "* that no endpoint uses");
        }
        details.put("rotated", verdict.delete().view());
        audit.record(context, "SNAPSHOT_ROTATION", "DELETE_OLDEST", run.resource(), details);
        log.info("flow-deploy {}: project {} holds {} snapshots (limit {}): deleting the oldest of this program's, {} ({})",
                run.runId(), run.targetProjectId(), verdict.held(), limit, verdict.delete().name(), verdict.delete().id());
        FlowPromotionRun.Next next = run.next().phase(Phase.ROTATION_DELETE_DUE);
        next.rotated = verdict.delete();
        return next.build();
    }

    /** The rotation's DELETE answered 404: the snapshot is gone already (a resumed run had sent it). */
    public FlowPromotionRun rotationDeleteGone(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run) {
        return run.next().phase(Phase.SNAPSHOT_ROOM).build();
    }

    // ---- POSTs: each checkpointed just before it is sent, and read back when its effect is unknown

    /** A POST of {@code phase} (SNAPSHOT_POSTING, …) is about to be sent: a run resumed from here reads back first. */
    public FlowPromotionRun posting(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run, String phase) {
        FlowPromotionRun.Next next = run.next().posting(Phase.valueOf(phase), clock.millis());
        if (next.phase == Phase.MERGE_POSTING) {
            // from now on the target may change: a failure restores it from the rollback snapshot
            next.mergeStarted = true;
        }
        return next.build();
    }

    /** The rollback snapshot: {@code POST snapshots {projectId, name, description}}. */
    public JsonNode snapshotRequest(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run) {
        ObjectNode body = Json.object();
        body.put("projectId", run.targetProjectId());
        body.put("name", run.snapshotName());
        body.put("description", "cognigy-ops flow-deploy " + run.runId() + ": the rollback point before flows of project "
                + run.sourceProjectId() + " are merged");
        return body;
    }

    /** The package: {@code POST packages {projectId: source, name, description, resourceIds}}. */
    public JsonNode packageRequest(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run) {
        ObjectNode body = Json.object();
        body.put("projectId", run.sourceProjectId());
        body.put("name", "cognigy-ops-" + run.runId());
        body.put("description", "cognigy-ops flow-deploy " + run.runId() + " to project " + run.targetProjectId());
        ArrayNode ids = body.putArray("resourceIds");
        run.flows().forEach(f -> ids.add(f.id()));
        return body;
    }

    /** The merge: every selected flow, strategy {@code replace} for each. */
    public JsonNode mergeRequest(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run) {
        ObjectNode body = Json.object();
        ArrayNode ids = body.putArray("resourceIds");
        run.flows().forEach(f -> ids.add(f.id()));
        body.putArray("localeMapping");
        ArrayNode strategies = body.putArray("strategies");
        run.flows().forEach(f -> strategies.addObject().put("_id", f.id()).put("identityConflictStrategy", "replace"));
        return body;
    }

    /** The restore: {@code POST snapshots/{snapshotId}/restore {projectId}}. */
    public JsonNode restoreRequest(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run) {
        return Json.object().put("projectId", run.targetProjectId());
    }

    /**
     * The upload's body, {@code multipart/form-data} with parts {@code file} (the package, read back from S3: the
     * object stored beside the manifest is what is uploaded, also after a resume) and {@code projectId}.
     */
    public HttpEntity uploadEntity(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run) {
        byte[] bytes = readPackage(run);
        return MultipartEntityBuilder.create()
                .addBinaryBody("file", bytes, ContentType.APPLICATION_OCTET_STREAM, "cognigy-ops-" + run.runId() + ".zip")
                .addTextBody("projectId", run.targetProjectId(), ContentType.TEXT_PLAIN)
                .build();
    }

    /** A POST answered with its task: the task is recorded (checkpointed) before it is waited for. */
    public FlowPromotionRun taskStarted(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run, @Body JsonNode answer) {
        String id = answer == null ? null : answer.path("_id").asText(null);
        if (id == null || id.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "Cognigy answered the " + postName(run.phase())
                    + " without a task (_id): " + Json.write(answer));
        }
        return taskAdopted(run, id, answer.path("status").asText(null));
    }

    /** The POST failed with its effect unknown (a 5xx, a timeout): it is read back before anything is posted again. */
    public FlowPromotionRun writeUncertain(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                           @ExchangeProperty(CAUGHT) Throwable failure,
                                           @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        log.warn("flow-deploy {}: the {}'s effect is unknown ({}); reading back before posting again", run.runId(),
                postName(run.phase()), failure == null ? "no reason" : failure.getMessage());
        audit.record(context, "WRITE_OUTCOME_UNKNOWN", "READ_BACK", run.resource(),
                Map.of("request", postName(run.phase()), "error", failure == null ? "" : String.valueOf(failure.getMessage())));
        return run.next().uncertain(true).build();
    }

    /** Read-back of the snapshot POST by the snapshot's name: found, the snapshot is there and its task is not waited for. */
    public FlowPromotionRun snapshotReadBack(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                             @Body JsonNode snapshots, @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Optional<String> id = snapshotNamed(snapshots, run.snapshotName());
        if (id.isEmpty()) {
            return run;
        }
        audit.record(context, "READ_BACK", "FOUND", run.resource(), Map.of("request", postName(run.phase()), "snapshot_id", id.get()));
        FlowPromotionRun.Next next = run.next().phase(Phase.SNAPSHOT_FOUND).uncertain(false);
        next.snapshotId = id.get();
        return next.build();
    }

    /**
     * Read-back of a POST by the project's tasks: the task it started, found, is waited for; none found, the POST
     * is sent again (at most {@value #MAX_REPOSTS} time), else the run fails naming what could not be told.
     */
    public FlowPromotionRun tasksReadBack(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                          @Body JsonNode tasks, @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Optional<String> found = TaskReadBack.find(tasks, expected(run), Instant.ofEpochMilli(run.postedAtMs()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", postName(run.phase()));
        if (found.isPresent()) {
            details.put("task_id", found.get());
            audit.record(context, "READ_BACK", "FOUND", run.resource(), details);
            return taskAdopted(run.next().uncertain(false).build(), found.get(), null);
        }
        audit.record(context, "READ_BACK", "NOT_FOUND", run.resource(), details);
        FlowPromotionRun.Next next = run.next().uncertain(false);
        next.readBacks = run.readBacks() + 1;
        if (next.readBacks > MAX_REPOSTS) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + postName(run.phase()) + " failed " + next.readBacks
                    + " times with its effect unknown and no task of it was found in project "
                    + run.pathValues().get("taskProjectId") + "; not sent again");
        }
        return next.build();
    }

    // ---- tasks

    /**
     * One read of the task being waited for (the wait-for-task template): {@code queued/active/cancelling} wait;
     * {@code done} records what it made; {@code error} fails with its failReason (a full project's snapshot
     * limit: PRECONDITION_FAILED naming it); {@code cancelled} ends the run CANCELLED.
     */
    public FlowPromotionRun taskRead(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run, @Body JsonNode answer,
                                     @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Task task = Task.from(answer);
        String what = postName(run.phase()) + " task " + run.taskId();
        switch (task.outcome()) {
            case WAIT -> {
                FlowPromotionRun.Next next = run.next();
                next.taskStatus = task.describe();
                return next.build();
            }
            case CANCELLED -> throw new RunFailure(ErrorCode.JOB_CANCELLED, RunStatus.CANCELLED, what + " was cancelled");
            case FAILED -> {
                String reason = task.failReason() == null ? "Cognigy gave no failReason" : task.failReason();
                audit.record(context, "TASK_FAILED", "FAILURE", run.resource(), Map.of("task_id", run.taskId(), "fail_reason", reason));
                if (run.phase() == Phase.SNAPSHOT_TASK && reason.contains(SNAPSHOT_LIMIT)) {
                    // counted below the limit (cognigy.v2.flow-deploy.snapshot-limit) just before: a snapshot was
                    // taken meanwhile, or the tenant's limit is lower than the setting
                    throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "target project " + run.targetProjectId()
                            + " holds the most snapshots Cognigy allows: the rollback snapshot " + run.snapshotName()
                            + " could not be taken (" + reason + ") although fewer than " + snapshotLimit()
                            + " (cognigy.v2.flow-deploy.snapshot-limit) were counted before; run again (the oldest "
                            + SnapshotName.OURS + "* snapshot no endpoint uses is then deleted first), or lower that setting "
                            + "to the tenant's limit");
                }
                throw new RunFailure(ErrorCode.JOB_FAILED, what + " ended in error: " + reason);
            }
            default -> { }
        }
        audit.record(context, "TASK_DONE", "SUCCESS", run.resource(), Map.of("task_id", run.taskId(), "task", postName(run.phase())));
        FlowPromotionRun.Next next = run.next();
        next.taskStatus = task.describe();
        next.readBacks = 0;
        switch (run.phase()) {
            case ROTATION_DELETE_TASK -> next.phase = Phase.SNAPSHOT_ROOM;
            case SNAPSHOT_TASK -> next.phase = Phase.SNAPSHOT_TAKEN;
            case PACKAGE_TASK -> {
                next.packageId = packageIdOf(answer, what);
                next.phase = Phase.PACKAGE_MADE;
            }
            case UPLOAD_TASK -> {
                next.uploadedPackageId = packageIdOf(answer, what);
                next.phase = Phase.UPLOADED;
            }
            case MERGE_TASK -> next.phase = Phase.MERGED;
            case RESTORE_TASK -> {
                next.phase = Phase.RESTORED;
                next.flowsAll(FlowPromotionRun.FlowState.RESTORED);
            }
            default -> throw new IllegalStateException("no task is waited for in phase " + run.phase());
        }
        return next.build();
    }

    /** The snapshot's task is done: the snapshot found by its name in the target's snapshots. */
    public FlowPromotionRun snapshotFound(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                          @Body JsonNode snapshots, @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String id = snapshotNamed(snapshots, run.snapshotName()).orElseThrow(() -> new RunFailure(ErrorCode.UPSTREAM_ERROR,
                "the snapshot task " + run.taskId() + " is done but no snapshot named " + run.snapshotName()
                        + " is among the " + (snapshots == null ? 0 : snapshots.size()) + " snapshots of project " + run.targetProjectId()));
        audit.record(context, "ROLLBACK_SNAPSHOT_TAKEN", "SUCCESS", run.resource(),
                Map.of("snapshot_id", id, "snapshot_name", run.snapshotName()));
        FlowPromotionRun.Next next = run.next().phase(Phase.SNAPSHOT_FOUND);
        next.snapshotId = id;
        return next.build();
    }

    // ---- the package, into S3 beside the manifest

    /** The download link (kept out of the state: it is a credential for a day). */
    public String packageLink(@Body JsonNode answer) {
        String link = answer == null ? null : answer.path("downloadLink").asText(null);
        if (link == null || link.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "Cognigy answered the package's downloadlink request without a downloadLink");
        }
        return link;
    }

    /** The download: never with the API key (the link is pre-signed), redirects per ArtifactDownload. */
    public OutboundCall packageDownload(@ExchangeProperty(PACKAGE_LINK) String link,
                                        @ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run) {
        URI base = URI.create(settings.require("cognigy.base-url"));
        return OutboundCall.download(base.resolve(link).toString(), false, "PACKAGE_STORED", run.resource());
    }

    /** Streams the package into S3 (ArtifactStore: one stream, SSE AES256, its SHA-256); retried whole by the call rules. */
    public FlowPromotionRun transfer(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                     @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                     @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                     @ExchangeProperty(RunContext.PROPERTY) RunContext context) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("source-project-id", run.sourceProjectId());
        metadata.put("target-project-id", run.targetProjectId());
        metadata.put("package-id", run.packageId());
        StoredObject stored;
        try (ArtifactDownload.Opened opened = download.open(URI.create(call.target()), null)) {
            stored = store.store(opened.body(), opened.contentLength(), run.bucket(), run.packageKey(),
                    "application/zip", metadata, run.runId());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("package_id", run.packageId());
        details.put("storage_destination", stored.uri());
        details.put("size_bytes", stored.sizeBytes());
        details.put("sha256", stored.sha256());
        details.put("server_side_encryption", "AES256");
        details.put("attempts", attempt == null ? 1 : attempt.attempts());
        audit.record(context, "PACKAGE_STORED", "SUCCESS", stored.uri(), details);
        long max = settings.requireLong("cognigy.v2.flow-deploy.max-package-bytes");
        if (stored.sizeBytes() > max) {
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "the package of " + stored.sizeBytes() + " bytes ("
                    + stored.uri() + ") is larger than Cognigy takes as an upload (cognigy.v2.flow-deploy.max-package-bytes = "
                    + max + "); deploy fewer flows at once; nothing was changed in project " + run.targetProjectId());
        }
        context.output().put("packageUri", stored.uri());
        FlowPromotionRun.Next next = run.next().phase(Phase.PACKAGE_STORED);
        next.packageUri = stored.uri();
        next.packageSha256 = stored.sha256();
        next.packageBytes = stored.sizeBytes();
        return next.build();
    }

    private byte[] readPackage(FlowPromotionRun run) {
        long max = settings.requireLong("cognigy.v2.flow-deploy.max-package-bytes");
        try (InputStream in = s3.getObject(b -> b.bucket(run.bucket()).key(run.packageKey()))) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "the package " + run.packageUri() + " is larger than "
                        + max + " bytes (cognigy.v2.flow-deploy.max-package-bytes)");
            }
            return bytes;
        } catch (SdkException | IOException e) {
            throw new RunFailure(ErrorCode.STORAGE_ERROR, "S3 did not give back the package " + run.packageUri()
                    + " to upload: " + e.getMessage());
        }
    }

    // ---- verify, fail, restore, finish

    /** The target listed after the merge: every selected flow must be there under its referenceId. */
    public FlowPromotionRun verified(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run, @Body JsonNode items,
                                     @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Set<String> inTarget = referenceIds(items);
        List<String> absent = run.flows().stream().filter(f -> !inTarget.contains(f.referenceId()))
                .map(f -> f.name() + " (referenceId " + f.referenceId() + ")").toList();
        audit.record(context, "FLOWS_VERIFIED", absent.isEmpty() ? "SUCCESS" : "FAILURE", run.resource(),
                Map.of("flows", run.flows().size(), "absent", absent));
        if (!absent.isEmpty()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the merge task " + run.taskId() + " is done but project "
                    + run.targetProjectId() + " lacks " + String.join(", ", absent));
        }
        return run.next().phase(Phase.VERIFIED).flowsAll(FlowPromotionRun.FlowState.DEPLOYED).build();
    }

    /**
     * The deployment failed: once the merge POST was (or may have been) sent, the target is to be restored from
     * the rollback snapshot; before, nothing was merged and there is nothing to restore.
     */
    public FlowPromotionRun deploymentFailed(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                             @ExchangeProperty(CAUGHT) Throwable failure,
                                             @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                             @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        RunStatus status = failure instanceof RunFailure rf && rf.status() != null ? rf.status() : RunStatus.FAILED;
        var error = ErrorClassifier.classify(failure, call == null ? null : call.describe(), attempt == null ? 0 : attempt.attempts());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("error", error.message());
        details.put("phase", run.phase().name());
        details.put("rollback_snapshot_id", run.snapshotId());
        details.put("rollback_triggered", run.mergeStarted());
        audit.record(context, "DEPLOYMENT_FAILED", "FAILURE", run.resource(), details);
        FlowPromotionRun.Next next = run.next().uncertain(false);
        next.failure = new FlowPromotionRun.Failure(error.code(), status, error.message());
        next.readBacks = 0;
        if (!run.mergeStarted()) {
            return next.phase(Phase.NOT_DEPLOYED).flowsAll(FlowPromotionRun.FlowState.NOT_DEPLOYED).build();
        }
        log.warn("flow-deploy {}: {}; restoring project {} from snapshot {}", run.runId(), error.message(),
                run.targetProjectId(), run.snapshotId());
        return next.phase(Phase.RESTORE_DUE).build();
    }

    /** The restore failed: the target's state is unknown, and the result says so. */
    public FlowPromotionRun restoreFailed(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                                          @ExchangeProperty(CAUGHT) Throwable failure,
                                          @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                          @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                          @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String message = ErrorClassifier.classify(failure, call == null ? null : call.describe(),
                attempt == null ? 0 : attempt.attempts()).message();
        audit.record(context, "ROLLBACK_FAILED", "FAILURE", run.resource(), Map.of("snapshot_id", String.valueOf(run.snapshotId()),
                "error", message));
        FlowPromotionRun.Next next = run.next().phase(Phase.RESTORE_FAILED).flowsAll(FlowPromotionRun.FlowState.UNKNOWN);
        next.restoreError = message;
        return next.build();
    }

    /** The last step: the output, the closing audit record, and the run's status. */
    public JsonNode finish(@ExchangeProperty(FlowPromotionRun.PROPERTY) FlowPromotionRun run,
                           @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        ObjectNode out = Json.object();
        out.put("manifestUri", run.manifestUri());
        out.set("manifest", PromotionManifest.of(run));
        out.put("packageUri", run.packageUri());
        ArrayNode deployed = out.putArray("deployed");
        run.idsIn(FlowPromotionRun.FlowState.DEPLOYED).forEach(deployed::add);
        ArrayNode rolledBack = out.putArray("rolledBack");
        run.idsIn(FlowPromotionRun.FlowState.RESTORED).forEach(rolledBack::add);
        out.put("rollbackSnapshotId", run.snapshotId());
        if (run.rotated() != null) {
            out.set("rotated", Json.MAPPER.valueToTree(run.rotated().view()));
        }
        if (run.dryRun()) {
            audit.record(context, "DRY_RUN_COMPLETED", "SUCCESS", run.resource(),
                    Map.of("manifest", run.manifestUri(), "flows", run.flows().size()));
            return out;
        }
        FlowPromotionRun.Failure failure = run.failure();
        if (failure != null) {
            context.output().setAll(out);
            String manifest = run.finalManifestError() == null ? "; manifest " + run.manifestUri()
                    : "; the final manifest could not be stored (" + run.finalManifestError() + "); the planned one is " + run.manifestUri();
            if (run.phase() == Phase.NOT_DEPLOYED) {
                throw new RunFailure(failure.code(), failure.status(), failure.message() + "; nothing was merged into project "
                        + run.targetProjectId() + (run.snapshotId() == null ? "" : " (its rollback snapshot " + run.snapshotName()
                        + " (" + run.snapshotId() + ") is left there)") + manifest);
            }
            String restore = run.restoreError() == null
                    ? "; project " + run.targetProjectId() + " was restored from the rollback snapshot " + run.snapshotName()
                    + " (" + run.snapshotId() + ")"
                    : "; restoring project " + run.targetProjectId() + " from the rollback snapshot " + run.snapshotName()
                    + " (" + run.snapshotId() + ") FAILED: " + run.restoreError() + " — check the project";
            throw new RunFailure(failure.code(), failure.status(), "deployment to project " + run.targetProjectId()
                    + " failed after the merge started: " + failure.message() + restore + manifest);
        }
        if (run.finalManifestError() != null) {
            context.output().setAll(out);
            throw new RunFailure(ErrorCode.STORAGE_ERROR, "all " + run.flows().size() + " flows were deployed to project "
                    + run.targetProjectId() + ", but the final manifest could not be stored (" + run.finalManifestError()
                    + "); the planned one is " + run.manifestUri());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("manifest", run.manifestUri());
        details.put("package", run.packageUri());
        details.put("deployed", run.flows().size());
        details.put("rollback_snapshot_id", run.snapshotId());
        details.put("rotated", run.rotated() == null ? null : run.rotated().view());
        details.put("rollback_triggered", false);
        audit.record(context, "DEPLOYMENT_COMPLETED", "SUCCESS", run.resource(), details);
        return out;
    }

    // ---- helpers

    private static FlowPromotionRun taskAdopted(FlowPromotionRun run, String taskId, String status) {
        FlowPromotionRun.Next next = run.next();
        next.taskId = taskId;
        next.taskStatus = status;
        next.phase = switch (run.phase()) {
            case ROTATION_DELETE_DUE -> Phase.ROTATION_DELETE_TASK;
            case SNAPSHOT_POSTING -> Phase.SNAPSHOT_TASK;
            case PACKAGE_POSTING -> Phase.PACKAGE_TASK;
            case UPLOAD_POSTING -> Phase.UPLOAD_TASK;
            case MERGE_POSTING -> Phase.MERGE_TASK;
            case RESTORE_POSTING -> Phase.RESTORE_TASK;
            default -> throw new IllegalStateException("no POST is under way in phase " + run.phase());
        };
        return next.build();
    }

    /** What a read-back of the current POST looks for among the project's tasks (TaskReadBack; names inferred). */
    static TaskReadBack.Expected expected(FlowPromotionRun run) {
        return switch (run.phase()) {
            case SNAPSHOT_POSTING -> new TaskReadBack.Expected("createSnapshot", null, null);
            case PACKAGE_POSTING -> new TaskReadBack.Expected("createPackage", null, null);
            case UPLOAD_POSTING -> new TaskReadBack.Expected("uploadPackage", null, null);
            case MERGE_POSTING -> new TaskReadBack.Expected("mergePackage", "packageId", run.uploadedPackageId());
            case RESTORE_POSTING -> new TaskReadBack.Expected("restoreSnapshot", "snapshotId", run.snapshotId());
            default -> throw new IllegalStateException("no POST is under way in phase " + run.phase());
        };
    }

    static String postName(Phase phase) {
        return switch (phase) {
            case ROTATION_DELETE_DUE, ROTATION_DELETE_TASK -> "snapshot delete";
            case SNAPSHOT_POSTING, SNAPSHOT_TASK -> "rollback snapshot";
            case PACKAGE_POSTING, PACKAGE_TASK -> "package";
            case UPLOAD_POSTING, UPLOAD_TASK -> "package upload";
            case MERGE_POSTING, MERGE_TASK -> "package merge";
            case RESTORE_POSTING, RESTORE_TASK -> "restore";
            default -> phase.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The deleted snapshot as the output and the audit show it (nlu-export's {@code rotated}). */
    private static String packageIdOf(JsonNode task, String what) {
        String id = task.path("data").path("packageId").asText(null);
        if (id == null || id.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, what + " is done but names no package (data.packageId)");
        }
        return id;
    }

    private static Optional<String> snapshotNamed(JsonNode snapshots, String name) {
        if (snapshots != null) {
            for (JsonNode s : snapshots) {
                if (name.equals(s.path("name").asText()) && s.path("_id").isTextual()) {
                    return Optional.of(s.get("_id").asText());
                }
            }
        }
        return Optional.empty();
    }

    private static Set<String> referenceIds(JsonNode items) {
        Set<String> ids = new TreeSet<>();
        if (items != null) {
            for (JsonNode item : items) {
                if (item.path("referenceId").isTextual()) {
                    ids.add(item.get("referenceId").asText());
                }
            }
        }
        return ids;
    }
}
