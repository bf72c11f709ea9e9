package dev.cognigyops.botdeploy;

import java.util.Map;

import dev.cognigyops.botdeploy.EndpointPatch.Served;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunFailure;

/**
 * What a bot-deploy on profile cognigy-v2 knows, as one value (docs/contract.md §9): the endpoint, what it
 * served before (the rollback target, recorded before any change), what it is to serve, what it was read to
 * serve, and how the switch and any rollback went. Each step of {@code direct:bot-deploy-v2} that learns or
 * changes something returns the next value, which is checkpointed; a run restored from one goes on from its
 * phase, and never sends a PATCH again without reading the endpoint back first.
 *
 * <p>Phases in order: STARTED; ENDPOINT_READ (previous and target recorded); SNAPSHOT_CHECKED (the snapshot is
 * the project's); FLOW_CHECKED (the flow is in the snapshot); WEBHOOKS_CHECKED (every dependency webhook
 * answered 2xx: the switch PATCH is due; {@code switchPatches} counts those sent); SWITCH_UNCERTAIN (a switch
 * PATCH failed with its effect unknown, or the run resumed after sending one: read back before anything else);
 * SWITCHED (the PATCH was answered: the read-back is due); VERIFIED (the read-back shows the target: done);
 * FAILED (failed before anything was changed); ROLLBACK_DUE (the switch failed after the PATCH: the PATCH back
 * to {@code previous} is due); ROLLBACK_UNCERTAIN; ROLLED_BACK; ROLLBACK_FAILED.
 *
 * @param previous          what the endpoint served when the run began (null before the first read)
 * @param target            what it is to serve: the snapshot, the flow and the locale
 * @param current           what it serves as last known (read, or set by an answered PATCH)
 * @param switchPatches     switch PATCHes sent (each counted, and saved, before it is sent)
 * @param rollbackPatches   rollback PATCHes sent (likewise)
 * @param failureCode       why the switch failed (null while it has not)
 * @param rollbackError     why the rollback failed (null unless it did)
 */
