package dev.cognigyops.flowdeploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.storage.StoredObject;

/**
 * Everything one flow-deploy run knows, as one value (written as JSON and read back equal): what was
 * asked, how far it got ({@link Phase}), and what Cognigy and S3 gave back. Each step of
 * {@code routes/operations/flow-deploy.camel.yaml} that learns or changes something outside the program sets
 * the next value before the following step starts; a run restored from any of them goes on from
 * its phase without repeating what it records as done. Every loop keeps its position here: the page
 * of the listing being read ({@code listing}), the status read ({@code statusIndex}), the flow being
 * pushed ({@code pushIndex}, with each pushed flow's {@link Push} outcome) and the flow being rolled
 * back ({@code rollbackIndex} in {@code rollbackQueue}).
 *
 * @param flowIds          the flows asked for, or null for every exported flow
 * @param startedAtMs      the run's start (epoch ms)
 * @param manifestKey      where the manifest goes in the bucket
 * @param listing          the listing being read (flows, then the target's intents, then its entities), or null
 * @param exportedIds      every flow id the source listed
 * @param flows            the selected flows, by id, as exported
 * @param targetIntents    the target's intent ids, or null when no flow references an intent
 * @param targetEntities   the target's entity ids, or null when no flow references an entity
 * @param statusIndex      the status read next: of the referenced flows outside the selection (phase
 *                         RESOLVED), then of the flows to push (DEPENDENCIES_CHECKED)
 * @param previousVersions each flow's version in the target before the push (a null value: there, without a
 *                         version); a flow not in the target has no key
 * @param manifest         the manifest in S3, once stored
 * @param manifestAtMs     the manifest's {@code generatedAt} (epoch ms)
 * @param pushes           what became of each flow pushed so far
 * @param verifyStatus     while a pushed flow is verified: what its status said last
 * @param failure          the flow whose push failed, and why
 * @param rollbackQueue    the flows to roll back, newest first
 * @param marks            each flow's status in the manifest, once it is no longer pending
 * @param finalStoreError  why the final manifest could not be stored, if it could not
 */
