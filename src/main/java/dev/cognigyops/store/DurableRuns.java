package dev.cognigyops.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunLease;
import dev.cognigyops.support.Json;

/**
 * Runs that outlive the process (docs/contract.md#durable-runs), between the dispatch and the
 * {@link RunStore}: a run is written before its first call out, its state is saved after every step
 * that changes it, its end is recorded before its result is written, and the runs nobody holds are
 * claimed to go on. This instance is {@code node#incarnation}: a restarted node takes back the runs of
 * its earlier life at once, another node once their lease has lapsed.
 * <p>
 * Every write names the run's {@link RunLease}; when the store answers that the run is no longer
 * this instance's, {@link LeaseLost} stops it quietly (no result, no RUN_FINISHED: the new owner
 * gives them). A store that has gone away is tried again for {@code cognigy.store.retry-ms}; then
 * the run is left, checkpointed, to whoever claims it next — never reported without its checkpoint.
 */
public final class DurableRuns {

    private static final Logger LOG = LoggerFactory.getLogger(DurableRuns.class);
    /** The waits between tries of a store that does not answer: the outbox's doubling rule, 200 ms up to 5 s. */
    private static final dev.cognigyops.publish.OutboxBackoff BACKOFF =
            new dev.cognigyops.publish.OutboxBackoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final RunStore store;
    private final String node;
    private final String owner;
    private final Duration lease;
    private final Duration readsCheckpointInterval;
    private final Duration retryFor;
    private final Clock clock;
    /** The API profile this instance speaks (cognigy.api.profile), recorded with every run it starts. */
    private final String apiProfile;
    /** Runs given up while the store was away: their leases are released once it answers again. */
    private final Map<String, RunLease> toRelease = new ConcurrentHashMap<>();
    private volatile boolean storeAway;
    private final CheckpointTimings timings = new CheckpointTimings();
    private volatile long periodStartMs;

    public DurableRuns(RunStore store, String node, String incarnation, Duration lease, Duration readsCheckpointInterval,
                       Duration retryFor, Clock clock, String apiProfile) {
        this.store = store;
        this.apiProfile = apiProfile;
        this.node = node;
        this.owner = node + "#" + incarnation;
        this.lease = lease;
        this.readsCheckpointInterval = readsCheckpointInterval;
        this.retryFor = retryFor;
        this.clock = clock;
    }

    /** The run store itself (its cancel requests: {@link CancelRequests}). */
    public RunStore store() {
        return store;
    }

    public String node() {
        return node;
    }

    public String owner() {
        return owner;
    }

    /**
     * An accepted run, before its first call out: its row, owned by this instance, with the API profile it
     * is started on (a claim by an instance of the other profile does not go on with it). False when the
     * store has its run id already — its requestId ran, or runs, here or on another instance.
     */
    public boolean accept(RunContext run, String requestText) {
        var row = new RunStore.NewRun(run.runId(), run.requestId(), run.operation(), run.trigger().label(), run.source(),
                requestText, run.startedAt(), apiProfile);
        Instant now = clock.instant();
        return retrying("record run " + run.runId(), () -> store.insert(row, node, owner, now, lease))
                .map(held -> {
                    run.holdLease(held);
                    return true;
                })
                .orElse(false);
    }

    /**
     * A REJECTED request's result, for the runs API to list. One try, no wait: its result file and its
     * audit events hold it whatever the store does.
     */
    public void rejected(RunContext run, String resultJson) {
        var row = new RunStore.NewRun(run.runId(), run.requestId(), run.operation(), run.trigger().label(), run.source(),
                null, run.startedAt());
        try {
            store.insertRejected(row, resultJson, run.finishedAt());
        } catch (StoreException e) {
            LOG.warn("rejected request {} is not listed by the runs API: {} (its result file and audit events have it)",
                    run.runId(), e.getMessage());
        }
    }

    /**
     * After a step set the run's state: saves it, unless it only records what status reads learned
     * ({@link OperationState#onlyReadsSince}) and was saved less than
     * {@code cognigy.store.reads-checkpoint-seconds} ago.
     *
     * @throws LeaseLost          when another instance holds the run now
     * @throws CheckpointNotSaved when the store stayed away for {@code cognigy.store.retry-ms}
     */
    public void checkpoint(RunContext run, OperationState saved, OperationState next) {
        RunLease held = run.lease();
        if (held == null || next == null || next == saved) {
            return;
        }
        Instant now = clock.instant();
        if (saved != null && next.onlyReadsSince(saved) && run.lastCheckpointAt() != null
                && Duration.between(run.lastCheckpointAt(), now).compareTo(readsCheckpointInterval) < 0) {
            return;
        }
        String phase = next.phase().name();
        String state = Json.write(next);
        boolean written;
        long start = System.nanoTime();
        try {
            written = retrying("save the checkpoint of run " + run.runId(), () -> store.checkpoint(held, phase, state, now));
            timings.saved(System.nanoTime() - start);
        } catch (StoreException e) {
            toRelease.put(run.runId(), held);
            throw new CheckpointNotSaved(run.runId(), phase, e);
        }
        if (!written) {
            throw new LeaseLost(run.runId(), held);
        }
        run.checkpointed(now);
    }

