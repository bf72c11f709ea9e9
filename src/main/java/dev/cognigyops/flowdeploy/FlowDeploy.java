package dev.cognigyops.flowdeploy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
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

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.http.ErrorClassifier;
import dev.cognigyops.http.Failures;
import dev.cognigyops.http.OutboundCall;
import dev.cognigyops.http.OutboundCalls;
import dev.cognigyops.poll.PollLoop;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.storage.ArtifactStore;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

/**
 * flow-deploy (seed 003, SPEC §5): export every flow, validate each against seed 003's schema,
 * resolve references, read each flow's version in the target, store the manifest in S3, push in
 * dependency order and verify each, and on any failure roll back what was pushed, newest first.
 * Each public method is one step of {@code routes/flow-deploy.camel.yaml}.
 */
public final class FlowDeploy implements Operation {

    public static final String NAME = "flow-deploy";
    static final String DEFAULT_SCOPES = "flows:read flows:write environments:read deployments:manage";
    private static final Set<String> FIELDS = Set.of("targetEnvironmentId", "flowIds", "dryRun");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String ID_HINT = "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit";
    /** How many violations (or missing dependencies) the error message lists; the output lists them all. */
    private static final int MESSAGE_LIMIT = 50;

    private final Settings settings;
    private final FlowSchema schema;
    private final ArtifactStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final EnvironmentLocks locks = new EnvironmentLocks();