public record FlowDeployRun(Phase phase, String runId, String environment, List<String> flowIds, boolean dryRun,
                            long startedAtMs, String manifestKey, Pager listing, List<String> exportedIds,
                            Map<String, JsonNode> flows, List<String> targetIntents, List<String> targetEntities,
                            DependencyResolver.Resolution resolution, int statusIndex, Map<String, String> previousVersions,
                            StoredObject manifest, long manifestAtMs, int pushIndex, Map<String, Push> pushes,
                            String verifyStatus, Failure failure, List<String> rollbackQueue, int rollbackIndex,
                            Map<String, Mark> marks, String finalStoreError) implements OperationState {

    /** The exchange property that holds it (the same for every operation's state). */
    public static final String PROPERTY = OperationState.PROPERTY;

    /** How far a run got; each phase is reached when its step's outcome is recorded. */
    public enum Phase {
        /** reading the flow listing */
        STARTED,
        /** every page of the flow listing read */
        EXPORTED,
        /** the selected flows pass the schema; the target's intents are read next (if referenced) */
        VALIDATED,
        INTENTS_LISTED,
        /** the target's intents and entities known */
        TARGET_LISTED,
        /** graph and push order known; referenced flows outside the selection are looked up next */
        RESOLVED,
        /** nothing is missing; each flow's current version in the target is read next */
        DEPENDENCIES_CHECKED,
        PREVIOUS_RECORDED,
        /** the planned manifest is in S3 */
        MANIFEST_STORED,
        /** flows are imported and verified, one at a time, in push order */
        PUSHING,
        /** every flow deployed and verified */
        PUSHED,
        /** a push failed: flows are put back, newest first */
        ROLLING_BACK,
        ROLLED_BACK,
        /** the final manifest is stored (or its store failed: {@code finalStoreError}) */
        FINISHED
    }

    /** What became of one pushed flow. */
    public enum Push { IMPORTED, VERIFIED, FAILED }

    /** The flow whose push (or verification) failed. @param uncertainImport its import failed without a refusal: it may have been applied */
    public record Failure(String flowId, ErrorCode code, String message, boolean uncertainImport) {
    }

    /** A flow's line in the manifest once it is no longer pending. */
    public record Mark(FlowManifest.Status status, String note) {
    }

    /** A new run, about to read the flow listing. */
    static FlowDeployRun started(String runId, String environment, List<String> flowIds, boolean dryRun, long startedAtMs,
                                 String manifestKey, Pager flowListing) {
        return new FlowDeployRun(Phase.STARTED, runId, environment, flowIds, dryRun, startedAtMs, manifestKey, flowListing,
                List.of(), Map.of(), null, null, null, 0, Map.of(), null, 0, 0, Map.of(), null, null, List.of(), 0,
                Map.of(), null);
    }

    // ---- what the route's filters and loops ask

    /** For the route's filters: has the run not yet reached {@code phase}? */
    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    @JsonIgnore
    public boolean isPushing() {
        return phase == Phase.PUSHING;
    }

    @JsonIgnore
    public boolean isRollingBack() {
        return phase == Phase.ROLLING_BACK;
    }

    /** The paging loops' condition: is there a page of the current listing still to read? */
    public boolean hasMorePages() {
        return listing != null && listing.hasNext();
    }

    /** The status-read loops' condition. */
    public boolean hasMoreStatusReads() {
        return statusIndex < statusQueue().size();
    }

    /** The push loop's condition. */
    public boolean hasMorePushes() {
        return phase == Phase.PUSHING && pushIndex < resolution.order().size();
    }

    /** The flow being pushed was not imported yet (a resumed run may have imported it already). */
    public boolean needsImport() {
        return !pushes.containsKey(currentFlow());
    }

    /** The flow being pushed is not verified yet. */
    public boolean needsVerify() {
        return pushes.get(currentFlow()) != Push.VERIFIED;
    }

    /** The rollback loop's condition. */
    public boolean hasMoreRollbacks() {
        return phase == Phase.ROLLING_BACK && rollbackIndex < rollbackQueue.size();
    }

    /** The flow being rolled back has a version to go back to. */
    @JsonIgnore
    public boolean isRestorable() {
        return previousVersions.get(currentFlow()) != null;
    }

    /** The flow a call is about now: status read, push, verification or rollback; null between them. */
    public String currentFlow() {
        return switch (phase) {
            case RESOLVED, DEPENDENCIES_CHECKED -> statusIndex < statusQueue().size() ? statusQueue().get(statusIndex) : null;
            case PUSHING -> pushIndex < resolution.order().size() ? resolution.order().get(pushIndex) : null;
            case ROLLING_BACK -> rollbackIndex < rollbackQueue.size() ? rollbackQueue.get(rollbackIndex) : null;
            default -> null;
        };
    }

    /** The flows whose status is read in this phase: the referenced ones outside the selection, then the ones to push. */
    List<String> statusQueue() {
        return switch (phase) {
            case RESOLVED -> List.copyOf(resolution.outsideSelection().keySet());
            case DEPENDENCIES_CHECKED -> resolution.order();
            default -> List.of();
        };
    }

    @Override
    public Map<String, String> pathValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("environmentId", environment);
        if (listing != null) {
            values.put("limit", Integer.toString(listing.pageSize()));
            values.put("offset", Integer.toString(listing.nextOffset()));
        }
        String flow = currentFlow();
        if (flow != null) {
            values.put("flowId", flow);
        }
        return values;
    }

    @Override
    public String resource() {
        String flow = currentFlow();
        if (flow != null) {
            return resource(flow);
        }
        return phase == Phase.STARTED ? "flows" : "environment:" + environment;
    }

    String resource(String flowId) {
        return "flow:" + flowId + "@" + environment;
    }

    @Override
    public boolean pollDone() {
        return pushes.get(currentFlow()) == Push.VERIFIED;
    }

    @Override
    public String pollStatus() {
        return verifyStatus == null ? "flow " + currentFlow() + " not read yet" : verifyStatus;
    }

    // ---- what the run has to show

    /** The flows deployed and verified, in push order. */
    public List<String> deployed() {
        List<String> ids = new ArrayList<>();
        for (String id : resolution == null ? List.<String>of() : resolution.order()) {
            if (pushes.get(id) == Push.VERIFIED) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The flows of the rollback marked {@code status}, newest first. */
    public List<String> rolledBackAs(FlowManifest.Status status) {
        return rollbackQueue.stream().filter(id -> marks.containsKey(id) && marks.get(id).status() == status).toList();
    }

    /** The manifest as it stands: the plan, each flow's status so far, and the outcome. */
    FlowManifest manifestDocument() {
        FlowManifest m = new FlowManifest(runId, Instant.ofEpochMilli(manifestAtMs), environment, dryRun, flows,
                previousVersions, resolution);
        marks.forEach((id, mark) -> m.mark(id, mark.status(), mark.note()));
        if (failure != null) {
            m.failed(failure.flowId(), failure.message());
        } else if (!isBefore(Phase.PUSHED.name())) {
            m.deployed();
        }
        return m;
    }

    // ---- the next value, step by step

    FlowDeployRun withPage(JsonNode page) {
        Next n = new Next(this);
        n.listing = listing.accept(page);
        if (phase == Phase.STARTED && !n.listing.hasNext()) {
            n.phase = Phase.EXPORTED;
        }
        return n.build();
    }

    FlowDeployRun validated(Map<String, JsonNode> selected, List<String> exported, Pager intentListing) {
        Next n = new Next(this);
        n.phase = Phase.VALIDATED;
        n.flows = new LinkedHashMap<>(selected);
        n.exportedIds = List.copyOf(exported);
        n.listing = intentListing;
        return n.build();
    }

    FlowDeployRun intentsListed(Pager entityListing) {
        Next n = new Next(this);
        n.phase = Phase.INTENTS_LISTED;
        n.targetIntents = listing == null ? null : listing.ids();
        n.listing = entityListing;
        return n.build();
    }

    FlowDeployRun entitiesListed() {
        Next n = new Next(this);
        n.phase = Phase.TARGET_LISTED;
        n.targetEntities = listing == null ? null : listing.ids();
        n.listing = null;
        return n.build();
    }

    FlowDeployRun resolved(DependencyResolver.Resolution found) {
        Next n = new Next(this);
        n.phase = Phase.RESOLVED;
        n.resolution = found;
        n.statusIndex = 0;
        return n.build();
    }

    /** The flow whose status was read is in the target at {@code version} (null: without one). */
    FlowDeployRun versionRead(String version) {
        Next n = new Next(this);
        n.previousVersions = new LinkedHashMap<>(previousVersions);
        n.previousVersions.put(currentFlow(), version);
        n.statusIndex = statusIndex + 1;
        return n.build();
    }

    /** The flow whose status was read is not in the target. */
    FlowDeployRun notInTarget() {
        Next n = new Next(this);
        n.statusIndex = statusIndex + 1;
        return n.build();
    }

    FlowDeployRun dependenciesChecked() {
        Next n = new Next(this);
        n.phase = Phase.DEPENDENCIES_CHECKED;
        n.statusIndex = 0;
        return n.build();
    }

    FlowDeployRun previousRecorded(long manifestAt) {
        Next n = new Next(this);
        n.phase = Phase.PREVIOUS_RECORDED;
        n.manifestAtMs = manifestAt;
        return n.build();
    }

    /** The manifest is in S3: the planned one (MANIFEST_STORED), or the final one (FINISHED). */
    FlowDeployRun manifestStored(StoredObject stored) {
        Next n = new Next(this);
        n.manifest = stored;
        n.phase = isBefore(Phase.MANIFEST_STORED.name()) ? Phase.MANIFEST_STORED : Phase.FINISHED;
        return n.build();
    }

    FlowDeployRun pushing() {
        Next n = new Next(this);
        n.phase = resolution.order().isEmpty() ? Phase.PUSHED : Phase.PUSHING;
        return n.build();
    }

    FlowDeployRun imported() {
        return withPush(Push.IMPORTED, null);
    }

    /** A verification read that did not show the push yet: {@code status} is said if the poll times out. */
    FlowDeployRun verifying(String status) {
        Next n = new Next(this);
        n.verifyStatus = status;
        return n.build();
    }

    FlowDeployRun verified() {
        return withPush(Push.VERIFIED, null);
    }

    /** The flow verified is DEPLOYED in the manifest; on to the next (PUSHED after the last). */
    FlowDeployRun deployedOne() {
        Next n = new Next(this);
        n.marks = new LinkedHashMap<>(marks);
        n.marks.put(currentFlow(), new Mark(FlowManifest.Status.DEPLOYED, null));
        n.pushIndex = pushIndex + 1;
        n.verifyStatus = null;
        if (n.pushIndex >= resolution.order().size()) {
            n.phase = Phase.PUSHED;
        }
        return n.build();
    }

    /** The flow being pushed failed: it is FAILED, and {@code queue} (newest first) is rolled back. */
    FlowDeployRun pushFailed(Failure why, List<String> queue) {
        Next n = new Next(this);
        n.pushes = new LinkedHashMap<>(pushes);
        n.pushes.put(why.flowId(), Push.FAILED);
        n.marks = new LinkedHashMap<>(marks);
        n.marks.put(why.flowId(), new Mark(FlowManifest.Status.FAILED, why.message()));
        n.failure = why;
        n.rollbackQueue = List.copyOf(queue);
        n.rollbackIndex = 0;
        n.phase = Phase.ROLLING_BACK;
        return n.build();
    }

    /** The flow being rolled back ends as {@code status}; on to the next. */
    FlowDeployRun rollbackOutcome(FlowManifest.Status status, String note) {
        Next n = new Next(this);
        n.marks = new LinkedHashMap<>(marks);
        n.marks.put(currentFlow(), new Mark(status, note));
        n.rollbackIndex = rollbackIndex + 1;
        return n.build();
    }

    FlowDeployRun rollbackDone() {
        Next n = new Next(this);
        n.phase = Phase.ROLLED_BACK;
        return n.build();
    }

    FlowDeployRun finalStoreFailed(String error) {
        Next n = new Next(this);
        n.finalStoreError = error;
        n.phase = Phase.FINISHED;
        return n.build();
    }

    private FlowDeployRun withPush(Push outcome, String status) {
        Next n = new Next(this);
        n.pushes = new LinkedHashMap<>(pushes);
        n.pushes.put(currentFlow(), outcome);
        n.verifyStatus = status;
        return n.build();
    }

    /** The next value, field by field (a record has no withers). */
    private static final class Next {
        Phase phase;
        final String runId;
        final String environment;
        final List<String> flowIds;
        final boolean dryRun;
        final long startedAtMs;
        final String manifestKey;
        Pager listing;
        List<String> exportedIds;
        Map<String, JsonNode> flows;
        List<String> targetIntents;
        List<String> targetEntities;
        DependencyResolver.Resolution resolution;
        int statusIndex;
        Map<String, String> previousVersions;
        StoredObject manifest;
        long manifestAtMs;
        int pushIndex;
        Map<String, Push> pushes;
        String verifyStatus;
        Failure failure;
        List<String> rollbackQueue;
        int rollbackIndex;
        Map<String, Mark> marks;
        String finalStoreError;

        Next(FlowDeployRun r) {
            phase = r.phase;
            runId = r.runId;
            environment = r.environment;
            flowIds = r.flowIds;
            dryRun = r.dryRun;
            startedAtMs = r.startedAtMs;
            manifestKey = r.manifestKey;
            listing = r.listing;
            exportedIds = r.exportedIds;
            flows = r.flows;
            targetIntents = r.targetIntents;
            targetEntities = r.targetEntities;
            resolution = r.resolution;
            statusIndex = r.statusIndex;
            previousVersions = r.previousVersions;
            manifest = r.manifest;
            manifestAtMs = r.manifestAtMs;
            pushIndex = r.pushIndex;
            pushes = r.pushes;
            verifyStatus = r.verifyStatus;
            failure = r.failure;
            rollbackQueue = r.rollbackQueue;
            rollbackIndex = r.rollbackIndex;
            marks = r.marks;
            finalStoreError = r.finalStoreError;
        }

        FlowDeployRun build() {
            return new FlowDeployRun(phase, runId, environment, flowIds, dryRun, startedAtMs, manifestKey, listing,
                    exportedIds, flows, targetIntents, targetEntities, resolution, statusIndex, previousVersions, manifest,
                    manifestAtMs, pushIndex, pushes, verifyStatus, failure, rollbackQueue, rollbackIndex, marks,
                    finalStoreError);
        }
    }
}
