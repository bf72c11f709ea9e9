package dev.cognigyops.botdeploy;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;

/**
 * Everything one bot-deploy run knows, as one value (written as JSON and read back equal): what was
 * asked ({@link Request}), how far it got ({@link Phase}), and what Cognigy gave back. Each step of
 * {@code routes/operations/bot-deploy.camel.yaml} that learns or changes something outside the program returns
 * the next value before the following step starts; a run restored from any of them goes on from its
 * phase without repeating what it records as done: a run saved at DEPLOYMENT_CREATED polls the
 * deployment it created and creates none. The two loops keep their place here: {@code flowsChecked}
 * flows of {@link Request#flowIds()} were asked about, {@code regionsSynced} regions were synced.
 *
 * @param startedAtMs     the run's start (epoch ms), for seed 001's latency
 * @param listedVersions  per flow asked about, the versions it lists; a flow that does not exist is absent
 * @param validatedAtMs   when the model, flows and webhooks were found good (epoch ms)
 * @param createdAtMs     when the deployment was created (epoch ms), for the wait before the first read
 * @param lastStatus      the deployment's last status
 * @param failureCode     why the deployment is failed (DEPLOYMENT_FAILED, ROLLED_BACK), else null
 * @param rollbackError   why the rollback call failed, when it did
 * @param routing         the routing in force after the switch
 * @param syncJobIds      per region synced, its sync job; {@code syncFailures} per region not synced, why
 */