    /**
     * The run's end, before its result is written anywhere. False when the run is no longer this
     * instance's, or its end could not be recorded: then no result may be given here.
     */
    public boolean finish(RunContext run, String status, String resultJson) {
        RunLease held = run.lease();
        if (held == null) {
            return true;
        }
        Instant now = clock.instant();
        try {
            if (retrying("record the end of run " + run.runId(), () -> store.finish(held, status, resultJson, now))) {
                return true;
            }
            LOG.warn("run {} is held by another instance now: this one stops it without a result", run.runId());
            return false;
        } catch (StoreException e) {
            toRelease.put(run.runId(), held);
            LOG.error("the end of run {} ({}) could not be recorded: {}; it is left, checkpointed, to be resumed",
                    run.runId(), status, e.getMessage());
            return false;
        }
    }

    /** A run this instance gives up (stopping, or its checkpoint could not be saved): the next claim may take it. */
    public void abandon(RunContext run) {
        RunLease held = run.lease();
        if (held == null) {
            return;
        }
        try {
            store.release(held, clock.instant());
            toRelease.remove(run.runId());
        } catch (StoreException e) {
            toRelease.put(run.runId(), held);
        }
    }

    /** The heartbeat: releases what was given up while the store was away, then keeps this instance's runs. */
    public int heartbeat() {
        if (store == null) {
            return 0;
        }
        try {
            Instant now = clock.instant();
            for (RunLease held : List.copyOf(toRelease.values())) {
                store.release(held, now);
                toRelease.remove(held.runId());
            }
            int renewed = store.renew(owner, now.plus(lease));
            storeAnswers();
            sayWhatCheckpointsCost(now.toEpochMilli(), renewed);
            return renewed;
        } catch (StoreException e) {
            storeAway(e);
            return 0;
        }
    }

    /** Runs that nobody holds, claimed by this instance to go on from their last checkpoint. */
    public List<RunStore.Claimed> claimOrphans(int max) {
        if (store == null) {
            return List.of();
        }
        try {
            List<RunStore.Claimed> claimed = store.claim(node, owner, clock.instant(), lease, max);
            storeAnswers();
            return claimed;
        } catch (StoreException e) {
            storeAway(e);
            return List.of();
        }
    }

    /**
     * One run, claimed when nobody holds it (its lease lapsed, or was released): the command line
     * going on with a run of the same request that it left. Empty when the run is finished or held.
     */
    public java.util.Optional<RunStore.Claimed> claimRun(String runId) {
        return store.claimRun(runId, node, owner, clock.instant(), lease);
    }

    /**
     * Once a minute, when runs are held: how many checkpoints were saved and how long they took
     * (until the metrics endpoint gives it).
     */
    private void sayWhatCheckpointsCost(long nowMs, int held) {
        if (periodStartMs == 0) {
            periodStartMs = nowMs;
            return;
        }
        if (nowMs - periodStartMs < 60_000) {
            return;
        }
        sayCheckpointCost(nowMs, held);
    }

    /** What checkpoints cost since the last time it was said (also when the service stops). */
    public void sayCheckpointCost() {
        if (store != null && periodStartMs != 0) {
            sayCheckpointCost(clock.millis(), -1);
        }
    }

    private synchronized void sayCheckpointCost(long nowMs, int held) {
        long elapsed = Math.max(1, nowMs - periodStartMs);
        periodStartMs = nowMs;
        CheckpointTimings.Period p = timings.take();
        if (p.count() > 0 || held > 0) {
            LOG.info(String.format(java.util.Locale.ROOT,
                    "run store: %s%d checkpoints in %d s (%.1f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    held >= 0 ? held + " runs held, " : "", p.count(), elapsed / 1000, p.count() * 1000.0 / elapsed,
                    p.p50Ms(), p.p99Ms(), p.maxMs()));
        }
    }

    /** Said once when the store stops answering the heartbeat or the claims, and once when it is back. */
    private void storeAway(StoreException e) {
        if (!storeAway) {
            storeAway = true;
            LOG.error("the run store does not answer ({}): runs wait for it; leases are not renewed", e.getMessage());
        }
    }

    private void storeAnswers() {
        if (storeAway) {
            storeAway = false;
            LOG.info("the run store answers again");
        }
    }

    /** The run's row as the store has it. */
    public java.util.Optional<RunStore.StoredRun> find(String runId) {
        return store.find(runId);
    }

    /** The stored result of a finished run (for a duplicate of its request), or null. */
    public String storedResult(String runId) {
        return store.find(runId).map(RunStore.StoredRun::result).orElse(null);
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T call();
    }

    private <T> T retrying(String what, StoreCall<T> call) {
        long deadline = clock.millis() + retryFor.toMillis();
        for (int failures = 1; ; failures++) {
            try {
                return call.call();
            } catch (StoreException e) {
                long wait = BACKOFF.after(failures).toMillis();
                if (clock.millis() + wait > deadline) {
                    throw e;
                }
                LOG.warn("the run store did not answer ({}) to {}; trying again in {} ms", e.getMessage(), what, wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
