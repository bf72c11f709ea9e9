package dev.cognigyops.flowdeploy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.Failures;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.storage.ArtifactStore;
import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

/**
 * flow-deploy (seed 003, docs/contract.md#operations): export every flow, validate each against seed 003's schema,
 * resolve references, read each flow's version in the target, store the manifest in S3, push in
 * dependency order and verify each, and on any failure roll back what was pushed, newest first.
 * The route, {@code routes/operations/flow-deploy.camel.yaml}, makes the calls; each public method here is one
 * decision or one step's outcome, taking the run's {@link FlowDeployRun} (and an answer) and
 * returning the next {@link FlowDeployRun} (or a request body, or the output). Nothing here knows
 * Camel's Exchange.
 */
public final class FlowDeploy implements Operation {

    public static final String NAME = "flow-deploy";
    private static final Set<String> FIELDS = Set.of("targetEnvironmentId", "flowIds", "dryRun");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String ID_HINT = "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit";
    /** The exchange property Camel keeps a caught exception in (doCatch). */
    static final String CAUGHT = "CamelExceptionCaught";
    /** The camel-aws2-s3 header with the object's user metadata. */
    static final String S3_METADATA = "CamelAwsS3Metadata";
    /** How many violations (or missing dependencies) the error message lists; the output lists them all. */
    private static final int MESSAGE_LIMIT = 50;

    private final Settings settings;
    private final FlowSchema schema;
    private final ArtifactStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final EnvironmentLocks locks;

