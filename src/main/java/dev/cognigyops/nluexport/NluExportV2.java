package dev.cognigyops.nluexport;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.Failures;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.polling.PollLoop;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.storage.ArtifactStore;
import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

/**
 * nlu-export on profile cognigy-v2 (docs/contract.md §9): a snapshot of the project, into S3 — with
 * {@code rotate} the oldest {@code cognigy-ops-*} snapshot no endpoint uses deleted first when the project is
 * full; {@code POST snapshots} → task → the snapshot found by its name → {@code POST snapshots/{id}/package} →
 * task → {@code POST snapshots/{id}/downloadlink} (409 until packaged: asked again, a bounded number of
 * times) → the .csnap streamed into S3 as the seeds export streams its artifact ({@link ArtifactDownload},
 * {@link ArtifactStore}) → webhook → audit. The route is {@code direct:nlu-export-v2}
 * ({@code routes/operations/nlu-export.camel.yaml}); each public method is one step's outcome, value in and
 * value out ({@link SnapshotExportRun}); the decisions are {@link SnapshotExportRequest}, {@link SnapshotName},
 * {@link SnapshotRotation} and {@link SnapshotTasks}.
 */
public final class NluExportV2 {

    /** Exchange properties holding listings between two steps, and the download link (never checkpointed). */
    public static final String SNAPSHOTS = "projectSnapshots";
    public static final String ENDPOINTS = "projectEndpoints";
    public static final String LINK = "snapshotDownloadLink";
    static final String LINK_ASKED = "snapshotDownloadLinkAsked";
    /** Read-backs after POSTs whose effect was unknown, before the run gives up. */
    static final int MAX_READ_BACKS = 3;

