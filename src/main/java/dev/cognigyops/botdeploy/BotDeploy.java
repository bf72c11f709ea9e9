package dev.cognigyops.botdeploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.ErrorClassifier.RunError;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;
import dev.cognigyops.webhooks.WebhookTargets;

/**
 * bot-deploy (seed 001, docs/contract.md#operations): check the NLU model, the flow versions and the dependency
 * webhooks; create a versioned deployment; poll it within the per-deployment read limit; on
 * failure roll it back and leave routing alone; on success switch traffic blue-green to the
 * target, then start one sync job per region. The route, {@code routes/operations/bot-deploy.camel.yaml},
 * makes the calls; each public method here is one decision or one step's outcome, taking the run's
 * {@link BotDeployRun} and an answer and returning the next {@link BotDeployRun} (or a request
 * body, or the output). Nothing here knows Camel's Exchange.
 */
public final class BotDeploy implements Operation {

    public static final String NAME = "bot-deploy";
    private static final Set<String> FIELDS = Set.of("botId", "targetEnvironmentId", "nluModelId", "flowReferences",
            "webhookUrls", "primaryEnvironmentId", "secondaryEnvironmentId", "syncRegions");
    private static final Set<String> FLOW_FIELDS = Set.of("flowId", "version");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final String ID_HINT = "must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String REGION_HINT = "must be a region name of lower-case letters, digits and '-' (e.g. eu-west-1)";
    static final int MAX_FLOW_REFERENCES = 200;
    static final int MAX_WEBHOOKS = 50;

    private final Settings settings;
    private final WebhookTargets webhookTargets;
    private final DependencyWebhooks webhooks;
    private final AuditLog audit;
    private final Clock clock;

    public BotDeploy(Settings settings, WebhookProbe webhooks, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.webhookTargets = WebhookTargets.from(settings);
        this.webhooks = new DependencyWebhooks(settings, webhooks, audit);
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The dependency-webhook check, shared with profile cognigy-v2 (BotDeployV2). */
    public DependencyWebhooks dependencyWebhooks() {
        return webhooks;
    }

    /** Built for profile cognigy-v2: an endpoint switched to a snapshot (BotDeployV2, route direct:bot-deploy-v2). */
    @Override
    public boolean onCognigyV2() {
        return true;
    }

    @Override
    public void validateOnCognigyV2(JsonNode payload, Violations violations) {
        EndpointSwitchRequest.validate(payload, violations, webhookTargets);
    }


    // ---- 1. the payload

    @Override
    public void validate(JsonNode payload, Violations v) {
        for (String field : EndpointSwitchRequest.COGNIGY_V2_ONLY) {
            if (payload.has(field)) {
                v.add("payload." + field, "is a field of profile cognigy-v2 (an endpoint switched to a snapshot); this instance "
                        + "runs profile seeds (cognigy.api.profile), where a bot is deployed to an environment");
            }
        }
        JsonNode rest = payload.deepCopy();
        if (rest instanceof ObjectNode object) {
            object.remove(EndpointSwitchRequest.COGNIGY_V2_ONLY);
        }
        v.rejectUnknownFields(rest, "payload.", FIELDS);
        v.requireText(payload, "botId", "payload.botId", ID, ID_HINT);
        v.requireText(payload, "nluModelId", "payload.nluModelId", ID, ID_HINT);
        String target = v.requireText(payload, "targetEnvironmentId", "payload.targetEnvironmentId", ID, ID_HINT);
        String primary = v.requireText(payload, "primaryEnvironmentId", "payload.primaryEnvironmentId", ID, ID_HINT);
        String secondary = v.requireText(payload, "secondaryEnvironmentId", "payload.secondaryEnvironmentId", ID, ID_HINT);
        if (primary != null && primary.equals(secondary)) {
            v.add("payload.secondaryEnvironmentId", "must differ from primaryEnvironmentId (blue-green needs two environments)");
        }
        if (target != null && primary != null && secondary != null && !target.equals(primary) && !target.equals(secondary)) {
            v.add("payload.targetEnvironmentId", "must be the primaryEnvironmentId (" + primary
                    + ") or the secondaryEnvironmentId (" + secondary + ")");
        }
        JsonNode flows = payload.get("flowReferences");
        if (flows == null || flows.isNull()) {
            v.add("payload.flowReferences", "is required");
        } else if (!flows.isArray()) {
            v.add("payload.flowReferences", "must be an array of {flowId, version}");
        } else if (flows.isEmpty()) {
            v.add("payload.flowReferences", "must name at least one {flowId, version}");
        } else if (flows.size() > MAX_FLOW_REFERENCES) {
            v.add("payload.flowReferences", "must have at most " + MAX_FLOW_REFERENCES + " entries");
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < flows.size(); i++) {
                String path = "payload.flowReferences[" + i + "]";
                JsonNode ref = flows.get(i);
                if (!ref.isObject()) {
                    v.add(path, "must be an object {flowId, version}");
                    continue;
                }
                v.rejectUnknownFields(ref, path + ".", FLOW_FIELDS);
                String flowId = v.requireText(ref, "flowId", path + ".flowId", ID, ID_HINT);
                String version = v.requireText(ref, "version", path + ".version", ID, ID_HINT);
                if (flowId != null && version != null && !seen.add(flowId)) {
                    v.add(path + ".flowId", "names flow " + flowId + " a second time; a deployment has one version of each flow");
                }
            }
        }
        checkArray(payload, "webhookUrls", MAX_WEBHOOKS, v, (value, path) -> {
            WebhookTargets.Verdict verdict = webhookTargets.check(value);
            if (!verdict.allowed()) {
                v.add(path, verdict.reason());
            }
        });
        Set<String> regions = new LinkedHashSet<>();
        checkArray(payload, "syncRegions", 50, v, (value, path) -> {
            if (!REGION.matcher(value).matches()) {
                v.add(path, REGION_HINT);
            } else if (!regions.add(value)) {
                // one sync job per region: a second would start twice and hide the first one's id
                v.add(path, "names region " + value + " a second time");
            }
        });
    }