    public FlowDeploy(Settings settings, FlowSchema schema, ArtifactStore store, AuditLog audit, EnvironmentLocks locks,
                      Clock clock) {
        this.settings = settings;
        this.locks = locks;
        this.schema = schema;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public void validate(JsonNode payload, Violations v) {
        FlowPromotionRequest.rejectOnSeeds(payload, v);
        v.rejectUnknownFields(FlowPromotionRequest.without(payload, FlowPromotionRequest.COGNIGY_V2_ONLY), "payload.", FIELDS);
        v.requireText(payload, "targetEnvironmentId", "payload.targetEnvironmentId", ID, ID_HINT);
        JsonNode ids = payload.get("flowIds");
        if (ids != null && !ids.isNull()) {
            if (!ids.isArray()) {
                v.add("payload.flowIds", "must be an array of flow ids");
            } else if (ids.isEmpty()) {
                v.add("payload.flowIds", "must name at least one flow when given (leave it out to deploy every flow)");
            } else {
                Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < ids.size(); i++) {
                    JsonNode id = ids.get(i);
                    String path = "payload.flowIds[" + i + "]";
                    if (!id.isTextual()) {
                        v.add(path, "must be a string");
                    } else if (!ID.matcher(id.asText()).matches()) {
                        v.add(path, ID_HINT);
                    } else if (!seen.add(id.asText())) {
                        v.add(path, "repeats " + id.asText());
                    }
                }
            }
        }
        JsonNode dryRun = payload.get("dryRun");
        if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
            v.add("payload.dryRun", "must be true or false");
        }
        if (settings.get("cognigy.s3.bucket").isEmpty()) {
            v.add("payload", "a manifest bucket is needed: the setting cognigy.s3.bucket is not set");
        }
    }

    /** Built for profile cognigy-v2: flows promoted between projects as a package (FlowDeployV2, route direct:flow-deploy-v2). */
    @Override
    public boolean onCognigyV2() {
        return true;
    }

    @Override
    public void validateOnCognigyV2(JsonNode payload, Violations v) {
        FlowPromotionRequest.validate(payload, v);
        if (settings.get("cognigy.s3.bucket").isEmpty()) {
            v.add("payload", "a manifest bucket is needed: the setting cognigy.s3.bucket is not set");
        }
    }

    // ---- export: every page of the flow listing, then the target's intents and entities

    /**
     * First step: a new run's state from its payload, or the saved state the run goes on from. A
     * deployment (not a dry run) holds its target environment until the run ends.
     */
    public FlowDeployRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        FlowDeployRun run;
        if (context.resumeFrom() != null) {
            run = Json.MAPPER.convertValue(context.resumeFrom(), FlowDeployRun.class);
        } else {
            JsonNode payload = context.payload();
            List<String> ids = null;
            if (payload.path("flowIds").isArray()) {
                ids = new ArrayList<>();
                for (JsonNode id : payload.path("flowIds")) {
                    ids.add(id.asText());
                }
            }
            String environment = context.payloadText("targetEnvironmentId", null);
            String manifestKey = settings.require("cognigy.flow-deploy.manifest-prefix") + "/" + environment + "/"
                    + context.runId() + ".json";
            run = FlowDeployRun.started(context.runId(), environment, ids, payload.path("dryRun").asBoolean(false),
                    clock.millis(), manifestKey, pager("flows"));
        }
        if (!run.dryRun()) {
            // a dry run pushes nothing, so it need not wait for, nor hold off, a deployment
            String holder = locks.claim(run.environment(), run.runId());
            if (holder != null) {
                throw new RunFailure(ErrorCode.CONFLICT, "flow-deploy run " + holder + " is deploying to "
                        + run.environment() + " now; nothing was done: run again when it has finished");
            }
            String environment = run.environment();
            String runId = run.runId();
            context.whenFinished(() -> locks.release(environment, runId));
        }
        return run;
    }

    /** Paging step: take the page of the listing being read. */
    public FlowDeployRun pageRead(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run, @Body JsonNode page) {
        return run.withPage(page);
    }

    /**
     * Step: select the requested flows and validate every one against the flow schema; any
     * violation fails the run, listing them all, before anything is pushed. Then the target's
     * intents are read when a flow references one.
     */
    public FlowDeployRun validateFlows(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                       @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        List<JsonNode> exported = run.listing().items();
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode flow : exported) {
            if (flow.path("id").isTextual()) {
                byId.putIfAbsent(flow.path("id").asText(), flow);
            }
        }
        List<JsonNode> selected;
        if (run.flowIds() == null) {
            selected = exported;
        } else {
            List<String> unknown = run.flowIds().stream().filter(id -> !byId.containsKey(id)).toList();
            if (!unknown.isEmpty()) {
                throw new RunFailure(ErrorCode.NOT_FOUND, "flowIds not among the " + exported.size()
                        + " exported flows: " + String.join(", ", unknown) + "; nothing was pushed");
            }
            selected = run.flowIds().stream().map(byId::get).toList();
        }
        List<FlowSchema.Violation> violations = schema.checkAll(selected);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("exported", exported.size());
        details.put("pages", run.listing().pages());
        details.put("selected", selected.size());
        details.put("violations", violations.stream().map(FlowSchema.Violation::toString).toList());
        if (!violations.isEmpty()) {
            Set<String> invalid = new TreeSet<>();
            violations.forEach(x -> invalid.add(x.flow()));
            ArrayNode list = context.output().putArray("violations");
            violations.forEach(x -> list.addObject().put("flowId", x.flow()).put("path", x.path()).put("message", x.message()));
            audit.record(context, "FLOWS_VALIDATED", "FAILURE", "flows", details);
            String shown = violations.stream().limit(MESSAGE_LIMIT).map(FlowSchema.Violation::toString)
                    .collect(Collectors.joining(" | "));
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, invalid.size() + " of " + selected.size()
                    + " flows break the flow schema (" + violations.size() + " violations); nothing was pushed: " + shown
                    + (violations.size() > MESSAGE_LIMIT ? " | … (all " + violations.size() + " in output.violations)" : ""));
        }
        audit.record(context, "FLOWS_VALIDATED", "SUCCESS", "flows", details);
        Map<String, JsonNode> flows = new LinkedHashMap<>();
        selected.forEach(f -> flows.put(f.path("id").asText(), f));
        return run.validated(flows, new ArrayList<>(byId.keySet()),
                DependencyResolver.referenced(selected, "intent").isEmpty() ? null : pager("intents"));
    }

    /** Step: the target's intents are in (if read); its entities are read next when a flow references one. */
    public FlowDeployRun intentsListed(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.intentsListed(DependencyResolver.referenced(run.flows().values(), "entity").isEmpty()
                ? null : pager("entities"));
    }

    public FlowDeployRun entitiesListed(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.entitiesListed();
    }

    /**
     * Step: the dependency graph and push order. A flow referenced by a selected one but not
     * selected itself is not pushed; its status in the target is read next, to see it is there.
     */
    public FlowDeployRun resolveDependencies(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.resolved(DependencyResolver.resolve(new ArrayList<>(run.flows().values()), Set.copyOf(run.exportedIds()),
                ids(run.targetIntents()), ids(run.targetEntities()), run.environment()));
    }

    // ---- each flow's status in the target

    /** Step: keep the version the flow has in the target now: the one a rollback returns to. */
    public FlowDeployRun versionRead(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run, @Body JsonNode status) {
        String id = run.currentFlow();
        String version = Json.text(status, "version");
        if ((version == null || version.isBlank()) && run.flows().containsKey(id)) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the status of flow " + id + " in " + run.environment()
                    + " has no version, so it could not be restored; nothing was pushed: " + status);
        }
        return run.versionRead(version);
    }

    /** doCatch condition: the flow's status read was a 404, i.e. the flow is new in the target. */
    public boolean isNotInTarget(@ExchangeProperty(CAUGHT) Throwable failure) {
        return failure != null && Failures.status(failure) == 404;
    }

    /** Step: the flow is new in the target; it has no previous version. */
    public FlowDeployRun newInTarget(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.notInTarget();
    }

    /**
     * Step: every missing flow, intent or entity fails the run, all named; otherwise the current
     * version in the target of every flow to push is read next.
     */
    public FlowDeployRun checkDependencies(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                           @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        DependencyResolver.Resolution resolution = run.resolution();
        List<String> missingList = resolution.missingInTarget(run.previousVersions().keySet(), run.environment());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("flows", run.flows().size());
        details.put("missing", missingList);
        details.put("cycles", resolution.cycles());
        details.put("brokenEdges", resolution.brokenEdges());
        details.put("referencedInTarget", resolution.outsideSelection().keySet().stream()
                .filter(run.previousVersions()::containsKey).toList());
        boolean missing = !missingList.isEmpty();
        audit.record(context, "DEPENDENCIES_RESOLVED", missing ? "FAILURE" : "SUCCESS",
                "environment:" + run.environment(), details);
        if (missing) {
            ArrayNode list = context.output().putArray("missingDependencies");
            missingList.forEach(list::add);
            throw new RunFailure(ErrorCode.DEPENDENCY_MISSING, missingList.size() + " missing dependencies; nothing was pushed: "
                    + String.join(" | ", missingList.subList(0, Math.min(MESSAGE_LIMIT, missingList.size())))
                    + (missingList.size() > MESSAGE_LIMIT ? " | … (all " + missingList.size() + " in output.missingDependencies)" : ""));
        }
        return run.dependenciesChecked();
    }

    /** Step: every flow's previous version is known; the manifest is dated now. */
    public FlowDeployRun previousRecorded(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.previousRecorded(clock.millis());
    }

    // ---- the manifest (written by camel-aws2-s3 in the route)

    /** The manifest as it stands, as the bytes stored. */
    public byte[] manifestBytes(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return Json.write(run.manifestDocument().toJson()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The object's user metadata: the SHA-256 of its bytes. */
    public Map<String, String> manifestMetadata(@Body byte[] manifest) {
        return Map.of("sha256", sha256(manifest));
    }

    /** Step: the manifest is in S3 (the planned one before any push, or the final one). */
    public FlowDeployRun manifestStored(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run, @Body byte[] manifest,
                                        @Header(S3_METADATA) Map<String, String> metadata,
                                        @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        StoredObject stored = new StoredObject(settings.require("cognigy.s3.bucket"), run.manifestKey(), manifest.length,
                metadata.get("sha256"), 0);
        FlowDeployRun next = run.manifestStored(stored);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stage", next.phase() == FlowDeployRun.Phase.MANIFEST_STORED ? "planned" : "final");
        details.put("outcome", run.manifestDocument().outcome());
        details.put("flows", run.flows().size());
        details.put("sha256", stored.sha256());
        details.put("server_side_encryption", "AES256");
        audit.record(context, "MANIFEST_STORED", "SUCCESS", stored.uri(), details);
        context.output().put("manifestUri", stored.uri());
        return next;
    }

    /** Step (catch): S3 did not take the manifest: a STORAGE_ERROR naming S3 and the object. */
    public void manifestNotStored(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                  @ExchangeProperty(CAUGHT) Throwable failure,
                                  @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String bucket = settings.require("cognigy.s3.bucket");
        RunFailure named = store.storingFailed(failure, bucket, run.manifestKey());
        audit.record(context, "MANIFEST_STORED", "FAILURE", "s3://" + bucket + "/" + run.manifestKey(),
                Map.of("stage", run.isBefore(FlowDeployRun.Phase.MANIFEST_STORED.name()) ? "planned" : "final",
                        "error", named.getMessage()));
        throw named;
    }

    /** Step (catch): the final manifest could not be stored; the result says so, after what the run did. */
    public FlowDeployRun finalManifestNotStored(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                                @ExchangeProperty(CAUGHT) Throwable failure) {
        return run.finalStoreFailed(failure == null ? "no reason given" : failure.getMessage());
    }

    // ---- push, verify

    /** Step: the pushes begin (a resumed run goes on from the flow it was at). */
    public FlowDeployRun startPushing(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.isBefore(FlowDeployRun.Phase.PUSHING.name()) ? run.pushing() : run;
    }

    /** The import request of the flow being pushed. */
    public JsonNode importRequest(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        ObjectNode body = Json.object();
        body.set("flow", run.flows().get(run.currentFlow()));
        body.put("environmentId", run.environment());
        return body;
    }

    /**
     * Step of a resumed run, before an import that may have been sent before the crash: when the
     * target has the flow at the version being pushed (deployed or on its way), the import was taken.
     */
    public FlowDeployRun importFoundInTarget(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                             @Body JsonNode answer, @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String id = run.currentFlow();
        String pushedVersion = run.flows().get(id).path("version").asText();
        VerifyStatus found = VerifyStatus.of(Json.text(answer, "status"));
        if (pushedVersion.equals(Json.text(answer, "version"))
                && (found == VerifyStatus.DEPLOYED || found == VerifyStatus.PENDING)) {
            audit.record(context, "FLOW_IMPORT_FOUND", "SUCCESS", run.resource(id),
                    Map.of("version", pushedVersion, "status", String.valueOf(Json.text(answer, "status"))));
            return run.imported();
        }
        return run;
    }

    /** Step: the import was taken; from now on the flow is one to roll back on failure. */
    public FlowDeployRun flowImported(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.imported();
    }

    /** Verify poll step: {@code deployed} at the pushed version is done; a failure state fails the push. */
    public FlowDeployRun verificationRead(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                          @Body JsonNode answer) {
        String id = run.currentFlow();
        String status = Json.text(answer, "status");
        String version = Json.text(answer, "version");
        String pushedVersion = run.flows().get(id).path("version").asText();
        return switch (VerifyStatus.of(status, version, pushedVersion)) {
            case DEPLOYED -> run.verified();
            case PENDING -> run.verifying("flow " + id + " is " + status + " in " + run.environment()
                    + (version == null || version.equals(pushedVersion) ? "" : " at version " + version + ", not the pushed " + pushedVersion));
            case FAILED -> throw new RunFailure(ErrorCode.JOB_FAILED, "flow " + id + " was imported but "
                    + run.environment() + " reports it '" + status + "'");
            default -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "flow " + id + " was imported but its status in "
                    + run.environment() + " is '" + status + "', not one flow-deploy knows");
        };
    }

    /** Step: the flow is deployed; on to the next. */
    public FlowDeployRun flowVerified(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String id = run.currentFlow();
        audit.record(context, "FLOW_VERIFIED", "SUCCESS", run.resource(id),
                Map.of("status", "deployed", "version", run.flows().get(id).path("version").asText()));
        return run.deployedOne();
    }

    // ---- failure: roll back what was pushed, newest first

    /** Step (catch): note which flow failed and why; every flow whose import was taken is rolled back, newest first. */
    public FlowDeployRun pushFailed(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                    @ExchangeProperty(CAUGHT) Throwable failure,
                                    @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                    @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                    @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        var error = ErrorClassifier.classify(failure, call == null ? null : call.describe(),
                attempt == null ? 0 : attempt.attempts());
        String failed = run.currentFlow();
        List<String> queue = new ArrayList<>();
        for (String id : run.resolution().order()) {
            if (run.pushes().containsKey(id)) {
                queue.add(id);
            }
        }
        boolean uncertain = false;
        if (!run.pushes().containsKey(failed) && importMayHaveBeenApplied(Failures.status(failure))) {
            // the import did not answer it was refused: it may have been applied, so it is put back too
            uncertain = true;
            queue.add(failed);
        }
        Collections.reverse(queue);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("error", error.message());
        details.put("rollback", queue);
        audit.record(context, "FLOW_PUSH_FAILED", "FAILURE", run.resource(failed), details);
        return run.pushFailed(new FlowDeployRun.Failure(failed, error.code(), error.message(), uncertain), queue);
    }

    /**
     * Whether an import that finally failed with {@code httpStatus} (0: no answer, e.g. a timeout or
     * a reset connection) may still have been applied by the target: anything but a 4xx refusal
     * (408, a request timeout, is no refusal).
     */
    static boolean importMayHaveBeenApplied(int httpStatus) {
        return httpStatus < 400 || httpStatus >= 500 || httpStatus == 408;
    }

    /** Rollback step: a flow that was new in the target cannot be restored, and is said so. */
    public FlowDeployRun notRestorable(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                       @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String id = run.currentFlow();
        FlowDeployRun.Failure failure = run.failure();
        boolean failedOne = id.equals(failure.flowId());
        String note = failedOne && failure.uncertainImport()
                ? "new in " + run.environment() + " (no previous version): its import failed (" + failure.message()
                + ") but may have been applied, and cannot be undone: check whether it is there"
                : "new in " + run.environment() + " (no previous version): cannot be restored, left as pushed"
                + (failedOne ? "; it failed: " + failure.message() : "");
        audit.record(context, "FLOW_NOT_RESTORABLE", "FAILURE", run.resource(id), Map.of("reason", note));
        return run.rollbackOutcome(FlowManifest.Status.NOT_RESTORABLE, note);
    }

    /** The rollback request: back to the version recorded before the push. */
    public JsonNode rollbackRequest(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        ObjectNode body = Json.object();
        body.put("targetVersion", run.previousVersions().get(run.currentFlow()));
        body.put("environmentId", run.environment());
        return body;
    }

    public FlowDeployRun rolledBack(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        String id = run.currentFlow();
        return run.rollbackOutcome(FlowManifest.Status.ROLLED_BACK, "restored to " + run.previousVersions().get(id)
                + (id.equals(run.failure().flowId()) ? " after it failed: " + run.failure().message() : ""));
    }

    /** Rollback step (catch): the rollback failed; the others are still attempted. */
    public FlowDeployRun rollbackFailed(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                                        @ExchangeProperty(CAUGHT) Throwable failure,
                                        @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                        @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        String message = ErrorClassifier.classify(failure, call == null ? null : call.describe(),
                attempt == null ? 0 : attempt.attempts()).message();
        return run.rollbackOutcome(FlowManifest.Status.ROLLBACK_FAILED, message);
    }

    public FlowDeployRun rollbackDone(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run) {
        return run.rollbackDone();
    }

    // ---- the end

    /**
     * The last step: the output, and the run's closing audit record. A deployment that failed
     * ends FAILED naming the flow, why, and what was undone; one whose final manifest could not be
     * stored ends STORAGE_ERROR, saying its flows are live.
     */
    public JsonNode finish(@ExchangeProperty(FlowDeployRun.PROPERTY) FlowDeployRun run,
                           @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        ObjectNode out = Json.object();
        out.put("manifestUri", run.manifest().uri());
        out.set("manifest", run.manifestDocument().toJson());
        ArrayNode deployed = out.putArray("deployed");
        run.deployed().forEach(deployed::add);
        List<String> rolledBack = run.rolledBackAs(FlowManifest.Status.ROLLED_BACK);
        ArrayNode rolled = out.putArray("rolledBack");
        rolledBack.forEach(rolled::add);
        String environment = "environment:" + run.environment();
        if (run.dryRun()) {
            audit.record(context, "DRY_RUN_COMPLETED", "SUCCESS", environment,
                    Map.of("manifest", run.manifest().uri(), "flows", run.flows().size()));
            return out;
        }
        FlowDeployRun.Failure failure = run.failure();
        if (failure != null) {
            context.output().setAll(out);
            List<String> notRestorable = run.rolledBackAs(FlowManifest.Status.NOT_RESTORABLE);
            List<String> rollbackFailed = run.rolledBackAs(FlowManifest.Status.ROLLBACK_FAILED);
            StringBuilder message = new StringBuilder("flow ").append(failure.flowId()).append(" failed: ")
                    .append(failure.message());
            message.append("; rolled back: ").append(rolledBack.isEmpty() ? "none" : String.join(", ", rolledBack));
            if (!notRestorable.isEmpty()) {
                message.append("; not restorable (new in the target): ").append(String.join(", ", notRestorable));
            }
            if (!rollbackFailed.isEmpty()) {
                message.append("; rollback failed: ").append(String.join(", ", rollbackFailed));
            }
            message.append(run.finalStoreError() == null ? "; manifest " + run.manifest().uri()
                    : "; the final manifest could not be stored (" + run.finalStoreError() + "); the planned one is "
                    + run.manifest().uri());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("failed_flow", failure.flowId());
            details.put("deployed_before_failure", run.deployed());
            details.put("rolled_back", rolledBack);
            details.put("not_restorable", notRestorable);
            details.put("rollback_failed", rollbackFailed);
            details.put("rollback_triggered", true);
            audit.record(context, "DEPLOYMENT_FAILED", "FAILURE", environment, details);
            throw new RunFailure(failure.code(), message.toString());
        }
        if (run.finalStoreError() != null) {
            // the flows are live: the result must say so, not only that a store failed
            context.output().setAll(out);
            throw new RunFailure(ErrorCode.STORAGE_ERROR, "all " + run.deployed().size() + " flows were deployed"
                    + " and verified in " + run.environment() + ", but the final manifest could not be stored ("
                    + run.finalStoreError() + "); the planned one is " + run.manifest().uri());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("manifest", run.manifest().uri());
        details.put("deployed", run.deployed().size());
        details.put("cycles", run.resolution().cycles());
        details.put("rollback_triggered", false);
        audit.record(context, "DEPLOYMENT_COMPLETED", "SUCCESS", environment, details);
        return out;
    }

    // ---- helpers

    private Pager pager(String what) {
        return new Pager(what, Integer.parseInt(settings.require("cognigy.flow-deploy.page-size")),
                Integer.parseInt(settings.require("cognigy.flow-deploy.max-pages")));
    }

    private static Set<String> ids(List<String> ids) {
        return ids == null ? Set.of() : new TreeSet<>(ids);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
