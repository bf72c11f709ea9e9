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

import org.apache.camel.Exchange;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.http.CallPacer;
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
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;
import dev.cognigyops.webhook.WebhookTargets;

/**
 * bot-deploy (seed 001, SPEC §5): check the NLU model, the flow versions and the dependency
 * webhooks; create a versioned deployment; poll it within the per-deployment read limit; on
 * failure roll it back and leave routing alone; on success switch traffic blue-green to the
 * target, then start one sync job per region. Each public method is one step of
 * {@code routes/bot-deploy.camel.yaml}.
 */
public final class BotDeploy implements Operation {

    public static final String NAME = "bot-deploy";
    static final String DEFAULT_SCOPES = "bot:read bot:write environment:read environment:write deployment:read "
            + "deployment:write nlu:read webhook:read";
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
    private final WebhookProbe webhooks;
    private final StatusReadLimiter statusReads;
    private final AuditLog audit;
    private final Clock clock;

    public BotDeploy(Settings settings, WebhookProbe webhooks, StatusReadLimiter statusReads, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.webhookTargets = WebhookTargets.from(settings);
        this.webhooks = webhooks;
        this.statusReads = statusReads;
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

    // ---- 1. the payload

    @Override
    public void validate(JsonNode payload, Violations v) {
        v.rejectUnknownFields(payload, "payload.", FIELDS);
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

    // ---- 2. the NLU model

    /** Step: remember the request; ask for the NLU model. */
    public void askModel(Exchange exchange) {
        RunContext run = RunContext.of(exchange);
        JsonNode p = run.payload();
        List<FlowReferences.Ref> flows = new ArrayList<>();
        p.path("flowReferences").forEach(r -> flows.add(new FlowReferences.Ref(r.path("flowId").asText(), r.path("version").asText())));
        DeployRun d = new DeployRun(run.payloadText("botId", null), run.payloadText("targetEnvironmentId", null),
                run.payloadText("nluModelId", null), run.payloadText("primaryEnvironmentId", null),
                run.payloadText("secondaryEnvironmentId", null), flows, texts(p.get("webhookUrls")), regions(p), clock.instant());
        exchange.setProperty(DeployRun.PROPERTY, d);
        call(exchange, OutboundCall.cognigy("GET", path("cognigy.api.nlu-model", "/v1/nlu/models/{nluModelId}")
                .replace("{nluModelId}", d.nluModelId), null, "NLU_MODEL_CHECKED", "nlu:" + d.nluModelId));
    }

    /** The sync regions: the payload's, else the setting {@code cognigy.deploy.sync-regions}; never made up. */
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

    /** doCatch condition: the call was answered 404. */
    public boolean isNotFound(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return caught != null && Failures.status(caught) == 404;
    }

    /** The model does not exist: FAILED NOT_FOUND, naming it. */
    public void modelNotFound(Exchange exchange) {
        DeployRun d = state(exchange);
        throw new RunFailure(ErrorCode.NOT_FOUND, "NLU model " + d.nluModelId + " not found ("
                + serverSaid(exchange) + "); nothing was deployed");
    }

    /** Step: the model must be published. */
    public void requirePublishedModel(Exchange exchange) {
        DeployRun d = state(exchange);
        String status = Json.text(OutboundCalls.response(exchange), "status");
        if (!"published".equals(status)) {
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "NLU model " + d.nluModelId + " is '" + status
                    + "'; a deployment needs a published model; nothing was deployed");
        }
    }

    // ---- 3. the flow references

    /** The loop's count: one question per distinct flow. */
    public int flowCount(Exchange exchange) {
        return state(exchange).flowIds.size();
    }

    /** Loop step: ask for the versions of the next flow. */
    public void askFlowVersions(Exchange exchange) {
        DeployRun d = state(exchange);
        String flowId = d.flowIds.get(exchange.getProperty(Exchange.LOOP_INDEX, Integer.class));
        call(exchange, OutboundCall.cognigy("GET", path("cognigy.api.bot-flow-versions", "/v1/bots/{botId}/flows/{flowId}/versions")
                .replace("{botId}", d.botId).replace("{flowId}", flowId), null, "FLOW_VERSIONS_CHECKED",
                "flow:" + d.botId + ":" + flowId));
    }

    /** Loop step: keep the versions the flow has. */
    public void flowVersionsListed(Exchange exchange) {
        DeployRun d = state(exchange);
        String flowId = d.flowIds.get(exchange.getProperty(Exchange.LOOP_INDEX, Integer.class));
        d.listedVersions.put(flowId, FlowReferences.listedVersions(OutboundCalls.response(exchange)));
    }

    /** Loop step, on a 404: the flow does not exist (kept out of {@code listedVersions}). */
    public void flowNotFound(Exchange exchange) {
        exchange.removeProperty(OutboundCalls.CALL);
    }

    /** Step: every reference must resolve; all missing ones are named. */
    public void requireFlowVersions(Exchange exchange) {
        DeployRun d = state(exchange);
        List<String> missing = FlowReferences.missing(d.flows, d.listedVersions);
        if (!missing.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("missing", missing);
            audit.record(RunContext.of(exchange), "DEPENDENCY_CHECK_FAILED", "FAILURE", d.resource(), details);
            throw new RunFailure(ErrorCode.DEPENDENCY_MISSING, missing.size() + " of " + d.flows.size()
                    + " flow reference(s) of bot " + d.botId + " not found: " + String.join("; ", missing)
                    + "; nothing was deployed");
        }
    }

    // ---- 4. the dependency webhooks

    /** Step: HEAD every dependency webhook at once; all unreachable ones are named. */
    public void checkWebhooks(Exchange exchange) {
        DeployRun d = state(exchange);
        if (!d.webhookUrls.isEmpty()) {
            Duration timeout = Duration.ofMillis(Long.parseLong(settings.get("cognigy.deploy.webhook-check-timeout-ms", "5000")));
            for (WebhookProbe.Check check : webhooks.check(d.webhookUrls, timeout)) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("request", "HEAD " + WebhookProbe.shown(check.url()));
                details.put("httpStatus", check.status());
                details.put("latency_ms", check.latencyMs());
                if (!check.reachable()) {
                    details.put("error", check.problem());
                    d.unreachableWebhooks.add(WebhookProbe.shown(check.url()) + " (" + check.problem() + ")");
                }
                audit.record(RunContext.of(exchange), "WEBHOOK_CHECKED", check.reachable() ? "SUCCESS" : "FAILURE",
                        "webhook:" + WebhookProbe.shown(check.url()), details);
            }
        }
        if (!d.unreachableWebhooks.isEmpty()) {
            throw new RunFailure(ErrorCode.DEPENDENCY_MISSING, d.unreachableWebhooks.size() + " of " + d.webhookUrls.size()
                    + " dependency webhook(s) did not answer HEAD with 2xx: " + String.join("; ", d.unreachableWebhooks)
                    + "; nothing was deployed");
        }
        d.validatedAt = clock.instant();
    }