    public FlowDeploy(Settings settings, FlowSchema schema, ArtifactStore store, AuditLog audit, Clock clock) {
        this.settings = settings;
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
    public Set<String> scopes() {
        return settings.scopes(NAME, DEFAULT_SCOPES);
    }

    @Override
    public void validate(JsonNode payload, Violations v) {
        v.rejectUnknownFields(payload, "payload.", FIELDS);
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

    // ---- export: every page of the flow listing, then the target's intents and entities

    /** Step: remember the request and start reading the flow listing. */
    public void begin(Exchange exchange) {
        RunContext run = RunContext.of(exchange);
        JsonNode payload = run.payload();
        List<String> ids = null;
        if (payload.path("flowIds").isArray()) {
            ids = new ArrayList<>();
            for (JsonNode id : payload.path("flowIds")) {
                ids.add(id.asText());
            }
        }
        var state = new DeployState(run.payloadText("targetEnvironmentId", null), ids,
                payload.path("dryRun").asBoolean(false), clock.instant());
        if (!state.dryRun) {
            // a dry run pushes nothing, so it need not wait for, nor hold off, a deployment
            String holder = locks.claim(state.environment, run.runId());
            if (holder != null) {
                throw new RunFailure(ErrorCode.CONFLICT, "flow-deploy run " + holder + " is deploying to "
                        + state.environment + " now; nothing was done: run again when it has finished");
            }
            String environment = state.environment;
            String runId = run.runId();
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    locks.release(environment, runId);
                }
            });
        }
        state.flowPages = pager("flows");
        state.pager = state.flowPages;
        exchange.setProperty(DeployState.PROPERTY, state);
    }

    /** The paging loop's condition: is there a listing with a page still to read? */
    public boolean hasMorePages(Exchange exchange) {
        Pager pager = state(exchange).pager;
        return pager != null && pager.hasNext();
    }

    /** Paging step: ask for the next page of the listing being read. */
    public void readPage(Exchange exchange) {
        DeployState state = state(exchange);
        Pager pager = state.pager;
        Map<String, String> query = new LinkedHashMap<>();
        OutboundCall call;
        if (pager == state.flowPages) {
            call = OutboundCall.cognigy("GET", settings.get("cognigy.api.flows", "/api/v2/flows"), null,
                    "FLOWS_PAGE_READ", "flows");
        } else {
            boolean intents = pager == state.intentPages;
            call = OutboundCall.cognigy("GET", intents ? settings.get("cognigy.api.intents", "/api/v2/intents")
                            : settings.get("cognigy.api.entities", "/api/v2/entities"), null,
                    intents ? "TARGET_INTENTS_READ" : "TARGET_ENTITIES_READ", "environment:" + state.environment);
            query.put("environmentId", state.environment);
        }
        query.put("limit", Integer.toString(pager.pageSize()));
        query.put("offset", Integer.toString(pager.nextOffset()));
        call(exchange, call.withQuery(query));
    }

    /** Paging step: take the page. */
    public void pageRead(Exchange exchange) {
        state(exchange).pager.accept(OutboundCalls.response(exchange));
    }

    /**
     * Step: select the requested flows and validate every one against the flow schema; any
     * violation fails the run, listing them all, before anything is pushed. Then read the
     * target's intents when a flow references one.
     */
    public void validateFlows(Exchange exchange) {
        DeployState state = state(exchange);
        List<JsonNode> exported = state.flowPages.items();
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode flow : exported) {
            if (flow.path("id").isTextual()) {
                byId.putIfAbsent(flow.path("id").asText(), flow);
            }
        }
        state.exportedIds = byId.keySet();
        List<JsonNode> selected;
        if (state.flowIds == null) {
            selected = exported;
        } else {
            List<String> unknown = state.flowIds.stream().filter(id -> !byId.containsKey(id)).toList();
            if (!unknown.isEmpty()) {
                throw new RunFailure(ErrorCode.NOT_FOUND, "flowIds not among the " + exported.size()
                        + " exported flows: " + String.join(", ", unknown) + "; nothing was pushed");
            }
            selected = state.flowIds.stream().map(byId::get).toList();
        }
        List<FlowSchema.Violation> violations = schema.checkAll(selected);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("exported", exported.size());
        details.put("pages", state.flowPages.pages());
        details.put("selected", selected.size());
        details.put("violations", violations.stream().map(FlowSchema.Violation::toString).toList());
        if (!violations.isEmpty()) {
            Set<String> invalid = new TreeSet<>();
            violations.forEach(x -> invalid.add(x.flow()));
            ArrayNode list = RunContext.of(exchange).output().putArray("violations");
            violations.forEach(x -> list.addObject().put("flowId", x.flow()).put("path", x.path()).put("message", x.message()));
            audit.record(RunContext.of(exchange), "FLOWS_VALIDATED", "FAILURE", "flows", details);
            String shown = violations.stream().limit(MESSAGE_LIMIT).map(FlowSchema.Violation::toString)
                    .collect(Collectors.joining(" | "));
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, invalid.size() + " of " + selected.size()
                    + " flows break the flow schema (" + violations.size() + " violations); nothing was pushed: " + shown
                    + (violations.size() > MESSAGE_LIMIT ? " | … (all " + violations.size() + " in output.violations)" : ""));
        }
        audit.record(RunContext.of(exchange), "FLOWS_VALIDATED", "SUCCESS", "flows", details);
        selected.forEach(f -> state.flows.put(f.path("id").asText(), f));
        state.intentPages = DependencyResolver.referenced(selected, "intent").isEmpty() ? null : pager("intents");
        state.pager = state.intentPages;
    }

    /** Step: read the target's entities when a flow references one. */
    public void listEntities(Exchange exchange) {
        DeployState state = state(exchange);
        state.entityPages = DependencyResolver.referenced(state.flows.values(), "entity").isEmpty() ? null : pager("entities");
        state.pager = state.entityPages;
    }

    /**
     * Step: the dependency graph and push order. A flow referenced by a selected one but not
     * selected itself is not pushed; its status in the target is read next, to see it is there.
     */
    public void resolveDependencies(Exchange exchange) {
        DeployState state = state(exchange);
        state.pager = null;
        state.resolution = DependencyResolver.resolve(new ArrayList<>(state.flows.values()), state.exportedIds,
                ids(state.intentPages), ids(state.entityPages), state.environment);
        readStatuses(state, new ArrayList<>(state.resolution.outsideSelection().keySet()));
    }

    /**
     * Step: every missing flow, intent or entity fails the run, all named; otherwise read the
     * current version in the target of every flow to push.
     */
    public void checkDependencies(Exchange exchange) {
        DeployState state = state(exchange);
        List<String> missingList = state.resolution.missingInTarget(state.previousVersions.keySet(), state.environment);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("flows", state.flows.size());
        details.put("missing", missingList);
        details.put("cycles", state.resolution.cycles());
        details.put("brokenEdges", state.resolution.brokenEdges());
        details.put("referencedInTarget", state.resolution.outsideSelection().keySet().stream()
                .filter(state.previousVersions::containsKey).toList());
        boolean missing = !missingList.isEmpty();
        audit.record(RunContext.of(exchange), "DEPENDENCIES_RESOLVED", missing ? "FAILURE" : "SUCCESS",
                "environment:" + state.environment, details);
        if (missing) {
            ArrayNode list = RunContext.of(exchange).output().putArray("missingDependencies");
            missingList.forEach(list::add);
            throw new RunFailure(ErrorCode.DEPENDENCY_MISSING, missingList.size() + " missing dependencies; nothing was pushed: "
                    + String.join(" | ", missingList.subList(0, Math.min(MESSAGE_LIMIT, missingList.size())))
                    + (missingList.size() > MESSAGE_LIMIT ? " | … (all " + missingList.size() + " in output.missingDependencies)" : ""));
        }
        readStatuses(state, state.resolution.order());
    }

    // ---- each flow's current version in the target

    public boolean hasMoreStatusReads(Exchange exchange) {
        DeployState state = state(exchange);
        return state.statusIndex < state.statusQueue.size();
    }

    /** Step: ask for the flow's status in the target. */
    public void readPreviousVersion(Exchange exchange) {
        DeployState state = state(exchange);
        call(exchange, statusCall(state, state.statusQueue.get(state.statusIndex), "FLOW_STATUS_READ"));
    }

    /** Step: keep the version the flow has in the target now: the one a rollback returns to. */
    public void previousVersionRead(Exchange exchange) {
        DeployState state = state(exchange);
        String id = state.statusQueue.get(state.statusIndex);
        String version = Json.text(OutboundCalls.response(exchange), "version");
        if ((version == null || version.isBlank()) && state.flows.containsKey(id)) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the status of flow " + id + " in " + state.environment
                    + " has no version, so it could not be restored; nothing was pushed: " + OutboundCalls.response(exchange));
        }
        state.previousVersions.put(id, version);
        state.statusIndex++;
    }

    /** doCatch condition: the flow's status read was a 404, i.e. the flow is new in the target. */
    public boolean isNotInTarget(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return failure != null && Failures.status(failure) == 404;
    }

    /** Step: the flow is new in the target; it has no previous version. */
    public void newInTarget(Exchange exchange) {
        state(exchange).statusIndex++;
    }

    private static void readStatuses(DeployState state, List<String> flowIds) {
        state.statusQueue = flowIds;
        state.statusIndex = 0;
    }

    // ---- the manifest

    /** Step: build the manifest and store it in S3, before anything is pushed. */
    public void storePlannedManifest(Exchange exchange) {
        DeployState state = state(exchange);
        RunContext run = RunContext.of(exchange);
        state.manifest = new FlowManifest(run.runId(), clock.instant(), state.environment, state.dryRun,
                state.flows, state.previousVersions, state.resolution);
        state.manifestKey = settings.get("cognigy.flow-deploy.manifest-prefix", "manifests") + "/"
                + state.environment + "/" + run.runId() + ".json";
        storeManifest(exchange, "planned");
        run.output().put("manifestUri", state.manifestStored.uri());
    }

    public boolean isDryRun(Exchange exchange) {
        return state(exchange).dryRun;
    }

    /** Step: a dry run ends with the manifest; nothing is pushed. */
    public void dryRunFinished(Exchange exchange) {
        DeployState state = state(exchange);
        output(exchange);
        audit.record(RunContext.of(exchange), "DRY_RUN_COMPLETED", "SUCCESS", "environment:" + state.environment,
                Map.of("manifest", state.manifestStored.uri(), "flows", state.flows.size()));
    }

    // ---- push, verify

    public boolean hasMorePushes(Exchange exchange) {
        DeployState state = state(exchange);
        return state.pushIndex < state.resolution.order().size();
    }

    /** Step: import the next flow into the target. */
    public void pushFlow(Exchange exchange) {
        DeployState state = state(exchange);
        String id = state.pushing();
        ObjectNode body = Json.object();
        body.set("flow", state.flows.get(id));
        body.put("environmentId", state.environment);
        call(exchange, OutboundCall.cognigy("POST", settings.get("cognigy.api.flow-import", "/api/v2/flows/import"),
                body, "FLOW_PUSHED", state.resource(id)));
    }

    /** Step: the import was taken; from now on the flow is one to roll back on failure. */
    public void flowImported(Exchange exchange) {
        DeployState state = state(exchange);
        state.pushed.add(state.pushing());
    }

    /** Verify poll step: ask for the pushed flow's status. */
    public void readVerification(Exchange exchange) {
        DeployState state = state(exchange);
        call(exchange, statusCall(state, state.pushing(), "FLOW_VERIFY_READ"));
    }

    /** Verify poll step: {@code deployed} at the pushed version is done; a failure state fails the push. */
    public void verificationRead(Exchange exchange) {
        DeployState state = state(exchange);
        String id = state.pushing();
        String status = Json.text(OutboundCalls.response(exchange), "status");
        String version = Json.text(OutboundCalls.response(exchange), "version");
        String pushedVersion = state.manifest.entry(id).version();
        switch (VerifyStatus.of(status, version, pushedVersion)) {
            case DEPLOYED -> PollLoop.done(exchange);
            case PENDING -> PollLoop.pending(exchange, "flow " + id + " is " + status + " in " + state.environment
                    + (version == null || version.equals(pushedVersion) ? "" : " at version " + version + ", not the pushed " + pushedVersion));
            case FAILED -> throw new RunFailure(ErrorCode.JOB_FAILED, "flow " + id + " was imported but "
                    + state.environment + " reports it '" + status + "'");
            default -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "flow " + id + " was imported but its status in "
                    + state.environment + " is '" + status + "', not one flow-deploy knows");
        }
    }

    /** Step: the flow is deployed; on to the next. */
    public void flowVerified(Exchange exchange) {
        DeployState state = state(exchange);
        String id = state.pushing();
        state.manifest.mark(id, FlowManifest.Status.DEPLOYED, null);
        state.deployed.add(id);
        audit.record(RunContext.of(exchange), "FLOW_VERIFIED", "SUCCESS", state.resource(id),
                Map.of("status", "deployed", "version", state.manifest.entry(id).version()));
        state.pushIndex++;
    }

    // ---- failure: roll back what was pushed, newest first

    /** doCatch condition: the failure happened while pushing or verifying a flow (not after the last one). */
    public boolean isPushFailure(Exchange exchange) {
        DeployState state = state(exchange);
        return state.pushIndex < state.resolution.order().size();
    }

    /** Step (catch): note which flow failed and why; every flow whose import was taken is rolled back, newest first. */
    public void pushFailed(Exchange exchange) {
        DeployState state = state(exchange);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var error = ErrorClassifier.classify(failure, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange));
        exchange.removeProperty(OutboundCalls.CALL);
        state.failedFlow = state.pushing();
        state.failureCode = error.code();
        state.failureMessage = error.message();
        state.manifest.mark(state.failedFlow, FlowManifest.Status.FAILED, error.message());
        state.manifest.failed(state.failedFlow, error.message());
        List<String> queue = new ArrayList<>(state.pushed);
        if (!state.pushed.contains(state.failedFlow) && importMayHaveBeenApplied(Failures.status(failure))) {
            // the import did not answer it was refused: it may have been applied, so it is put back too
            state.uncertainImport = true;
            queue.add(state.failedFlow);
        }
        Collections.reverse(queue);
        state.rollbackQueue = queue;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("error", error.message());
        details.put("rollback", queue);
        audit.record(RunContext.of(exchange), "FLOW_PUSH_FAILED", "FAILURE", state.resource(state.failedFlow), details);
    }

    /**
     * Whether an import that finally failed with {@code httpStatus} (0: no answer, e.g. a timeout or
     * a reset connection) may still have been applied by the target: anything but a 4xx refusal
     * (408, a request timeout, is no refusal).
     */
    static boolean importMayHaveBeenApplied(int httpStatus) {
        return httpStatus < 400 || httpStatus >= 500 || httpStatus == 408;
    }

    public boolean hasMoreRollbacks(Exchange exchange) {
        DeployState state = state(exchange);
        return state.rollbackIndex < state.rollbackQueue.size();
    }

    /** Rollback step: take the next flow; one that was new in the target cannot be restored, and is said so. */
    public void nextRollback(Exchange exchange) {
        DeployState state = state(exchange);
        String id = state.rollbackQueue.get(state.rollbackIndex++);
        state.rollingBack = id;
        if (state.manifest.entry(id).previousVersion() == null) {
            state.notRestorable.add(id);
            String note = id.equals(state.failedFlow) && state.uncertainImport
                    ? "new in " + state.environment + " (no previous version): its import failed (" + state.failureMessage
                    + ") but may have been applied, and cannot be undone: check whether it is there"
                    : "new in " + state.environment + " (no previous version): cannot be restored, left as pushed"
                    + (id.equals(state.failedFlow) ? "; it failed: " + state.failureMessage : "");
            state.manifest.mark(id, FlowManifest.Status.NOT_RESTORABLE, note);
            audit.record(RunContext.of(exchange), "FLOW_NOT_RESTORABLE", "FAILURE", state.resource(id), Map.of("reason", note));
        }
    }

    public boolean isRestorable(Exchange exchange) {
        DeployState state = state(exchange);
        return state.manifest.entry(state.rollingBack).previousVersion() != null;
    }

    /** Rollback step: ask the target to go back to the version recorded before the push. */
    public void rollBack(Exchange exchange) {
        DeployState state = state(exchange);
        String id = state.rollingBack;
        ObjectNode body = Json.object();
        body.put("targetVersion", state.manifest.entry(id).previousVersion());
        body.put("environmentId", state.environment);
        call(exchange, OutboundCall.cognigy("POST", settings.get("cognigy.api.flow-rollback",
                "/api/v2/flows/{flowId}/rollback").replace("{flowId}", id), body, "FLOW_ROLLED_BACK", state.resource(id)));
    }

    public void rolledBack(Exchange exchange) {
        DeployState state = state(exchange);
        String id = state.rollingBack;
        state.rolledBack.add(id);
        state.manifest.mark(id, FlowManifest.Status.ROLLED_BACK, "restored to " + state.manifest.entry(id).previousVersion()
                + (id.equals(state.failedFlow) ? " after it failed: " + state.failureMessage : ""));
    }

    /** Rollback step (catch): the rollback failed; the others are still attempted. */
    public void rollbackFailed(Exchange exchange) {
        DeployState state = state(exchange);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = ErrorClassifier.classify(failure, OutboundCalls.describe(exchange),
                OutboundCalls.attempts(exchange)).message();
        exchange.removeProperty(OutboundCalls.CALL);
        state.rollbackFailed.add(state.rollingBack);
        state.manifest.mark(state.rollingBack, FlowManifest.Status.ROLLBACK_FAILED, message);
    }

    /** Step: the manifest with each flow's final status, over the planned one. */
    public void storeFinalManifest(Exchange exchange) {
        DeployState state = state(exchange);
        if (state.failedFlow == null) {
            state.manifest.deployed();
            try {
                storeManifest(exchange, "final");
            } catch (RuntimeException e) {
                // the flows are live: the result must say so, not only that a store failed
                output(exchange);
                throw new RunFailure(ErrorCode.STORAGE_ERROR, "all " + state.deployed.size() + " flows were deployed"
                        + " and verified in " + state.environment + ", but the final manifest could not be stored ("
                        + e.getMessage() + "); the planned one is " + state.manifestStored.uri());
            }
            return;
        }
        try {
            storeManifest(exchange, "final");
        } catch (RuntimeException e) {
            // the deployment's own failure is what the result must name; the store's is added to it
            state.finalStoreError = e.getMessage();
        }
    }

    /** Step (catch, last): the run ends FAILED, naming the flow that failed and why, and what was undone. */
    public void deploymentFailed(Exchange exchange) {
        DeployState state = state(exchange);
        output(exchange);
        StringBuilder message = new StringBuilder("flow ").append(state.failedFlow).append(" failed: ")
                .append(state.failureMessage);
        message.append("; rolled back: ").append(state.rolledBack.isEmpty() ? "none" : String.join(", ", state.rolledBack));
        if (!state.notRestorable.isEmpty()) {
            message.append("; not restorable (new in the target): ").append(String.join(", ", state.notRestorable));
        }
        if (!state.rollbackFailed.isEmpty()) {
            message.append("; rollback failed: ").append(String.join(", ", state.rollbackFailed));
        }
        message.append(state.finalStoreError == null ? "; manifest " + state.manifestStored.uri()
                : "; the final manifest could not be stored (" + state.finalStoreError + "); the planned one is "
                + state.manifestStored.uri());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("failed_flow", state.failedFlow);
        details.put("deployed_before_failure", state.deployed);
        details.put("rolled_back", state.rolledBack);
        details.put("not_restorable", state.notRestorable);
        details.put("rollback_failed", state.rollbackFailed);
        details.put("rollback_triggered", true);
        audit.record(RunContext.of(exchange), "DEPLOYMENT_FAILED", "FAILURE", "environment:" + state.environment, details);
        throw new RunFailure(state.failureCode, message.toString());
    }

    /** Step: every flow deployed and verified. */
    public void complete(Exchange exchange) {
        DeployState state = state(exchange);
        output(exchange);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("manifest", state.manifestStored.uri());
        details.put("deployed", state.deployed.size());
        details.put("cycles", state.resolution.cycles());
        details.put("rollback_triggered", false);
        audit.record(RunContext.of(exchange), "DEPLOYMENT_COMPLETED", "SUCCESS", "environment:" + state.environment, details);
    }

    // ---- helpers

    private void storeManifest(Exchange exchange, String stage) {
        DeployState state = state(exchange);
        String bucket = settings.require("cognigy.s3.bucket");
        try {
            state.manifestStored = store.putJson(bucket, state.manifestKey, state.manifest.toJson());
        } catch (RunFailure e) {
            audit.record(RunContext.of(exchange), "MANIFEST_STORED", "FAILURE", "s3://" + bucket + "/" + state.manifestKey,
                    Map.of("stage", stage, "error", e.getMessage()));
            throw e;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stage", stage);
        details.put("outcome", state.manifest.outcome());
        details.put("flows", state.flows.size());
        details.put("sha256", state.manifestStored.sha256());
        details.put("server_side_encryption", "AES256");
        audit.record(RunContext.of(exchange), "MANIFEST_STORED", "SUCCESS", state.manifestStored.uri(), details);
    }

    private void output(Exchange exchange) {
        DeployState state = state(exchange);
        ObjectNode out = RunContext.of(exchange).output();
        out.put("manifestUri", state.manifestStored.uri());
        out.set("manifest", state.manifest.toJson());
        ArrayNode deployed = out.putArray("deployed");
        state.deployed.forEach(deployed::add);
        ArrayNode rolledBack = out.putArray("rolledBack");
        state.rolledBack.forEach(rolledBack::add);
    }

    private OutboundCall statusCall(DeployState state, String id, String action) {
        return OutboundCall.cognigy("GET", settings.get("cognigy.api.flow-status", "/api/v2/flows/{flowId}/status")
                .replace("{flowId}", id), null, action, state.resource(id))
                .withQuery(Map.of("environmentId", state.environment));
    }

    private Pager pager(String what) {
        return new Pager(what, Integer.parseInt(settings.get("cognigy.flow-deploy.page-size", "100")),
                Integer.parseInt(settings.get("cognigy.flow-deploy.max-pages", "1000")));
    }

    private static Set<String> ids(Pager pager) {
        Set<String> ids = new TreeSet<>();
        if (pager != null) {
            pager.items().forEach(item -> ids.add(item.path("id").asText()));
        }
        return ids;
    }

    private static void call(Exchange exchange, OutboundCall call) {
        exchange.setProperty(OutboundCalls.CALL, call);
    }



    private static DeployState state(Exchange exchange) {
        return exchange.getProperty(DeployState.PROPERTY, DeployState.class);
    }
}