public record BotDeployRun(Phase phase, Request request, long startedAtMs, int flowsChecked,
                           Map<String, List<String>> listedVersions, Long validatedAtMs, String deploymentId,
                           String location, Long estimatedCompletionSeconds, Long createdAtMs, String lastStatus,
                           ErrorCode failureCode, String failureMessage, boolean rollbackTriggered, String rollbackError,
                           Map<String, Object> routing, int regionsSynced, Map<String, String> syncJobIds,
                           Map<String, String> syncFailures) implements OperationState {

    /** The exchange property that holds it (the same for every operation's state). */
    public static final String PROPERTY = OperationState.PROPERTY;

    /**
     * How far a run got; each phase is reached when its step's outcome is recorded. After
     * DEPLOYMENT_CREATED a run goes either way: DEPLOYMENT_FAILED, ROLLED_BACK (and ends FAILED), or
     * DEPLOYMENT_FINISHED, TRAFFIC_SWITCHED, SYNCED.
     */
    public enum Phase {
        STARTED, MODEL_CHECKED, FLOWS_CHECKED, WEBHOOKS_CHECKED, DEPLOYMENT_CREATED,
        DEPLOYMENT_FAILED, ROLLED_BACK,
        DEPLOYMENT_FINISHED, TRAFFIC_SWITCHED, SYNCED
    }

    /** What the payload asked for (regions already resolved against the setting). */
    public record Request(String runId, String botId, String targetEnvironmentId, String nluModelId,
                          String primaryEnvironmentId, String secondaryEnvironmentId,
                          List<FlowReferences.Ref> flowReferences, List<String> webhookUrls, List<String> syncRegions) {

        public Request {
            flowReferences = List.copyOf(flowReferences);
            webhookUrls = List.copyOf(webhookUrls);
            syncRegions = List.copyOf(syncRegions);
        }

        /** The distinct flows to ask about, in payload order. */
        public List<String> flowIds() {
            return FlowReferences.flowIds(flowReferences);
        }
    }

    public BotDeployRun {
        listedVersions = ordered(listedVersions);
        routing = routing == null ? null : ordered(routing);
        syncJobIds = ordered(syncJobIds);
        syncFailures = ordered(syncFailures);
    }

    /** A new run: nothing asked yet. */
    static BotDeployRun start(Request request, long startedAtMs) {
        return new BotDeployRun(Phase.STARTED, request, startedAtMs, 0, null, null, null, null, null, null, null,
                null, null, false, null, null, 0, null, null);
    }

    /** For the route's filters: has the run not yet reached {@code phase}? */
    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    /** The flow check loop: is there a flow not asked about yet? */
    public boolean hasFlowToCheck() {
        return flowsChecked < request.flowIds().size();
    }

    /** The deployment was created and has not ended yet: it is polled. */
    public boolean deploymentRunning() {
        return phase == Phase.DEPLOYMENT_CREATED;
    }

    /** The deployment failed (or was never confirmed): it is rolled back and the run fails. */
    public boolean deploymentFailed() {
        return phase == Phase.DEPLOYMENT_FAILED || phase == Phase.ROLLED_BACK;
    }

    /** The sync loop: is there a region not synced yet? */
    public boolean hasRegionToSync() {
        return regionsSynced < request.syncRegions().size();
    }

    /** The flow asked about now. */
    String currentFlowId() {
        return hasFlowToCheck() ? request.flowIds().get(flowsChecked) : null;
    }

    /** The region synced now. */
    String currentRegion() {
        return hasRegionToSync() ? request.syncRegions().get(regionsSynced) : null;
    }

    @Override
    public Map<String, String> pathValues() {
        Map<String, String> values = new HashMap<>();
        values.put("botId", request.botId());
        values.put("nluModelId", request.nluModelId());
        if (currentFlowId() != null) {
            values.put("flowId", currentFlowId());
        }
        if (deploymentId != null) {
            values.put("deploymentId", deploymentId);
        }
        return values;
    }

    /**
     * The audit resource of the step at hand: {@code nlu:<model>} while the model is checked,
     * {@code flow:<bot>:<flow>} while a flow is, {@code bot:<bot>:<environment>[:<deployment>]}
     * after, with {@code :<region>} while a region is synced.
     */
    @Override
    public String resource() {
        if (phase == Phase.STARTED) {
            return "nlu:" + request.nluModelId();
        }
        if (phase == Phase.MODEL_CHECKED && hasFlowToCheck()) {
            return "flow:" + request.botId() + ":" + currentFlowId();
        }
        if (phase == Phase.TRAFFIC_SWITCHED && hasRegionToSync()) {
            return deploymentResource() + ":" + currentRegion();
        }
        return deploymentResource();
    }

    /** {@code bot:<botId>:<environment>}, with the deployment once there is one. */
    String deploymentResource() {
        return "bot:" + request.botId() + ":" + request.targetEnvironmentId() + (deploymentId == null ? "" : ":" + deploymentId);
    }

    @Override
    public boolean pollDone() {
        return !isBefore(Phase.DEPLOYMENT_FAILED.name());
    }

    @Override
    public String pollStatus() {
        return lastStatus == null ? "deployment " + deploymentId + " not read yet"
                : "deployment " + deploymentId + " is " + lastStatus;
    }

    /** Per flow asked about, the versions listed, as {@link FlowReferences#missing} takes them. */
    Map<String, Set<String>> listedVersionSets() {
        Map<String, Set<String>> sets = new LinkedHashMap<>();
        listedVersions.forEach((flow, versions) -> sets.put(flow, new LinkedHashSet<>(versions)));
        return sets;
    }

    // ---- the next values

    BotDeployRun at(Phase next) {
        return new BotDeployRun(next, request, startedAtMs, flowsChecked, listedVersions, validatedAtMs, deploymentId,
                location, estimatedCompletionSeconds, createdAtMs, lastStatus, failureCode, failureMessage,
                rollbackTriggered, rollbackError, routing, regionsSynced, syncJobIds, syncFailures);
    }

    /** The current flow was asked about: its versions, or null when it does not exist. */
    BotDeployRun withFlowChecked(List<String> versions) {
        Map<String, List<String>> listed = new LinkedHashMap<>(listedVersions);
        if (versions != null) {
            listed.put(currentFlowId(), List.copyOf(versions));
        }
        return new BotDeployRun(phase, request, startedAtMs, flowsChecked + 1, listed, validatedAtMs, deploymentId,
                location, estimatedCompletionSeconds, createdAtMs, lastStatus, failureCode, failureMessage,
                rollbackTriggered, rollbackError, routing, regionsSynced, syncJobIds, syncFailures);
    }

    BotDeployRun withValidated(long atMs) {
        return new BotDeployRun(Phase.WEBHOOKS_CHECKED, request, startedAtMs, flowsChecked, listedVersions, atMs,
                deploymentId, location, estimatedCompletionSeconds, createdAtMs, lastStatus, failureCode, failureMessage,
                rollbackTriggered, rollbackError, routing, regionsSynced, syncJobIds, syncFailures);
    }

    BotDeployRun withDeployment(String id, String newLocation, Long estimate, long atMs, String status) {
        return new BotDeployRun(Phase.DEPLOYMENT_CREATED, request, startedAtMs, flowsChecked, listedVersions, validatedAtMs,
                id, newLocation, estimate, atMs, status, failureCode, failureMessage, rollbackTriggered, rollbackError,
                routing, regionsSynced, syncJobIds, syncFailures);
    }

    /** A status read: still running (DEPLOYMENT_CREATED) or DEPLOYMENT_FINISHED. */
    BotDeployRun withStatus(Phase next, String status) {
        return new BotDeployRun(next, request, startedAtMs, flowsChecked, listedVersions, validatedAtMs, deploymentId,
                location, estimatedCompletionSeconds, createdAtMs, status, failureCode, failureMessage,
                rollbackTriggered, rollbackError, routing, regionsSynced, syncJobIds, syncFailures);
    }

    /** The deployment failed, or was never confirmed: DEPLOYMENT_FAILED. */
    BotDeployRun withFailure(String status, ErrorCode code, String message) {
        return new BotDeployRun(Phase.DEPLOYMENT_FAILED, request, startedAtMs, flowsChecked, listedVersions, validatedAtMs,
                deploymentId, location, estimatedCompletionSeconds, createdAtMs, status, code, message,
                rollbackTriggered, rollbackError, routing, regionsSynced, syncJobIds, syncFailures);
    }

    /** The rollback was asked for: ROLLED_BACK, with why the call failed when it did. */
    BotDeployRun withRollback(String error) {
        return new BotDeployRun(Phase.ROLLED_BACK, request, startedAtMs, flowsChecked, listedVersions, validatedAtMs,
                deploymentId, location, estimatedCompletionSeconds, createdAtMs, lastStatus, failureCode, failureMessage,
                true, error, routing, regionsSynced, syncJobIds, syncFailures);
    }

    BotDeployRun withRouting(Map<String, Object> inForce) {
        BotDeployRun switched = new BotDeployRun(Phase.TRAFFIC_SWITCHED, request, startedAtMs, flowsChecked, listedVersions,
                validatedAtMs, deploymentId, location, estimatedCompletionSeconds, createdAtMs, lastStatus, failureCode,
                failureMessage, rollbackTriggered, rollbackError, inForce, regionsSynced, syncJobIds, syncFailures);
        return switched.hasRegionToSync() ? switched : switched.at(Phase.SYNCED);
    }

    /** The current region: its sync job id, or (syncJobId null) why it was not synced. SYNCED after the last. */
    BotDeployRun withSync(String syncJobId, String failure) {
        Map<String, String> ids = new LinkedHashMap<>(syncJobIds);
        Map<String, String> failures = new LinkedHashMap<>(syncFailures);
        if (syncJobId != null) {
            ids.put(currentRegion(), syncJobId);
        } else {
            failures.put(currentRegion(), failure);
        }
        int synced = regionsSynced + 1;
        Phase next = synced < request.syncRegions().size() ? Phase.TRAFFIC_SWITCHED : Phase.SYNCED;
        return new BotDeployRun(next, request, startedAtMs, flowsChecked, listedVersions, validatedAtMs, deploymentId,
                location, estimatedCompletionSeconds, createdAtMs, lastStatus, failureCode, failureMessage,
                rollbackTriggered, rollbackError, routing, synced, ids, failures);
    }

    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