    private interface ItemCheck {
        void check(String value, String path);
    }

    private static void checkArray(JsonNode payload, String field, int max, Violations v, ItemCheck check) {
        JsonNode array = payload.get(field);
        String path = "payload." + field;
        if (array == null || array.isNull()) {
            return;
        }
        if (!array.isArray()) {
            v.add(path, "must be an array of strings");
            return;
        }
        if (array.size() > max) {
            v.add(path, "must have at most " + max + " entries");
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                v.add(path + "[" + i + "]", "must be a non-blank string");
            } else {
                check.check(item.asText(), path + "[" + i + "]");
            }
        }
    }

    // ---- 2. the start, and the NLU model

    /** First step: a new run's state from its payload, or the saved state the run goes on from. */
    public BotDeployRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), BotDeployRun.class);
        }
        JsonNode p = run.payload();
        List<FlowReferences.Ref> flows = new ArrayList<>();
        p.path("flowReferences").forEach(r -> flows.add(new FlowReferences.Ref(r.path("flowId").asText(), r.path("version").asText())));
        return BotDeployRun.start(new BotDeployRun.Request(run.runId(), run.payloadText("botId", null),
                run.payloadText("targetEnvironmentId", null), run.payloadText("nluModelId", null),
                run.payloadText("primaryEnvironmentId", null), run.payloadText("secondaryEnvironmentId", null),
                flows, texts(p.get("webhookUrls")), regions(p)), clock.millis());
    }

    /**
     * The sync regions: the payload's, else the setting {@code cognigy.deploy.sync-regions}; never
     * made up. The setting may be blank (no regions), so it is read with an empty fallback.
     */
    List<String> regions(JsonNode payload) {
        if (payload.hasNonNull("syncRegions")) {
            return texts(payload.get("syncRegions"));
        }
        Set<String> regions = new LinkedHashSet<>();
        for (String r : settings.get("cognigy.deploy.sync-regions", "").split(",")) {
            if (!r.isBlank()) {
                regions.add(r.trim());
            }
        }
        return List.copyOf(regions);
    }

    /** The model's answer: it must be published. */
    public BotDeployRun modelChecked(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body JsonNode model) {
        String status = Json.text(model, "status");
        if (!"published".equals(status)) {
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "NLU model " + run.request().nluModelId() + " is '" + status
                    + "'; a deployment needs a published model; nothing was deployed");
        }
        return run.at(BotDeployRun.Phase.MODEL_CHECKED);
    }

    /** The model check was answered 404: FAILED NOT_FOUND, naming the model. */
    public BotDeployRun modelNotFound(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body RunError error) {
        throw new RunFailure(ErrorCode.NOT_FOUND, "NLU model " + run.request().nluModelId() + " not found ("
                + error.message() + "); nothing was deployed");
    }

    // ---- 3. the flow references

    /** One flow's answer: the versions it lists. */
    public BotDeployRun flowVersionsListed(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body JsonNode answer) {
        return run.withFlowChecked(List.copyOf(FlowReferences.listedVersions(answer)));
    }

    /** One flow was answered 404: it does not exist (kept out of the listed versions). */
    public BotDeployRun flowNotFound(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run) {
        return run.withFlowChecked(null);
    }

    /** Every reference must resolve; all missing ones are named. */
    public BotDeployRun requireFlowVersions(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run,
                                            @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        List<FlowReferences.Ref> refs = run.request().flowReferences();
        List<String> missing = FlowReferences.missing(refs, run.listedVersionSets());
        if (!missing.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("missing", missing);
            audit.record(context, "DEPENDENCY_CHECK_FAILED", "FAILURE", run.resource(), details);
            throw new RunFailure(ErrorCode.DEPENDENCY_MISSING, missing.size() + " of " + refs.size()
                    + " flow reference(s) of bot " + run.request().botId() + " not found: " + String.join("; ", missing)
                    + "; nothing was deployed");
        }
        return run.at(BotDeployRun.Phase.FLOWS_CHECKED);
    }

    // ---- 4. the dependency webhooks

    /** HEAD every dependency webhook at once (not Cognigy calls: {@link WebhookProbe}); all unreachable ones are named. */
    public BotDeployRun checkWebhooks(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        webhooks.requireAll(run.request().webhookUrls(), context, "nothing was deployed");
        return run.withValidated(clock.millis());
    }

    // ---- 5. the deployment

    /** The body of the deployment request (seed 001's). */
    public JsonNode deploymentRequest(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run) {
        BotDeployRun.Request r = run.request();
        ObjectNode body = Json.object();
        body.put("botId", r.botId());
        body.put("targetEnvironmentId", r.targetEnvironmentId());
        body.put("nluModelId", r.nluModelId());
        var refs = body.putArray("flowReferences");
        r.flowReferences().forEach(f -> refs.addObject().put("flowId", f.flowId()).put("version", f.version()));
        body.put("deploymentType", "versioned");
        ObjectNode metadata = body.putObject("metadata");
        // seed 001's wire format: epoch seconds, a number (e.g. 1700000000.0), not a date string
        metadata.put("validatedAt", java.math.BigDecimal.valueOf(run.validatedAtMs(), 3));
        metadata.put("deployedBy", AuditLog.ACTOR);
        metadata.put("runId", r.runId());
        return body;
    }

    /** The deployment's answer: its id, its Location and the server's estimate. */
    public BotDeployRun deploymentCreated(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body JsonNode answer,
                                          @ExchangeProperty(OutboundCalls.RESPONSE_LOCATION) String location,
                                          @ExchangeProperty(OutboundCalls.RESPONSE_STATUS) Integer httpStatus) {
        String id = Json.text(answer, "deploymentId");
        if (id == null || id.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the deployment of bot " + run.request().botId()
                    + " was accepted (HTTP " + httpStatus + ") but the answer has no deploymentId");
        }
        JsonNode estimate = answer.get("estimatedCompletionSeconds");
        Long seconds = estimate != null && estimate.isNumber() && estimate.asLong() > 0 ? estimate.asLong() : null;
        return run.withDeployment(id, location, seconds, clock.millis(), Json.text(answer, "status"));
    }

    // ---- 6. the poll

    /**
     * The wait before the first status read: until the server's estimate has passed since the
     * deployment was created (a resumed run waits only what is left), at most
     * {@code cognigy.deploy.max-first-wait-seconds}.
     */
    public long firstReadWait(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run) {
        if (run.estimatedCompletionSeconds() == null || run.createdAtMs() == null) {
            return 0;
        }
        long cap = Long.parseLong(settings.require("cognigy.deploy.max-first-wait-seconds"));
        long due = run.createdAtMs() + Math.min(run.estimatedCompletionSeconds(), cap) * 1000;
        return Math.max(0, due - clock.millis());
    }

    /** One status read: still going, finished, or failed (the rollback follows). */
    public BotDeployRun statusRead(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body JsonNode answer) {
        String status = Json.text(answer, "status");
        return switch (DeploymentState.of(status)) {
            case IN_PROGRESS -> run.withStatus(BotDeployRun.Phase.DEPLOYMENT_CREATED, status);
            case SUCCEEDED -> run.withStatus(BotDeployRun.Phase.DEPLOYMENT_FINISHED, status);
            case FAILED -> {
                String message = Json.text(answer, "errorMessage");
                yield run.withFailure(status, "timeout".equalsIgnoreCase(status) ? ErrorCode.TIMEOUT : ErrorCode.JOB_FAILED,
                        "deployment " + run.deploymentId() + " of bot " + run.request().botId() + " ended '" + status + "': "
                                + (message == null ? "no errorMessage given" : message));
            }
            default -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "deployment " + run.deploymentId()
                    + " has an unexpected status '" + status + "'");
        };
    }

    /** The poll gave up (its deadline or attempts, or a read that failed for good): the deployment is treated as failed. */
    public BotDeployRun pollFailed(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body RunError error) {
        return run.withFailure(run.lastStatus(), error.code(), "deployment " + run.deploymentId() + " of bot "
                + run.request().botId() + " not confirmed: " + error.message());
    }

    // ---- 7. failure: rollback, routing untouched

    /** The rollback request's body. */
    public JsonNode rollbackRequest() {
        return Json.object();
    }

    /** The rollback was asked for. */
    public BotDeployRun rolledBack(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run) {
        return run.withRollback(null);
    }

    /** The rollback call failed for good; said in the result. */
    public BotDeployRun rollbackFailed(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body RunError error) {
        return run.withRollback(error.message());
    }

    /** Seed 001's audit record, the output, and the FAILED result. */
    public void failDeployment(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run,
                               @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        context.output().setAll(output(run));
        record(context, run, "DEPLOYMENT_FAILED", "FAILURE", run.lastStatus() == null ? "failed" : run.lastStatus(),
                run.failureMessage());
        String rollback = run.rollbackError() == null ? "rolled back; routing untouched"
                : "rollback requested but failed (" + run.rollbackError() + "); routing untouched";
        throw new RunFailure(run.failureCode(), run.failureMessage() + "; " + rollback);
    }

    // ---- 8. success: blue-green switch, then sync per region

    /** The switch's body: all traffic to the target, none to the other. */
    public JsonNode routingRequest(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run) {
        BotDeployRun.Request r = run.request();
        return TrafficSwitch.toTarget(r.primaryEnvironmentId(), r.secondaryEnvironmentId(), r.targetEnvironmentId());
    }

    /**
     * The routing now in force: Cognigy's answer, or what was sent when the answer carries none
     * (e.g. 204), so the result never shows an empty routing after a switch.
     */
    public BotDeployRun trafficSwitched(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body JsonNode answer) {
        JsonNode routing = answer != null && answer.has("environments") ? answer : routingRequest(run);
        return run.withRouting(Json.MAPPER.convertValue(routing, Json.MAPPER.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class)));
    }

    /**
     * The deployment completed but the switch failed for good. Traffic stays where it was (the
     * previous environment keeps serving), nothing is synced; seed 001's record says so.
     */
    public void switchFailed(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body RunError error,
                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String message = "deployment " + run.deploymentId() + " of bot " + run.request().botId() + " is " + run.lastStatus()
                + " but traffic could not be switched to " + run.request().targetEnvironmentId() + ": " + error.message();
        context.output().setAll(output(run));
        record(context, run, "DEPLOYMENT_FAILED", "FAILURE", "routing_failed", message);
        throw new RunFailure(error.code(), message + "; routing unchanged, no region synced");
    }

    /** The body of the current region's sync job. */
    public JsonNode syncRequest(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run) {
        ObjectNode body = Json.object();
        body.put("sourceDeploymentId", run.deploymentId());
        body.put("targetRegion", run.currentRegion());
        body.put("syncType", "full_configuration");
        body.put("includeNluModels", true);
        body.put("includeWebhooks", true);
        return body;
    }

    /** The region's sync job started: its id (an answer without one is a region not synced). */
    public BotDeployRun syncStarted(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body JsonNode answer,
                                    @ExchangeProperty(OutboundCalls.RESPONSE_STATUS) Integer httpStatus,
                                    @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String id = Json.text(answer, "syncJobId");
        if (id == null || id.isBlank()) {
            return syncFailure(run, context, "the sync job was accepted (HTTP " + httpStatus + ") but the answer has no syncJobId");
        }
        return run.withSync(id, null);
    }

    /** The region's sync call failed for good: it does not undo the switch; audited and named in the result. */
    public BotDeployRun syncFailed(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run, @Body RunError error,
                                   @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        return syncFailure(run, context, error.message());
    }

    /** A region not synced: named in the result and audited {@code SYNC_JOB_FAILED}. */
    private BotDeployRun syncFailure(BotDeployRun run, RunContext context, String message) {
        String region = run.currentRegion();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deployment_id", run.deploymentId());
        details.put("region", region);
        details.put("error", message);
        audit.record(context, "SYNC_JOB_FAILED", "FAILURE", run.deploymentResource() + ":" + region, details);
        return run.withSync(null, message);
    }

    /** The last step: the output, and seed 001's audit record. */
    public JsonNode complete(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run,
                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        record(context, run, "DEPLOYMENT_COMPLETED", run.syncFailures().isEmpty() ? "SUCCESS" : "SUCCESS_WITH_SYNC_FAILURES",
                run.lastStatus() == null ? "completed" : run.lastStatus(), null);
        return output(run);
    }

    // ---- helpers

    /** The output: {@code deploymentId, status, routing, syncJobIds, syncFailures?, rollbackTriggered, rollbackError?}. */
    static ObjectNode output(BotDeployRun run) {
        ObjectNode out = Json.object();
        out.put("deploymentId", run.deploymentId());
        out.put("status", run.lastStatus());
        if (run.routing() == null) {
            out.putNull("routing");
        } else {
            out.set("routing", Json.MAPPER.valueToTree(run.routing()));
        }
        ObjectNode ids = out.putObject("syncJobIds");
        run.syncJobIds().forEach(ids::put);
        if (!run.syncFailures().isEmpty()) {
            ObjectNode failures = out.putObject("syncFailures");
            run.syncFailures().forEach(failures::put);
        }
        out.put("rollbackTriggered", run.rollbackTriggered());
        if (run.rollbackError() != null) {
            out.put("rollbackError", run.rollbackError());
        }
        return out;
    }

    /** Seed 001's {@code DeploymentAuditRecord}, in the event's details. */
    private void record(RunContext context, BotDeployRun run, String action, String outcome, String status, String error) {
        Instant start = Instant.ofEpochMilli(run.startedAtMs());
        Instant end = clock.instant();
        BotDeployRun.Request r = run.request();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deployment_id", run.deploymentId());
        details.put("bot_id", r.botId());
        details.put("environment_id", r.targetEnvironmentId());
        details.put("start_time", start.toString());
        details.put("end_time", end.toString());
        details.put("latency_ms", Duration.between(start, end).toMillis());
        details.put("status", status);
        details.put("region", settings.require("cognigy.deploy.region"));
        details.put("rollback_triggered", run.rollbackTriggered());
        details.put("nlu_model_id", r.nluModelId());
        details.put("webhook_count", r.webhookUrls().size());
        details.put("flow_references", r.flowReferences().size());
        details.put("location", run.location());
        details.put("estimated_completion_seconds", run.estimatedCompletionSeconds());
        details.put("sync_job_ids", new LinkedHashMap<>(run.syncJobIds()));
        if (!run.syncFailures().isEmpty()) {
            details.put("sync_failures", new LinkedHashMap<>(run.syncFailures()));
        }
        if (error != null) {
            details.put("error", error);
        }
        audit.record(context, action, outcome, run.deploymentResource(), details);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> values.add(v.asText()));
        }
        return values;
    }
}
