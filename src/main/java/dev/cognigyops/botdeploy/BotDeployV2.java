package dev.cognigyops.botdeploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.botdeploy.EndpointPatch.Served;
import dev.cognigyops.calls.ErrorClassifier.RunError;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

/**
 * bot-deploy on profile cognigy-v2 (docs/contract.md §9): an endpoint switched to a snapshot, with rollback.
 * The endpoint is read and what it serves recorded (the rollback target) before any change; the snapshot must
 * be the project's, the flow it will serve among the snapshot's flows, every dependency webhook must answer
 * HEAD 2xx; then {@code PATCH endpoints/{endpointId}} ({@link EndpointPatch}) and the endpoint read back. A
 * read-back that does not show the target, or any failure after the PATCH, PATCHes the endpoint back to what
 * it served. A PATCH whose effect is unknown (5xx, timeout) is read back before it is sent again.
 * The route is {@code direct:bot-deploy-v2} ({@code routes/operations/bot-deploy.camel.yaml}); each public
 * method is one step's outcome, value in and value out ({@link EndpointSwitchRun}).
 */
public final class BotDeployV2 {

    private final Settings settings;
    private final DependencyWebhooks webhooks;
    private final AuditLog audit;
    private final Clock clock;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BotDeployV2.class);

    public BotDeployV2(Settings settings, DependencyWebhooks webhooks, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.webhooks = webhooks;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new run's state from its payload, or the saved state the run goes on from. */
    public EndpointSwitchRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), EndpointSwitchRun.class).resumed();
        }
        return EndpointSwitchRun.start(EndpointSwitchRequest.from(run.payload()), clock.millis());
    }

    /** The endpoint as it serves now: the rollback target, recorded before anything is changed. */
    public EndpointSwitchRun endpointRead(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body JsonNode endpoint) {
        return run.endpointRead(EndpointPatch.served(endpoint));
    }

    /** The project's snapshots: the one to serve must be among them. */
    public EndpointSwitchRun snapshotsListed(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body JsonNode snapshots) {
        EndpointSwitchRequest r = run.request();
        if (!SnapshotContents.listsSnapshot(snapshots, r.snapshotId())) {
            throw new RunFailure(ErrorCode.NOT_FOUND, "snapshot " + r.snapshotId() + " is not among the " + snapshots.size()
                    + " snapshot(s) of project " + r.projectId() + "; nothing was patched");
        }
        return run.at(EndpointSwitchRun.Phase.SNAPSHOT_CHECKED);
    }

    /** The snapshot's flows: the one the endpoint will serve must be among them. */
    public EndpointSwitchRun flowsListed(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body JsonNode flows,
                                         @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String flow = run.target().flowId();
        if (!SnapshotContents.holdsFlow(flows, flow)) {
            List<String> held = SnapshotContents.flowReferenceIds(flows);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("snapshot_id", run.request().snapshotId());
            details.put("flow_id", flow);
            details.put("snapshot_flows", held);
            audit.record(context, "DEPENDENCY_CHECK_FAILED", "FAILURE", run.resource(), details);
            String from = run.request().flowReferenceId() != null ? "payload.flowReferenceId" : "the flow the endpoint serves now";
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "flow " + flow + " (" + from + ") is not among the flows of snapshot "
                    + run.request().snapshotId() + " (referenceIds: " + (held.isEmpty() ? "none" : String.join(", ", held))
                    + "); nothing was patched");
        }
        return run.at(EndpointSwitchRun.Phase.FLOW_CHECKED);
    }

    /** HEAD every dependency webhook; all unreachable ones are named. Then the switch is due (or not needed). */
    public EndpointSwitchRun checkWebhooks(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run,
                                           @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        webhooks.requireAll(run.request().webhookUrls(), context, "nothing was patched");
        EndpointSwitchRun next = run.checked();
        if (next.isAt("VERIFIED")) {
            log.info("endpoint {} already serves {}: nothing to patch", run.request().endpointId(), run.target());
        }
        return next;
    }

    /** A switch PATCH is about to be sent: counted and saved first. */
    public EndpointSwitchRun switchSending(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        return run.switchSending();
    }

    /** The switch's body: the snapshot, the flow, the locale (EndpointPatch). */
    public JsonNode switchBody(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        return EndpointPatch.body(run.target());
    }

    public EndpointSwitchRun switched(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        return run.switched();
    }

    /** The switch PATCH failed with its effect unknown: the endpoint is read back before it is sent again. */
    public EndpointSwitchRun switchUncertain(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        log.warn("endpoint {}: the switch PATCH's effect is unknown; reading the endpoint back", run.request().endpointId());
        return run.at(EndpointSwitchRun.Phase.SWITCH_UNCERTAIN);
    }

    /** The endpoint read back after an uncertain switch: applied — go on; not — PATCH again (bounded). */
    public EndpointSwitchRun switchReadBack(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body JsonNode endpoint) {
        return run.switchReadBack(EndpointPatch.served(endpoint), maxPatches());
    }

    /** The read-back after the switch: the target, or a rollback. */
    public EndpointSwitchRun verified(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body JsonNode endpoint) {
        EndpointSwitchRun next = run.verified(EndpointPatch.served(endpoint));
        if (next.rollbackTriggered()) {
            log.warn("{}; rolling back", next.failureMessage());
        }
        return next;
    }

    /** The switch failed: rolled back when a PATCH may have applied, else the run just fails. */
    public EndpointSwitchRun failed(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body RunError error) {
        EndpointSwitchRun next = run.failed(error.code(), error.message());
        if (next.rollbackTriggered()) {
            log.warn("endpoint {}: {} after the switch PATCH; rolling back to {}", run.request().endpointId(), error.message(),
                    run.previous());
        }
        return next;
    }

    /** A rollback PATCH is about to be sent: counted and saved first. */
    public EndpointSwitchRun rollbackSending(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        return run.rollbackSending();
    }

    /** The rollback's body: exactly what the endpoint served before (EndpointPatch). */
    public JsonNode rollbackBody(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        return EndpointPatch.body(run.previous());
    }

    public EndpointSwitchRun rolledBack(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        return run.rolledBack();
    }

    public EndpointSwitchRun rollbackUncertain(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run) {
        log.warn("endpoint {}: the rollback PATCH's effect is unknown; reading the endpoint back", run.request().endpointId());
        return run.at(EndpointSwitchRun.Phase.ROLLBACK_UNCERTAIN);
    }

    public EndpointSwitchRun rollbackReadBack(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body JsonNode endpoint) {
        return run.rollbackReadBack(EndpointPatch.served(endpoint), maxPatches());
    }

    /** The rollback (its PATCH or its read-back) failed for good: said in the result. */
    public EndpointSwitchRun rollbackFailed(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run, @Body RunError error) {
        return run.rollbackFailed(error.message());
    }

    /** The last step: the audit record, the output, and the run's status. */
    public JsonNode complete(@ExchangeProperty(OperationState.PROPERTY) EndpointSwitchRun run,
                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        EndpointSwitchRequest r = run.request();
        String endpoint = "endpoint " + r.endpointId();
        String message = switch (run.phase()) {
            case VERIFIED -> null;
            case FAILED -> run.failureMessage() + (run.failureMessage().endsWith("nothing was patched") ? ""
                    : run.previous() == null ? "; nothing was patched" : "; " + endpoint + " was not changed (it serves " + run.previous() + ")");
            case ROLLED_BACK -> run.failureMessage() + "; rolled back: " + endpoint + " serves again " + run.previous();
            case ROLLBACK_FAILED -> run.failureMessage() + "; the rollback to " + run.previous() + " failed (" + run.rollbackError()
                    + "): " + endpoint + " may still serve " + run.target() + " — set it back by hand";
            default -> throw new IllegalStateException(endpoint + ": the run ended at phase " + run.phase());
        };
        Instant start = Instant.ofEpochMilli(run.startedAtMs());
        Instant end = clock.instant();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("endpoint_id", r.endpointId());
        details.put("project_id", r.projectId());
        details.put("snapshot_id", r.snapshotId());
        details.put("previous", run.previous() == null ? null : Json.MAPPER.convertValue(run.previous().shown(), Map.class));
        details.put("target", run.target() == null ? null : Json.MAPPER.convertValue(run.target().shown(), Map.class));
        details.put("current", run.current() == null ? null : Json.MAPPER.convertValue(run.current().shown(), Map.class));
        details.put("start_time", start.toString());
        details.put("end_time", end.toString());
        details.put("latency_ms", Duration.between(start, end).toMillis());
        details.put("status", run.phase().name().toLowerCase(java.util.Locale.ROOT));
        details.put("rollback_triggered", run.rollbackTriggered());
        details.put("webhook_count", r.webhookUrls().size());
        details.put("switch_patches", run.switchPatches());
        details.put("rollback_patches", run.rollbackPatches());
        if (message != null) {
            details.put("error", message);
        }
        if (run.rollbackError() != null) {
            details.put("rollback_error", run.rollbackError());
        }
        audit.record(context, message == null ? "DEPLOYMENT_COMPLETED" : "DEPLOYMENT_FAILED", message == null ? "SUCCESS" : "FAILURE",
                run.resource(), details);
        if (message != null) {
            context.fail(RunStatus.FAILED, run.failureCode(), message);
        }
        return output(run);
    }

    /** The output: {@code {endpointId, previous, current, rollbackTriggered, rollbackError?}}. */
    static ObjectNode output(EndpointSwitchRun run) {
        ObjectNode out = Json.object();
        out.put("endpointId", run.request().endpointId());
        put(out, "previous", run.previous());
        put(out, "current", run.current());
        out.put("rollbackTriggered", run.rollbackTriggered());
        if (run.rollbackError() != null) {
            out.put("rollbackError", run.rollbackError());
        }
        return out;
    }

    private static void put(ObjectNode out, String field, Served served) {
        if (served == null) {
            out.putNull(field);
        } else {
            out.set(field, served.shown());
        }
    }

    private int maxPatches() {
        return settings.requireInt("cognigy.v2.deploy.max-patch-attempts");
    }
}
