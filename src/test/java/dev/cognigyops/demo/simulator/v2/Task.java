package dev.cognigyops.demo.simulator.v2;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One Cognigy task, moved on by reads of it and by time: {@code queued} for the creation and
 * {@code queuedReads} reads, then {@code active} for {@code activeSteps} reads (currentStep 1..n of
 * totalStep n), then its effect runs and it is {@code done}, or {@code error} with a failReason when the
 * effect refuses or a hook planned a failure. With both counts 0 it is done at once. Each elapsed
 * {@code stepDuration} (when set) counts as one read. A stalled task stays active at step 1 until
 * cancelled; a cancel makes it {@code cancelling}, and cancelled at its next read or step of time.
 * Guarded by the {@link Tenant}'s lock.
 */
final class Task {

    static final String QUEUED = "queued";
    static final String ACTIVE = "active";
    static final String DONE = "done";
    static final String ERROR = "error";
    static final String CANCELLING = "cancelling";
    static final String CANCELLED = "cancelled";

    final String id;
    final String kind;
    final String projectId;
    final Map<String, Object> data;
    final Instant createdAt;
    private final int queuedReads;
    private final int activeSteps;
    private final Duration stepDuration;
    private final String plannedFailure;
    private final boolean stalled;
    /** Runs once when the task reaches done; answers a failReason to end in error instead. */
    private final Supplier<String> effect;

    private String status = QUEUED;
    private int currentStep;
    private String failReason;
    private Instant lastRunAt;
    private Instant lastFinishedAt;
    private Instant lastChanged;
    private int reads;
    private long ticksAtCancel = -1;

    Task(String id, String kind, String projectId, Map<String, Object> data, Instant createdAt, int queuedReads,
            int activeSteps, Duration stepDuration, String plannedFailure, boolean stalled, Supplier<String> effect) {
        this.id = id;
        this.kind = kind;
        this.projectId = projectId;
        this.data = new LinkedHashMap<>(data);
        this.createdAt = createdAt;
        this.queuedReads = queuedReads;
        this.activeSteps = activeSteps;
        this.stepDuration = stepDuration;
        this.plannedFailure = plannedFailure;
        this.stalled = stalled;
        this.effect = effect;
        this.lastChanged = createdAt;
    }

    String status() {
        return status;
    }

    int currentStep() {
        return currentStep;
    }

    int totalStep() {
        return Math.max(activeSteps, 1);
    }

    String failReason() {
        return failReason;
    }

    boolean terminal() {
        return DONE.equals(status) || ERROR.equals(status) || CANCELLED.equals(status);
    }

    /** One read of the task (GET tasks/{id}): moves it on by one step. */
    void read(Clock clock) {
        if (!terminal()) {
            reads++;
        }
        advance(clock.instant());
    }

    /** Applies the time that passed (and any reads already counted). */
    void advance(Instant now) {
        if (terminal()) {
            return;
        }
        long ticks = ticks(now);
        if (CANCELLING.equals(status)) {
            if (ticks > ticksAtCancel) {
                finish(CANCELLED, null, now);
            }
            return;
        }
        if (queuedReads + activeSteps > 0 && ticks <= queuedReads) {
            return; // still queued
        }
        if (stalled || ticks > queuedReads && ticks <= (long) queuedReads + activeSteps) {
            int step = stalled ? 1 : (int) (ticks - queuedReads);
            if (!ACTIVE.equals(status)) {
                status = ACTIVE;
                lastRunAt = now;
                lastChanged = now;
            }
            if (step != currentStep) {
                currentStep = step;
                lastChanged = now;
            }
            return;
        }
        if (lastRunAt == null) {
            lastRunAt = now;
        }
        if (plannedFailure != null) {
            finish(ERROR, plannedFailure, now);
            return;
        }
        String refusal = effect.get();
        if (refusal != null) {
            finish(ERROR, refusal, now);
        } else {
            currentStep = totalStep();
            finish(DONE, null, now);
        }
    }

    /** Asks the task to stop; false when it already ended. */
    boolean cancel(Instant now) {
        advance(now);
        if (terminal()) {
            return false;
        }
        if (!CANCELLING.equals(status)) {
            status = CANCELLING;
            lastChanged = now;
            ticksAtCancel = ticks(now);
        }
        return true;
    }

    private long ticks(Instant now) {
        long byTime = stepDuration == null || stepDuration.isZero()
                ? 0 : Math.max(0, Duration.between(createdAt, now).toMillis() / stepDuration.toMillis());
        return reads + byTime;
    }

    private void finish(String end, String reason, Instant now) {
        status = end;
        failReason = reason;
        lastFinishedAt = now;
        lastChanged = now;
    }

    /** The task as {@code GET tasks/{taskId}} answers it. */
    Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("_id", id);
        view.put("name", kind);
        view.put("status", status);
        view.put("data", data);
        view.put("currentStep", currentStep);
        view.put("totalStep", totalStep());
        view.put("failReason", failReason);
        view.put("lastRunAt", Tenant.time(lastRunAt));
        view.put("lastFinishedAt", Tenant.time(lastFinishedAt));
        view.put("createdAt", Tenant.time(createdAt));
        view.put("lastChanged", Tenant.time(lastChanged));
        return view;
    }

    /** The answer to the request that started it: the task as created, always {@code queued}. */
    Map<String, Object> createdView() {
        Map<String, Object> view = view();
        view.put("status", QUEUED);
        view.put("currentStep", 0);
        view.put("failReason", null);
        view.put("lastRunAt", null);
        view.put("lastFinishedAt", null);
        view.put("lastChanged", Tenant.time(createdAt));
        return view;
    }
}
