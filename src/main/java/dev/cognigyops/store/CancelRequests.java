package dev.cognigyops.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.runs.RunCancelled;
import dev.cognigyops.runs.RunContext;

/**
 * Cancels asked of running runs (POST /api/runs/{runId}/cancel), on one instance or many: the request
 * is recorded in the run store by whichever instance takes it ({@link #request}), and the run's owner
 * learns of it — at once when it took the request itself, else within {@code cognigy.runs.cancel-check-ms}
 * ({@link #refresh}, the timer route {@code check-cancel-requests}), and a run resumed from a checkpoint
 * looks its cancel up once at its first call. The cancels of this instance's runs are kept here, in memory.
 */
public final class CancelRequests {

    private static final Logger LOG = LoggerFactory.getLogger(CancelRequests.class);

    private final RunStore store;
    private final DurableRuns durable;
    private final AuditLog audit;
    private final Clock clock;
    /** The cancels asked of the runs this instance holds, by run id. */
    private final Map<String, RunStore.CancelRequest> held = new ConcurrentHashMap<>();

    public CancelRequests(RunStore store, DurableRuns durable, AuditLog audit, Clock clock) {
        this.store = store;
        this.durable = durable;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Records the cancel of a run (idempotent), audited CANCEL_REQUESTED in the run's own trail when it
     * is first recorded; handed to the run at once when this instance holds it.
     */
    public RunStore.CancelAnswer request(String runId, boolean cancelJob) {
        RunStore.CancelAnswer answer = store.requestCancel(runId, cancelJob, durable.owner(), clock.instant());
        if (answer instanceof RunStore.CancelAnswer.Requested requested) {
            if (requested.first()) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("cancelJob", cancelJob);
                details.put("instance", durable.owner());
                details.put("owner", requested.owner());
                audit.record(runId, requested.operation(), "CANCEL_REQUESTED", "REQUESTED",
                        "run:" + requested.operation() + ":" + runId, details);
                LOG.info("run {} ({}) is asked to stop{}; its owner is {}", runId, requested.operation(),
                        cancelJob ? " and to cancel its job" : "", requested.owner());
            }
            if (durable.owner().equals(requested.owner())) {
                store.cancelOf(runId).ifPresent(cancel -> held.put(runId, cancel));
            }
        }
        return answer;
    }

    /** Step of the timer route: the cancels asked of this instance's runs, from the store (another instance may have taken them). */
    public int refresh() {
        Map<String, RunStore.CancelRequest> now = new HashMap<>();
        try {
            for (RunStore.CancelRequest cancel : store.cancelsHeldBy(durable.owner())) {
                now.put(cancel.runId(), cancel);
            }
        } catch (StoreException e) {
            // the heartbeat says when the store is away; the cancels are read again at the next tick
            return held.size();
        }
        held.putAll(now);
        held.keySet().removeIf(runId -> !now.containsKey(runId));
        return held.size();
    }

    /** The cancel asked of this run, if any; the first time a run asks, the store is read (a resumed run's cancel). */
    public Optional<RunStore.CancelRequest> of(RunContext run) {
        RunStore.CancelRequest cancel = held.get(run.runId());
        if (cancel != null) {
            return Optional.of(cancel);
        }
        if (run.lease() != null && run.firstCancelLookup()) {
            try {
                Optional<RunStore.CancelRequest> stored = store.cancelOf(run.runId());
                stored.ifPresent(c -> held.put(run.runId(), c));
                return stored;
            } catch (StoreException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The exception that delivers a cancel. */
    public static RunCancelled delivered(RunStore.CancelRequest cancel) {
        return new RunCancelled(cancel.runId(), cancel.cancelJob(), cancel.requestedAt(), cancel.requestedBy());
    }

    /** A {@code doCatch}'s {@code onWhen}: what was caught is not a delivered cancel (which goes on to the run's end). */
    public boolean notCancel(Exchange exchange) {
        return !(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class) instanceof RunCancelled);
    }

    /** A filter: the cancel caught asks for the watched job to be cancelled too ({@code ?cancelJob=true}). */
    public boolean cancelJob(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class) instanceof RunCancelled cancelled
                && cancelled.cancelJob();
    }
}
