package dev.cognigyops.runs;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * One run from request to result, kept as the exchange property {@value #PROPERTY}. Operations add
 * to its {@link #output()}; the dispatch route turns it into the result.
 */
public final class RunContext {

    public static final String PROPERTY = "run";

    /** The run an exchange belongs to (set by the dispatch before the operation's route). */
    public static RunContext of(org.apache.camel.Exchange exchange) {
        return exchange.getProperty(PROPERTY, RunContext.class);
    }

    /** What the dispatcher does with the request. */
    public enum Admission { ACCEPTED, REJECTED, DUPLICATE }

    private final String runId;
    private final String requestId;
    private final String operation;
    private final Trigger trigger;
    private final String source;
    private final Instant startedAt;
    private final JsonNode payload;
    private final Admission admission;
    private final List<String> violations;
    private final ObjectNode output = Json.object();
    private volatile RunStatus status;
    private volatile ErrorCode errorCode;
    private volatile String errorMessage;
    private volatile Instant finishedAt;
    private volatile JsonNode resumeFrom;
    private volatile RunLease lease;
    private volatile Instant lastCheckpointAt;
    private volatile boolean abandoned;
    private final java.util.concurrent.atomic.AtomicBoolean reconciled = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean cancelLookedUp = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<String> cancelDelivered = new java.util.concurrent.atomic.AtomicReference<>();
    private final List<Runnable> whenFinished = new java.util.concurrent.CopyOnWriteArrayList<>();

    RunContext(String runId, String requestId, String operation, Trigger trigger, String source, Instant startedAt,
               JsonNode payload, Admission admission, List<String> violations) {
        this.runId = runId;
        this.requestId = requestId;
        this.operation = operation;
        this.trigger = trigger;
        this.source = source;
        this.startedAt = startedAt;
        this.payload = payload;
        this.admission = admission;
        this.violations = List.copyOf(violations);
        if (admission == Admission.REJECTED) {
            this.status = RunStatus.REJECTED;
            this.errorCode = ErrorCode.INVALID_REQUEST;
            this.errorMessage = String.join(" | ", violations);
        }
    }

    public String runId() { return runId; }
    public String requestId() { return requestId; }
    public String operation() { return operation; }
    public Trigger trigger() { return trigger; }
    public String source() { return source; }
    public Instant startedAt() { return startedAt; }
    public JsonNode payload() { return payload; }
    public Admission admission() { return admission; }
    public List<String> violations() { return violations; }
    public ObjectNode output() { return output; }
    public RunStatus status() { return status; }
    public ErrorCode errorCode() { return errorCode; }
    public String errorMessage() { return errorMessage; }
    public Instant finishedAt() { return finishedAt; }

    /** A saved run state this run goes on from (its operation's state as JSON), or null for a new run. */
    public JsonNode resumeFrom() { return resumeFrom; }

    public void resumeFrom(JsonNode savedState) {
        this.resumeFrom = savedState;
    }

    /** The same request as a DUPLICATE: the run store has its run id already (it ran, or runs, on another instance). */
    public RunContext asDuplicate() {
        return new RunContext(runId, requestId, operation, trigger, source, startedAt, payload, Admission.DUPLICATE, List.of());
    }

    /** What this instance holds of the run in the run store (null: the run is not durable, e.g. on the command line). */
    public RunLease lease() { return lease; }

    public void holdLease(RunLease held) { this.lease = held; }

    /** When the run's state was last saved, or null. */
    public Instant lastCheckpointAt() { return lastCheckpointAt; }

    public void checkpointed(Instant at) { this.lastCheckpointAt = at; }

    /**
     * True once, at the first step that asks, when the run goes on from a saved state: a step that
     * changes something may have been in flight when it was saved, and is reconciled with what can be
     * read before it is sent again.
     */
    public boolean firstStepSinceResume() {
        return resumeFrom != null && reconciled.compareAndSet(false, true);
    }

    /** The run stops here without a result: another instance holds it, or it is left to be resumed. */
    public boolean isAbandoned() { return abandoned; }

    public void abandon() { this.abandoned = true; }

    /** True once: the first time this run's cancel request is to be looked up in the run store on this instance. */
    public boolean firstCancelLookup() {
        return cancelLookedUp.compareAndSet(false, true);
    }

    /**
     * The run's cancel is delivered (thrown at its next step): true once per run, so that what the
     * operation does about it (its rollback) is never interrupted by the same cancel again.
     */
    public boolean deliverCancel(String message) {
        return cancelDelivered.compareAndSet(null, message);
    }

    /** What the delivered cancel said, or null when no cancel was delivered to this run. */
    public String cancelDelivered() {
        return cancelDelivered.get();
    }

    public boolean isAccepted() { return admission == Admission.ACCEPTED; }
    public boolean isRejected() { return admission == Admission.REJECTED; }
    public boolean isDuplicate() { return admission == Admission.DUPLICATE; }

    /** Payload text field, or the fallback when absent. */
    public String payloadText(String field, String fallback) {
        String value = Json.text(payload, field);
        return value == null ? fallback : value;
    }

    public void fail(RunStatus status, ErrorCode code, String message) {
        this.status = status;
        this.errorCode = code;
        this.errorMessage = message;
    }

    /** Something to do when the run ends, however it ends (e.g. give back what the run holds); it must not throw. */
    public void whenFinished(Runnable action) {
        whenFinished.add(action);
    }

    /** Ends the run: SUCCEEDED unless a failure was recorded; then what was to be done when it ends. */
    public void finish(Instant at) {
        if (status == null) {
            status = RunStatus.SUCCEEDED;
        }
        finishedAt = at;
        whenFinished.forEach(Runnable::run);
        whenFinished.clear();
    }
}