    private final Settings settings;
    private final ArtifactDownload download;
    private final ArtifactStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NluExportV2.class);

    public NluExportV2(Settings settings, ArtifactDownload download, ArtifactStore store, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.download = download;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    private int limit() {
        return settings.requireInt("cognigy.v2.nlu-export.snapshot-limit");
    }

    /** A new run's state from its payload, or the saved state the run goes on from. */
    public SnapshotExportRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), SnapshotExportRun.class).resumed();
        }
        SnapshotExportRequest request = SnapshotExportRequest.from(run.payload(), run.runId(),
                settings.get("cognigy.s3.bucket", null), settings.get("cognigy.webhook.url", null));
        return SnapshotExportRun.start(request, run.runId(), clock.millis());
    }

    // ---- rotation

    /** Whether the project's listing fills it: only then are its endpoints read. */
    public boolean projectFull(@ExchangeProperty(SNAPSHOTS) JsonNode snapshots) {
        return SnapshotRotation.full(snapshots, limit());
    }

    /**
     * The project counted (and, when full, its endpoints read): the snapshot that goes, or none needed. A
     * full project with no snapshot that may go fails PRECONDITION_FAILED naming the limit.
     */
    public SnapshotExportRun rotationChecked(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                             @ExchangeProperty(SNAPSHOTS) JsonNode snapshots,
                                             @ExchangeProperty(ENDPOINTS) JsonNode endpoints,
                                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        int limit = limit();
        SnapshotRotation.Verdict verdict = SnapshotRotation.decide(snapshots, SnapshotRotation.entrypoints(endpoints), limit);
        Map<String, Object> details = details(run);
        details.put("snapshots_held", verdict.held());
        details.put("snapshot_limit", limit);
        if (verdict.full() && verdict.delete() == null) {
            details.put("rotated", null);
            audit.record(context, "SNAPSHOT_ROTATION", "NONE_DELETABLE", run.resource(), details);
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "project " + run.projectId() + " holds " + verdict.held()
                    + " snapshots, the limit of " + limit + " Cognigy allows, and none can be rotated: no snapshot named "
                    + SnapshotName.OURS + "* that no endpoint uses");
        }
        if (verdict.full()) {
            details.put("rotated", verdict.delete().view());
            audit.record(context, "SNAPSHOT_ROTATION", "DELETE_OLDEST", run.resource(), details);
            log.info("project {} holds {} snapshots (limit {}): deleting the oldest of this program's, {} ({})",
                    run.projectId(), verdict.held(), limit, verdict.delete().name(), verdict.delete().id());
        }
        return run.rotating(verdict.delete());
    }

    /** The DELETE answered 404: the snapshot is gone already (a resumed run that had sent it). */
    public SnapshotExportRun deleteGone(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run) {
        return run.at(SnapshotExportRun.Phase.CREATE_DUE);
    }

    // ---- tasks

    /**
     * A POST (delete, create, package) answered with its task: waited for next. The answer is the task's
     * first state: one already done (or failed) is taken as it is, without a read.
     */
    public SnapshotExportRun taskStarted(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                         @Body JsonNode answer) {
        SnapshotExportRun.Phase requested = switch (run.phase()) {
            case DELETE_DUE -> SnapshotExportRun.Phase.DELETE_REQUESTED;
            case CREATE_DUE, CREATE_UNCERTAIN -> SnapshotExportRun.Phase.CREATE_REQUESTED;
            case PACKAGE_DUE, PACKAGE_UNCERTAIN -> SnapshotExportRun.Phase.PACKAGE_REQUESTED;
            default -> throw new IllegalStateException("no request is due in phase " + run.phase());
        };
        String taskId = answer == null ? null : Json.text(answer, "_id");
        if (taskId == null || taskId.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "Cognigy accepted the request (" + requested + ") but its answer "
                    + "names no task (_id): " + answer);
        }
        SnapshotExportRun waiting = run.waitingFor(requested, taskId, null);
        Task task;
        try {
            task = Task.from(answer);
        } catch (Task.Malformed notYet) {
            return waiting;
        }
        return SnapshotTasks.after(waiting, task, limit());
    }

    /** One read of the task waited for (step of the wait-for-task template). */
    public SnapshotExportRun taskRead(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                      @Body JsonNode answer) {
        return SnapshotTasks.after(run, Task.from(answer), limit());
    }

    // ---- the snapshot

    /** The body of {@code POST snapshots}. */
    public JsonNode createRequest(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run) {
        ObjectNode body = Json.object();
        body.put("projectId", run.projectId());
        body.put("name", run.snapshotName());
        body.put("description", run.description());
        return body;
    }

    /** A POST (snapshots or package) failed with its effect unknown (5xx, timeout): read back before any other POST. */
    public SnapshotExportRun writeUncertain(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run) {
        boolean create = run.createPending();
        log.warn("project {}: the {} of snapshot {} may have taken effect; reading it back", run.projectId(),
                create ? "creation" : "packaging", run.snapshotName());
        return run.uncertain(create ? SnapshotExportRun.Phase.CREATE_UNCERTAIN : SnapshotExportRun.Phase.PACKAGE_UNCERTAIN);
    }

    /**
     * {@code POST snapshots} answered 409 (a snapshot of that name exists): ours when an earlier POST of this run
     * may have taken effect — read back by name; otherwise the name is taken, CONFLICT.
     */
    public SnapshotExportRun createConflict(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run) {
        if (run.createPosts() > 0 || run.readBacks() > 0) {
            return run.at(SnapshotExportRun.Phase.CREATE_UNCERTAIN);
        }
        throw new RunFailure(ErrorCode.CONFLICT, "project " + run.projectId() + " already has a snapshot named "
                + run.snapshotName() + "; a snapshot's name is unique in its project: choose another snapshotName");
    }

    /** Whether the call caught was answered 409 Conflict. */
    public boolean conflictCaught(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable caught) {
        return caught != null && Failures.status(caught) == 409;
    }

    /**
     * The snapshots read back after an uncertain {@code POST snapshots}: the snapshot found by its name was made
     * (on to packaging); not there, the POST is sent again — at most {@value #MAX_READ_BACKS} read-backs.
     */
    public SnapshotExportRun createReadBack(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                            @Body JsonNode snapshots,
                                            @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Optional<SnapshotRotation.Snapshot> found = SnapshotRotation.named(snapshots, run.snapshotName());
        SnapshotExportRun next = run.readBack(SnapshotExportRun.Phase.CREATE_DUE);
        Map<String, Object> details = details(run);
        details.put("read_back", next.readBacks());
        details.put("found", found.map(SnapshotRotation.Snapshot::id).orElse(null));
        audit.record(context, "SNAPSHOT_READ_BACK", found.isPresent() ? "FOUND" : "NOT_FOUND", run.resource(), details);
        if (found.isPresent()) {
            return next.found(found.get().id(), SnapshotExportRun.Phase.PACKAGE_DUE);
        }
        requireReadBacksLeft(next, "no snapshot named " + run.snapshotName() + " appeared");
        return next;
    }

    /** The snapshot made by the task, found by its name in the project's listing. */
    public SnapshotExportRun snapshotFound(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                           @Body JsonNode snapshots) {
        return SnapshotRotation.named(snapshots, run.snapshotName())
                .map(s -> run.found(s.id(), SnapshotExportRun.Phase.PACKAGE_DUE))
                .orElseThrow(() -> new RunFailure(ErrorCode.UPSTREAM_ERROR, "the task creating snapshot " + run.snapshotName()
                        + " is done, but project " + run.projectId() + " lists no snapshot of that name"));
    }

    /**
     * The snapshots read back after an uncertain {@code POST snapshots/{id}/package} (or a resume with it due):
     * {@code isPackaged} — on to the link; otherwise the POST is sent again (a second packaging of the same
     * snapshot is harmless), at most {@value #MAX_READ_BACKS} read-backs.
     */
    public SnapshotExportRun packageReadBack(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                             @Body JsonNode snapshots,
                                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        boolean packaged = false;
        if (snapshots != null && snapshots.isArray()) {
            for (JsonNode s : snapshots) {
                if (run.snapshotId().equals(Json.text(s, "_id"))) {
                    packaged = s.path("isPackaged").asBoolean(false);
                }
            }
        }
        SnapshotExportRun next = run.readBack(packaged ? SnapshotExportRun.Phase.PACKAGED : SnapshotExportRun.Phase.PACKAGE_DUE);
        Map<String, Object> details = details(run);
        details.put("read_back", next.readBacks());
        details.put("is_packaged", packaged);
        audit.record(context, "PACKAGE_READ_BACK", packaged ? "PACKAGED" : "NOT_PACKAGED", run.resource(), details);
        if (!packaged) {
            requireReadBacksLeft(next, "snapshot " + run.snapshotId() + " is still not packaged");
        }
        return next;
    }

    private static void requireReadBacksLeft(SnapshotExportRun next, String what) {
        if (next.readBacks() >= MAX_READ_BACKS) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "project " + next.projectId() + ": after " + next.readBacks()
                    + " requests whose effect was unknown, " + what + "; not asked again");
        }
    }

    // ---- the download link and the transfer

    /** Before the link's poll loop: no link yet, no attempt counted. */
    public void linkWanted(Exchange exchange) {
        exchange.removeProperty(LINK);
        exchange.setProperty(LINK_ASKED, 0);
    }

    /** The link's answer: kept (in the exchange only) and the loop ends. */
    public void linkGiven(Exchange exchange) {
        SnapshotExportRun run = exchange.getProperty(SnapshotExportRun.PROPERTY, SnapshotExportRun.class);
        String link = Json.text(OutboundCalls.response(exchange), "downloadLink");
        if (link == null || link.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "Cognigy answered the download link request of snapshot "
                    + run.snapshotId() + " without a downloadLink");
        }
        exchange.setProperty(LINK, link);
        exchange.removeProperty(OutboundCalls.RESPONSE);
        PollLoop.done(exchange);
    }

    /**
     * The link was refused with 409 (the snapshot is not packaged yet), or its POST failed with its effect
     * unknown (a link asked again is harmless): asked again after the loop's wait, at most
     * cognigy.v2.nlu-export.link-attempts times in all.
     */
    public void linkNotYet(Exchange exchange) {
        SnapshotExportRun run = exchange.getProperty(SnapshotExportRun.PROPERTY, SnapshotExportRun.class);
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int asked = exchange.getProperty(LINK_ASKED, 0, Integer.class) + 1;
        exchange.setProperty(LINK_ASKED, asked);
        exchange.removeProperty(OutboundCalls.CALL);
        int max = settings.requireInt("cognigy.v2.nlu-export.link-attempts");
        String why = caught != null && Failures.status(caught) == 409 ? "409: not packaged yet"
                : "answer unknown (" + (caught == null ? "?" : caught.getMessage()) + ")";
        if (asked >= max) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "no download link for snapshot " + run.snapshotId() + " after "
                    + asked + " requests (cognigy.v2.nlu-export.link-attempts = " + max + "); the last: " + why);
        }
        PollLoop.pending(exchange, "the download link of snapshot " + run.snapshotId() + " was refused " + asked + " times ("
                + why + ")");
    }

    /**
     * The download: a pre-signed link, so never with the API key (nor a token), whatever its origin; when it
     * is on the tenant's origin it takes a permit of the request budget like any call to the tenant.
     */
    public OutboundCall download(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                 @ExchangeProperty(LINK) String link) {
        URI url = NluExport.resolve(URI.create(settings.require("cognigy.base-url")), link);
        return OutboundCall.download(url.toString(), false, "SNAPSHOT_STORED", run.resource());
    }

    /** Streams the .csnap into S3 (retried whole by the route's call configuration), as the seeds export does. */
    public SnapshotExportRun transfer(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                      @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                      @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("export-format", "csnap");
        metadata.put("project-id", run.projectId());
        metadata.put("snapshot-id", run.snapshotId());
        StoredObject stored;
        // null: a pre-signed link gets no credentials of any kind
        try (ArtifactDownload.Opened opened = download.open(URI.create(call.target()), null)) {
            stored = store.store(opened.body(), opened.contentLength(), run.bucket(), run.key(),
                    opened.contentType(), metadata, run.runId());
        }
        Map<String, Object> details = details(run);
        details.put("snapshot_id", run.snapshotId());
        stored.describeInto(details, attempt == null ? 1 : attempt.attempts());
        audit.record(context, "SNAPSHOT_STORED", "SUCCESS", run.resource(), details);
        return run.withStored(stored);
    }

    // ---- webhook and completion

    /** The webhook's payload: seed 000's, with the snapshot for the model. */
    public JsonNode webhookPayload(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run) {
        ObjectNode payload = Json.object();
        payload.put("event", "nlu_model_export_completed");
        payload.put("timestamp", clock.instant().toString());
        ObjectNode data = payload.putObject("data");
        data.put("projectId", run.projectId());
        data.put("snapshotId", run.snapshotId());
        data.put("snapshotName", run.snapshotName());
        data.put("storageLocation", run.stored().uri());
        data.put("artifactSizeBytes", run.stored().sizeBytes());
        data.put("sha256", run.stored().sha256());
        data.put("durationSeconds", seconds(run));
        data.put("status", "SUCCESS");
        return payload;
    }

    public SnapshotExportRun webhookNotified(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                                             @Body JsonNode outcome) {
        return run.withWebhook(Json.MAPPER.convertValue(outcome, Json.MAPPER.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class)));
    }

    /**
     * The last step: the output {@code {snapshotId, snapshotName, s3Uri, artifactSizeBytes, sha256,
     * durationSeconds, rotated?}} and seed 000's audit record.
     */
    public JsonNode complete(@ExchangeProperty(SnapshotExportRun.PROPERTY) SnapshotExportRun run,
                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        StoredObject stored = run.stored();
        double seconds = seconds(run);
        ObjectNode out = Json.object();
        out.put("snapshotId", run.snapshotId());
        out.put("snapshotName", run.snapshotName());
        out.put("s3Uri", stored.uri());
        out.put("artifactSizeBytes", stored.sizeBytes());
        out.put("sha256", stored.sha256());
        out.put("durationSeconds", seconds);
        if (run.rotated() != null) {
            out.set("rotated", Json.MAPPER.valueToTree(run.rotated().view()));
        }
        if (run.webhook() != null) {
            out.set("webhook", Json.MAPPER.valueToTree(run.webhook()));
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("duration_seconds", seconds);
        metrics.put("artifact_size_bytes", stored.sizeBytes());
        metrics.put("storage_destination", stored.uri());
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("encrypted_at_rest", true);
        flags.put("scope_validated", true);
        flags.put("version_constrained", true);
        Map<String, Object> details = details(run);
        details.put("log_type", "nlu_export_audit");
        details.put("snapshot_id", run.snapshotId());
        details.put("sha256", stored.sha256());
        details.put("rotated", run.rotated() == null ? null : run.rotated().view());
        details.put("metrics", metrics);
        details.put("compliance_flags", flags);
        audit.record(context, "EXPORT_COMPLETED", "SUCCESS", run.resource(), details);
        return out;
    }

    private double seconds(SnapshotExportRun run) {
        return Math.round((clock.millis() - run.startedAtMs()) / 10.0) / 100.0;
    }

    private static Map<String, Object> details(SnapshotExportRun run) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("project_id", run.projectId());
        details.put("snapshot_name", run.snapshotName());
        return details;
    }
}