    // ---- 5. the deployment

    /** Step: create the versioned deployment, with seed 001's body. */
    public void createDeployment(Exchange exchange) {
        DeployRun d = state(exchange);
        ObjectNode body = Json.object();
        body.put("botId", d.botId);
        body.put("targetEnvironmentId", d.targetEnvironmentId);
        body.put("nluModelId", d.nluModelId);
        var refs = body.putArray("flowReferences");
        d.flows.forEach(f -> refs.addObject().put("flowId", f.flowId()).put("version", f.version()));
        body.put("deploymentType", "versioned");
        ObjectNode metadata = body.putObject("metadata");
        // seed 001's wire format: epoch seconds, a number (e.g. 1700000000.0), not a date string
        metadata.put("validatedAt", java.math.BigDecimal.valueOf(d.validatedAt.toEpochMilli(), 3));
        metadata.put("deployedBy", AuditLog.ACTOR);
        metadata.put("runId", RunContext.of(exchange).runId());
        call(exchange, OutboundCall.cognigy("POST", path("cognigy.api.bot-deployments", "/v1/bots/{botId}/deployments")
                .replace("{botId}", d.botId), body, "DEPLOYMENT_CREATED", d.resource()));
    }

    /** Step: keep the deployment id, its Location and the server's estimate. */
    public void deploymentCreated(Exchange exchange) {
        DeployRun d = state(exchange);
        JsonNode answer = OutboundCalls.response(exchange);
        d.deploymentId = Json.text(answer, "deploymentId");
        if (d.deploymentId == null || d.deploymentId.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the deployment of bot " + d.botId
                    + " was accepted (HTTP " + exchange.getProperty(OutboundCalls.RESPONSE_STATUS) + ") but the answer has no deploymentId");
        }
        d.location = exchange.getProperty(OutboundCalls.RESPONSE_LOCATION, String.class);
        JsonNode estimate = answer.get("estimatedCompletionSeconds");
        d.estimatedCompletionSeconds = estimate != null && estimate.isNumber() && estimate.asLong() > 0 ? estimate.asLong() : null;
        d.lastStatus = Json.text(answer, "status");
        RunContext.of(exchange).output().put("deploymentId", d.deploymentId);
    }

    // ---- 6. the poll

    /** The wait before the first status read: the server's estimate, capped by {@code cognigy.deploy.max-first-wait-seconds}. */
    public long firstReadWait(Exchange exchange) {
        DeployRun d = state(exchange);
        if (d.estimatedCompletionSeconds == null) {
            return 0;
        }
        long cap = Long.parseLong(settings.get("cognigy.deploy.max-first-wait-seconds", "300"));
        return Math.min(d.estimatedCompletionSeconds, cap) * 1000;
    }

    /** Before each read: reserve the read's moment within the deployment's limit; the wait until then. */
    public long readSlotWait(Exchange exchange) {
        return statusReads.reserveWait(state(exchange).deploymentId, Duration.ZERO).toMillis();
    }

    /** Poll step: read the status; a retry of this read (429, 5xx, 401) also keeps the limit. */
    public void readStatus(Exchange exchange) {
        DeployRun d = state(exchange);
        call(exchange, OutboundCall.cognigy("GET", path("cognigy.api.deployment-status", "/v1/deployments/{deploymentId}/status")
                .replace("{deploymentId}", segment(d.deploymentId)), null, "DEPLOYMENT_STATUS", d.resource()));
        CallPacer pacer = proposed -> statusReads.reserveWait(d.deploymentId, Duration.ofMillis(proposed)).toMillis();
        exchange.setProperty(OutboundCalls.PACER, pacer);
    }

    /** Poll step: what the status means. */
    public void statusRead(Exchange exchange) {
        DeployRun d = state(exchange);
        JsonNode answer = OutboundCalls.response(exchange);
        String status = Json.text(answer, "status");
        d.lastStatus = status;
        switch (DeploymentState.of(status)) {
            case IN_PROGRESS -> PollLoop.pending(exchange, "deployment " + d.deploymentId + " is " + status);
            case SUCCEEDED -> {
                d.outcome = DeploymentState.SUCCEEDED;
                PollLoop.done(exchange);
            }
            case FAILED -> {
                String message = Json.text(answer, "errorMessage");
                d.failed("timeout".equalsIgnoreCase(status) ? ErrorCode.TIMEOUT : ErrorCode.JOB_FAILED,
                        "deployment " + d.deploymentId + " of bot " + d.botId + " ended '" + status + "': "
                                + (message == null ? "no errorMessage given" : message));
                PollLoop.done(exchange);
            }
            default -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "deployment " + d.deploymentId
                    + " has an unexpected status '" + status + "'");
        }
    }

    /** The poll gave up (its deadline or attempts, or a read that failed for good): the deployment is treated as failed. */
    public void pollFailed(Exchange exchange) {
        DeployRun d = state(exchange);
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var error = ErrorClassifier.classify(caught, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange));
        d.failed(error.code(), "deployment " + d.deploymentId + " of bot " + d.botId + " not confirmed: " + error.message());
        exchange.removeProperty(OutboundCalls.CALL);
        exchange.removeProperty(OutboundCalls.PACER);
    }

    /** The choice: did the deployment succeed? */
    public boolean succeeded(Exchange exchange) {
        return state(exchange).outcome == DeploymentState.SUCCEEDED;
    }

    // ---- 7. failure: rollback, routing untouched

    /** Step: ask for the rollback. */
    public void askRollback(Exchange exchange) {
        DeployRun d = state(exchange);
        d.rollbackTriggered = true;
        call(exchange, OutboundCall.cognigy("POST", path("cognigy.api.deployment-rollback", "/v1/deployments/{deploymentId}/rollback")
                .replace("{deploymentId}", segment(d.deploymentId)), Json.object(), "DEPLOYMENT_ROLLBACK", d.resource()));
    }

    /** doCatch: the rollback call failed for good; said in the result. */
    public void rollbackFailed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        state(exchange).rollbackError = ErrorClassifier.classify(caught, OutboundCalls.describe(exchange),
                OutboundCalls.attempts(exchange)).message();
        exchange.removeProperty(OutboundCalls.CALL);
    }

    /** Step: seed 001's audit record, the output, and the FAILED result. */
    public void failDeployment(Exchange exchange) {
        DeployRun d = state(exchange);
        output(exchange);
        record(exchange, "DEPLOYMENT_FAILED", "FAILURE", d.lastStatus == null ? "failed" : d.lastStatus);
        String rollback = d.rollbackError == null ? "rolled back; routing untouched"
                : "rollback requested but failed (" + d.rollbackError + "); routing untouched";
        throw new RunFailure(d.failureCode, d.failureMessage + "; " + rollback);
    }

    // ---- 8. success: blue-green switch, then sync per region

    /** Step: all traffic to the target, none to the other. */
    public void switchTraffic(Exchange exchange) {
        DeployRun d = state(exchange);
        d.routingSent = TrafficSwitch.toTarget(d.primaryEnvironmentId, d.secondaryEnvironmentId, d.targetEnvironmentId);
        call(exchange, OutboundCall.cognigy("PUT", path("cognigy.api.environment-routing", "/v1/environments/routing"),
                d.routingSent, "ROUTING_SWITCHED", d.resource()));
    }

    /**
     * Step: keep the routing now in force: Cognigy's answer, or what was sent when the answer
     * carries none (e.g. 204), so the result never shows an empty routing after a switch.
     */
    public void trafficSwitched(Exchange exchange) {
        DeployRun d = state(exchange);
        JsonNode answer = OutboundCalls.response(exchange);
        d.routing = answer != null && answer.has("environments") ? answer : d.routingSent;
        RunContext.of(exchange).output().set("routing", d.routing);
    }

    /**
     * doCatch: the deployment completed but the switch failed for good. Traffic stays where it was
     * (the previous environment keeps serving), nothing is synced; seed 001's record says so.
     */
    public void switchFailed(Exchange exchange) {
        DeployRun d = state(exchange);
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var error = ErrorClassifier.classify(caught, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange));
        d.failed(error.code(), "deployment " + d.deploymentId + " of bot " + d.botId + " is " + d.lastStatus
                + " but traffic could not be switched to " + d.targetEnvironmentId + ": " + error.message());
        output(exchange);
        record(exchange, "DEPLOYMENT_FAILED", "FAILURE", "routing_failed");
        throw new RunFailure(error.code(), d.failureMessage + "; routing unchanged, no region synced");
    }

    /** The loop's count: one sync job per region. */
    public int regionCount(Exchange exchange) {
        return state(exchange).syncRegions.size();
    }

    /** Loop step: start the region's sync job. */
    public void startSync(Exchange exchange) {
        DeployRun d = state(exchange);
        String region = region(exchange);
        ObjectNode body = Json.object();
        body.put("sourceDeploymentId", d.deploymentId);
        body.put("targetRegion", region);
        body.put("syncType", "full_configuration");
        body.put("includeNluModels", true);
        body.put("includeWebhooks", true);
        call(exchange, OutboundCall.cognigy("POST", path("cognigy.api.sync-jobs", "/v1/sync/jobs"), body,
                "SYNC_JOB_STARTED", d.resource() + ":" + region));
    }

    /** Loop step: keep the region's sync job id. */
    public void syncStarted(Exchange exchange) {
        DeployRun d = state(exchange);
        String id = Json.text(OutboundCalls.response(exchange), "syncJobId");
        if (id == null || id.isBlank()) {
            syncFailure(exchange, "the sync job was accepted (HTTP " + exchange.getProperty(OutboundCalls.RESPONSE_STATUS)
                    + ") but the answer has no syncJobId");
        } else {
            d.syncJobIds.put(region(exchange), id);
        }
    }

    /** Loop doCatch: a failed sync does not undo the switch; it is audited and named in the result. */
    public void syncFailed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        syncFailure(exchange, ErrorClassifier.classify(caught, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange)).message());
        exchange.removeProperty(OutboundCalls.CALL);
    }

    /** A region not synced: named in the result and audited {@code SYNC_JOB_FAILED}. */
    private void syncFailure(Exchange exchange, String message) {
        DeployRun d = state(exchange);
        String region = region(exchange);
        d.syncFailures.put(region, message);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deployment_id", d.deploymentId);
        details.put("region", region);
        details.put("error", message);
        audit.record(RunContext.of(exchange), "SYNC_JOB_FAILED", "FAILURE", d.resource() + ":" + region, details);
    }

    /** Step: the output and seed 001's audit record. */
    public void complete(Exchange exchange) {
        DeployRun d = state(exchange);
        output(exchange);
        record(exchange, "DEPLOYMENT_COMPLETED", d.syncFailures.isEmpty() ? "SUCCESS" : "SUCCESS_WITH_SYNC_FAILURES",
                d.lastStatus == null ? "completed" : d.lastStatus);
    }

    // ---- helpers

    private void output(Exchange exchange) {
        DeployRun d = state(exchange);
        ObjectNode out = RunContext.of(exchange).output();
        out.put("deploymentId", d.deploymentId);
        out.put("status", d.lastStatus);
        if (d.routing == null) {
            out.putNull("routing");
        } else {
            out.set("routing", d.routing);
        }
        ObjectNode ids = out.putObject("syncJobIds");
        d.syncJobIds.forEach(ids::put);
        if (!d.syncFailures.isEmpty()) {
            ObjectNode failures = out.putObject("syncFailures");
            d.syncFailures.forEach(failures::put);
        }
        out.put("rollbackTriggered", d.rollbackTriggered);
        if (d.rollbackError != null) {
            out.put("rollbackError", d.rollbackError);
        }
    }

    /** Seed 001's {@code DeploymentAuditRecord}, in the event's details. */
    private void record(Exchange exchange, String action, String outcome, String status) {
        DeployRun d = state(exchange);
        Instant end = clock.instant();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deployment_id", d.deploymentId);
        details.put("bot_id", d.botId);
        details.put("environment_id", d.targetEnvironmentId);
        details.put("start_time", d.startedAt.toString());
        details.put("end_time", end.toString());
        details.put("latency_ms", Duration.between(d.startedAt, end).toMillis());
        details.put("status", status);
        details.put("region", settings.get("cognigy.deploy.region", "global"));
        details.put("rollback_triggered", d.rollbackTriggered);
        details.put("nlu_model_id", d.nluModelId);
        details.put("webhook_count", d.webhookUrls.size());
        details.put("flow_references", d.flows.size());
        details.put("location", d.location);
        details.put("estimated_completion_seconds", d.estimatedCompletionSeconds);
        details.put("sync_job_ids", new LinkedHashMap<>(d.syncJobIds));
        if (!d.syncFailures.isEmpty()) {
            details.put("sync_failures", new LinkedHashMap<>(d.syncFailures));
        }
        if (d.failureMessage != null) {
            details.put("error", d.failureMessage);
        }
        audit.record(RunContext.of(exchange), action, outcome, d.resource(), details);
    }

    private String region(Exchange exchange) {
        return state(exchange).syncRegions.get(exchange.getProperty(Exchange.LOOP_INDEX, Integer.class));
    }

    private String path(String key, String fallback) {
        return settings.get(key, fallback);
    }

    /**
     * A value for a path segment, percent-encoded. The payload's ids are checked against {@code ID};
     * the deployment id is Cognigy's and is not, so a '/', '?' or '#' in it must not change the call.
     */
    static String segment(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String serverSaid(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return ErrorClassifier.classify(caught, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange)).message();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> values.add(v.asText()));
        }
        return values;
    }

    private static void call(Exchange exchange, OutboundCall call) {
        exchange.setProperty(OutboundCalls.CALL, call);
    }



    private static DeployRun state(Exchange exchange) {
        return exchange.getProperty(DeployRun.PROPERTY, DeployRun.class);
    }
}