public record EndpointSwitchRun(Phase phase, EndpointSwitchRequest request, long startedAtMs, Served previous, Served target,
                                Served current, int switchPatches, int rollbackPatches, boolean rollbackTriggered,
                                ErrorCode failureCode, String failureMessage, String rollbackError) implements OperationState {

    public enum Phase {
        STARTED, ENDPOINT_READ, SNAPSHOT_CHECKED, FLOW_CHECKED, WEBHOOKS_CHECKED, SWITCH_UNCERTAIN, SWITCHED, VERIFIED,
        FAILED, ROLLBACK_DUE, ROLLBACK_UNCERTAIN, ROLLED_BACK, ROLLBACK_FAILED
    }

    static EndpointSwitchRun start(EndpointSwitchRequest request, long nowMs) {
        return new EndpointSwitchRun(Phase.STARTED, request, nowMs, null, null, null, 0, 0, false, null, null, null);
    }

    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    public boolean isAt(String phase) {
        return this.phase == Phase.valueOf(phase);
    }

    /** The switch is not settled yet: its PATCH is due, or its effect is to be read back. */
    public boolean switchPending() {
        return phase == Phase.WEBHOOKS_CHECKED || phase == Phase.SWITCH_UNCERTAIN;
    }

    /** The rollback is not settled yet: its PATCH is due, or its effect is to be read back. */
    public boolean rollbackPending() {
        return phase == Phase.ROLLBACK_DUE || phase == Phase.ROLLBACK_UNCERTAIN;
    }

    /** A switch PATCH may have reached Cognigy: a failure from here on is rolled back. */
    public boolean mayHaveSwitched() {
        return phase == Phase.SWITCH_UNCERTAIN || phase == Phase.SWITCHED || phase == Phase.VERIFIED;
    }

    @Override
    public Map<String, String> pathValues() {
        return Map.of("projectId", request.projectId(), "endpointId", request.endpointId(), "snapshotId", request.snapshotId());
    }

    @Override
    public String resource() {
        return "endpoint:" + request.endpointId();
    }

    // ---- the next values

    EndpointSwitchRun at(Phase next) {
        return new EndpointSwitchRun(next, request, startedAtMs, previous, target, current, switchPatches, rollbackPatches,
                rollbackTriggered, failureCode, failureMessage, rollbackError);
    }

    /**
     * Going on from a saved state: a PATCH counted as sent may have reached Cognigy, so the endpoint is read
     * back before it is sent again (the switch's or the rollback's).
     */
    EndpointSwitchRun resumed() {
        if (phase == Phase.WEBHOOKS_CHECKED && switchPatches > 0) {
            return at(Phase.SWITCH_UNCERTAIN);
        }
        if (phase == Phase.ROLLBACK_DUE && rollbackPatches > 0) {
            return at(Phase.ROLLBACK_UNCERTAIN);
        }
        return this;
    }

    /**
     * The endpoint as it serves now — the rollback target — and what it is to serve: the snapshot, the payload's
     * flow (else the one served now) and the payload's locale (else the one served now).
     */
    EndpointSwitchRun endpointRead(Served served) {
        if (served.entrypoint() == null) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "endpoint " + request.endpointId()
                    + " was read without an entrypoint: what it serves cannot be restored after a failure; nothing was patched");
        }
        String flow = request.flowReferenceId() != null ? request.flowReferenceId() : served.flowId();
        if (flow == null) {
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "endpoint " + request.endpointId()
                    + " serves no flow now: name the flow it is to serve with payload.flowReferenceId; nothing was patched");
        }
        Served to = new Served(request.snapshotId(), flow, request.localeId() != null ? request.localeId() : served.localeId());
        return new EndpointSwitchRun(Phase.ENDPOINT_READ, request, startedAtMs, served, to, served, 0, 0, false, null, null, null);
    }

    /** Every check passed: the switch PATCH is due — unless the endpoint already serves the target (then nothing to do). */
    EndpointSwitchRun checked() {
        return EndpointPatch.shows(previous, target) ? at(Phase.VERIFIED) : at(Phase.WEBHOOKS_CHECKED);
    }

    /** A switch PATCH is about to be sent (saved first: a resumed run then reads back before sending it again). */
    EndpointSwitchRun switchSending() {
        return new EndpointSwitchRun(phase, request, startedAtMs, previous, target, current, switchPatches + 1,
                rollbackPatches, rollbackTriggered, failureCode, failureMessage, rollbackError);
    }

    /** The switch PATCH was answered 2xx: the read-back is due. */
    EndpointSwitchRun switched() {
        return at(Phase.SWITCHED);
    }

    /**
     * The endpoint read back after a switch PATCH whose effect was unknown: it serves the target — the PATCH
     * applied, and this read is the switch's read-back; it does not — the PATCH is sent again, at most
     * {@code maxPatches} times in all.
     */
    EndpointSwitchRun switchReadBack(Served read, int maxPatches) {
        EndpointSwitchRun seen = withCurrent(read);
        if (EndpointPatch.shows(read, target)) {
            return seen.at(Phase.VERIFIED);
        }
        if (switchPatches >= maxPatches) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "endpoint " + request.endpointId() + ": " + switchPatches
                    + " PATCH(es) to serve " + target + " failed with their effect unknown, and it still serves " + read);
        }
        return seen.at(Phase.WEBHOOKS_CHECKED);
    }

    /** The read-back after the switch: the target — done; anything else — roll back. */
    EndpointSwitchRun verified(Served read) {
        EndpointSwitchRun seen = withCurrent(read);
        if (EndpointPatch.shows(read, target)) {
            return seen.at(Phase.VERIFIED);
        }
        return seen.rollbackDue(ErrorCode.UPSTREAM_ERROR, "endpoint " + request.endpointId() + " was patched to serve "
                + target + ", but it was read back serving " + read);
    }

    /** The run failed ({@code code}, {@code message}): rolled back when a switch PATCH may have applied, else just failed. */
    EndpointSwitchRun failed(ErrorCode code, String message) {
        if (mayHaveSwitched()) {
            return rollbackDue(code, message);
        }
        return new EndpointSwitchRun(Phase.FAILED, request, startedAtMs, previous, target, current, switchPatches,
                rollbackPatches, false, code, message, null);
    }

    private EndpointSwitchRun rollbackDue(ErrorCode code, String message) {
        return new EndpointSwitchRun(Phase.ROLLBACK_DUE, request, startedAtMs, previous, target, current, switchPatches,
                rollbackPatches, true, code, message, null);
    }

    /** A rollback PATCH is about to be sent (saved first). */
    EndpointSwitchRun rollbackSending() {
        return new EndpointSwitchRun(phase, request, startedAtMs, previous, target, current, switchPatches,
                rollbackPatches + 1, rollbackTriggered, failureCode, failureMessage, rollbackError);
    }

    /** The rollback PATCH was answered 2xx: the endpoint serves what it served before. */
    EndpointSwitchRun rolledBack() {
        return withCurrent(previous).at(Phase.ROLLED_BACK);
    }

    /** The endpoint read back after a rollback whose effect was unknown: restored, sent again, or given up. */
    EndpointSwitchRun rollbackReadBack(Served read, int maxPatches) {
        EndpointSwitchRun seen = withCurrent(read);
        if (EndpointPatch.shows(read, previous)) {
            return seen.at(Phase.ROLLED_BACK);
        }
        if (rollbackPatches >= maxPatches) {
            return seen.rollbackFailed(rollbackPatches + " rollback PATCH(es) failed with their effect unknown, and it still serves " + read);
        }
        return seen.at(Phase.ROLLBACK_DUE);
    }

    /** The rollback failed for good. */
    EndpointSwitchRun rollbackFailed(String error) {
        return new EndpointSwitchRun(Phase.ROLLBACK_FAILED, request, startedAtMs, previous, target, current, switchPatches,
                rollbackPatches, true, failureCode, failureMessage, error);
    }

    private EndpointSwitchRun withCurrent(Served read) {
        return new EndpointSwitchRun(phase, request, startedAtMs, previous, target, read, switchPatches, rollbackPatches,
                rollbackTriggered, failureCode, failureMessage, rollbackError);
    }
}
